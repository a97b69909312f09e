/** @brief Public keys. */
#pragma once
#include "types.h"

#define SIZE_PUBKEY 32

/** Aligned to 8 so comparisons are four u64 loads (unaligned 32-byte copies become byte loads in upstream BPF). */
typedef struct {
  uint8_t x[SIZE_PUBKEY];
} __attribute__((aligned(8))) SolPubkey;

/** @return whether the two keys are equal. Keys inside the input buffer are 8-byte aligned by the runtime. */
static inline bool SolPubkey_same(const SolPubkey *a, const SolPubkey *b) {
  const uint64_t *x = (const uint64_t *)a->x, *y = (const uint64_t *)b->x;
  return x[0] == y[0] && x[1] == y[1] && x[2] == y[2] && x[3] == y[3];
}
