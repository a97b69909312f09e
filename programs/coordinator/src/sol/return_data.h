/** @brief Return data: what `simulateTransaction` and Anchor's `.view()` read back. */
#pragma once
#include "types.h"

#define MAX_RETURN_DATA 1024
extern void sol_set_return_data(const uint8_t *data, uint64_t len);
