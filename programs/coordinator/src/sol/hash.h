/** @brief Hash syscalls. */
#pragma once
#include "log.h"

#define SHA256_RESULT_LENGTH 32
/** sha256 over the concatenation of `count` byte slices. */
extern uint64_t sol_sha256(const SolBytes *slices, uint64_t count, uint8_t *result);
