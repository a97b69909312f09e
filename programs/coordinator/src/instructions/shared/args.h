/**
 * @brief Borsh argument reader over instruction data. Every read is bounds-checked; a short read marks the reader
 * failed, and args_finish refuses failed readers and trailing bytes alike (ConcordError_InvalidInstructionData).
 */
#pragma once
#include "../../solana_sdk.h"

typedef struct {
  const uint8_t *at;
  uint64_t left;
  bool failed;
} Args;

/** Starts after the 8-byte discriminator (the entrypoint guarantees it is there). */
static inline Args args_start(const SolParameters *params) {
  return (Args){params->data + 8, params->data_len - 8, false};
}

static inline const uint8_t *args_take(Args *a, uint64_t n) {
  if (a->failed || a->left < n) {
    a->failed = true;
    return 0;
  }
  const uint8_t *p = a->at;
  a->at += n;
  a->left -= n;
  return p;
}

static inline uint64_t args_u64(Args *a) {
  const uint8_t *p = args_take(a, 8);
  return p ? read_u64(p) : 0;
}
static inline uint32_t args_u32(Args *a) {
  const uint8_t *p = args_take(a, 4);
  return p ? read_u32(p) : 0;
}
static inline uint8_t args_u8(Args *a) {
  const uint8_t *p = args_take(a, 1);
  return p ? *p : 0;
}
/** A Borsh bool: exactly 0 or 1. */
static inline bool args_bool(Args *a) {
  uint8_t v = args_u8(a);
  if (v > 1) a->failed = true;
  return v == 1;
}
/** A Borsh string or Vec<u8>: u32 length, then the bytes (returned in place). */
static inline const uint8_t *args_bytes(Args *a, uint32_t *len) {
  *len = args_u32(a);
  return args_take(a, *len);
}

uint64_t args_finish(const Args *a);
/** For instructions without arguments: any byte after the discriminator is refused, as args_finish does. */
uint64_t args_none(const SolParameters *params);

/** Copies `len` bytes into a fixed field of `capacity` bytes, zeroing the rest (len <= capacity, checked before). */
static inline void store_text(uint8_t *field, uint64_t capacity, const uint8_t *text, uint64_t len) {
  sol_memset_(field, 0, capacity);
  sol_memcpy_(field, text, len);
}
