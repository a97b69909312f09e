/**
 * @brief Memory syscalls and the heap.
 *
 * Upstream LLVM's BPF target cannot lower a variable-size memcpy (it is a compile error) and has a 512-byte stack
 * limit per function, so variable copies go through syscalls and large scratch space lives on the heap.
 */
#pragma once
#include "types.h"

extern void sol_memcpy_(void *dst, const void *src, uint64_t n);
extern void sol_memmove_(void *dst, const void *src, uint64_t n);
extern void sol_memset_(void *dst, uint8_t value, uint64_t n);
extern void sol_memcmp_(const void *a, const void *b, uint64_t n, int32_t *result);

/** Start of the 32 KiB heap region the runtime maps for every program invocation. */
#define HEAP_START_ADDRESS 0x300000000ULL
#define HEAP_LENGTH (32 * 1024)

/** Unaligned little-endian loads/stores that compile to plain loads on BPF. */
static inline uint64_t read_u64(const uint8_t *p) { uint64_t v; __builtin_memcpy(&v, p, 8); return v; }
static inline uint32_t read_u32(const uint8_t *p) { uint32_t v; __builtin_memcpy(&v, p, 4); return v; }
static inline uint16_t read_u16(const uint8_t *p) { uint16_t v; __builtin_memcpy(&v, p, 2); return v; }
static inline void write_u64(uint8_t *p, uint64_t v) { __builtin_memcpy(p, &v, 8); }
static inline void write_u32(uint8_t *p, uint32_t v) { __builtin_memcpy(p, &v, 4); }
static inline void write_u16(uint8_t *p, uint16_t v) { __builtin_memcpy(p, &v, 2); }
