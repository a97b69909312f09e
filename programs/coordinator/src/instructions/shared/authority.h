/** @brief The accounts of the authority-only instructions: [authority (signer), run (writable)]. */
#pragma once
#include "accounts.h"

/** Checks count, distinct keys, signer, the run account, and that the signer is the run's authority. */
uint64_t load_authority_run(SolParameters *params, Run **run);
