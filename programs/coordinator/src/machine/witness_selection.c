/**
 * Witnesses are drawn from the round seed, which nobody knows before the previous round closes (see
 * instructions/run_tick.c), so no member can arrange to witness its own receipts. Mirrored by sdk/witnessSelection.ts.
 */
#include "run_machine.h"

uint8_t witness_quorum(uint8_t witnesses) {
  if (witnesses <= 1) return witnesses;
  if (witnesses <= 3) return 2;
  return (uint8_t)(2 * (uint32_t)witnesses / 3);
}

uint64_t splitmix64_next(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void run_select_witnesses(Run *run, const uint8_t *seed, uint16_t *scratch) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < MAX_MEMBERS; i++)
    if (run->members[i].in_epoch) scratch[n++] = (uint16_t)i;
  uint32_t count = run->config.witness_nodes < n ? run->config.witness_nodes : n;
  uint64_t state = read_u64(seed);
  for (uint32_t k = 0; k < MAX_WITNESSES; k++) {
    RoundWitness *w = &run->witnesses[k];
    uint8_t *raw = (uint8_t *)w;
    for (uint32_t b = 0; b < sizeof(RoundWitness); b++) raw[b] = 0;
    if (k >= count) continue;
    uint32_t j = k + (uint32_t)(splitmix64_next(&state) % (n - k));
    uint16_t picked = scratch[j];
    scratch[j] = scratch[k];
    scratch[k] = picked;
    w->slot = picked;
  }
  run->round_witness_count = (uint8_t)count;
}
