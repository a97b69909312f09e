/** @brief Validating a RunConfig from instruction data, logging the rule it breaks. */
#pragma once
#include "../../state/run.h"

/** 0, or the ConcordError of the first rule `config` breaks (logged). */
uint64_t check_run_config(const RunConfig *config);
