/** @brief Logging syscalls (program logs and `Program data:` events). */
#pragma once
#include "pubkey.h"

typedef struct {
  const uint8_t *addr;
  uint64_t len;
} SolBytes;

extern void sol_log_(const char *message, uint64_t len);
extern void sol_log_64_(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e);
extern void sol_log_pubkey(const SolPubkey *key);
extern void sol_log_compute_units_(void);
/** Emits `Program data: <base64 fields>`: how the program publishes events (Anchor's emit! uses the same syscall). */
extern void sol_log_data(const SolBytes *fields, uint64_t count);

/** Logs a string literal without a strlen loop. */
#define sol_log(literal) sol_log_((literal), sizeof(literal) - 1)
