/** @brief Sysvars read through syscalls: Clock, Rent and (SIMD-0127 sol_get_sysvar) SlotHashes. */
#pragma once
#include "types.h"

typedef struct {
  uint64_t slot;
  int64_t epoch_start_timestamp;
  uint64_t epoch;
  uint64_t leader_schedule_epoch;
  int64_t unix_timestamp;
} SolClock;

extern uint64_t sol_get_clock_sysvar(SolClock *clock);
/** Writes Rent { lamports_per_byte_year u64, exemption_threshold f64, burn_percent u8 } (17 bytes, padded to 24). */
extern uint64_t sol_get_rent_sysvar(uint8_t *rent);
/** Copies `length` bytes at `offset` of the sysvar whose id is at `sysvar_id`. */
extern uint64_t sol_get_sysvar(const uint8_t *sysvar_id, uint8_t *out, uint64_t offset, uint64_t length);

/** SlotHashes: Vec<(slot u64, hash [u8; 32])>, newest first; entry 0 starts after the u64 length. */
#define SLOT_HASH_ENTRY_SIZE 40
#define SLOT_HASHES_FIRST_ENTRY_OFFSET 8
