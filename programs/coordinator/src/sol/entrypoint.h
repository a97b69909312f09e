/**
 * @brief Program input: accounts and instruction data as serialized by the BPF loader (aligned ABI).
 *
 * Layout per account: dup marker u8 (0xff = new), is_signer, is_writable, executable, 4 pad, key[32], owner[32],
 * lamports u64, data_len u64, data, 10 KiB realloc room, pad to 8, rent_epoch u64. A duplicate is its original's
 * index plus 7 pad bytes. Then instruction data length u64, the data, and the program id.
 */
#pragma once
#include "memory.h"
#include "pubkey.h"

#define MAX_PERMITTED_DATA_INCREASE (10 * 1024)
/** More than any instruction of ours takes; SolParameters lives on the heap, so this does not touch the stack. */
#define MAX_ACCOUNTS 16

typedef struct {
  SolPubkey *key;
  uint64_t *lamports;
  uint64_t data_len;
  uint8_t *data;
  SolPubkey *owner;
  uint64_t rent_epoch;
  bool is_signer;
  bool is_writable;
  bool executable;
} SolAccountInfo;

typedef struct {
  SolAccountInfo ka[MAX_ACCOUNTS];
  uint64_t ka_num;
  const uint8_t *data;
  uint64_t data_len;
  const SolPubkey *program_id;
} SolParameters;

/**
 * Parses the loader's input into params.
 * @return false when the transaction passes more accounts than MAX_ACCOUNTS.
 */
static inline bool sol_deserialize(const uint8_t *input, SolParameters *params) {
  uint64_t count = *(const uint64_t *)input;
  if (count > MAX_ACCOUNTS) return false;
  params->ka_num = count;
  input += sizeof(uint64_t);
  for (uint64_t i = 0; i < count; i++) {
    uint8_t dup = *input++;
    if (dup == 0xff) {
      SolAccountInfo *a = &params->ka[i];
      a->is_signer = *input++;
      a->is_writable = *input++;
      a->executable = *input++;
      input += 4;
      a->key = (SolPubkey *)input;
      input += SIZE_PUBKEY;
      a->owner = (SolPubkey *)input;
      input += SIZE_PUBKEY;
      a->lamports = (uint64_t *)input;
      input += sizeof(uint64_t);
      a->data_len = *(const uint64_t *)input;
      input += sizeof(uint64_t);
      a->data = (uint8_t *)input;
      input += a->data_len + MAX_PERMITTED_DATA_INCREASE;
      input = (const uint8_t *)(((uint64_t)input + 7) & ~7ULL);
      a->rent_epoch = *(const uint64_t *)input;
      input += sizeof(uint64_t);
    } else {
      params->ka[i] = params->ka[dup];
      input += 7;
    }
  }
  params->data_len = *(const uint64_t *)input;
  input += sizeof(uint64_t);
  params->data = input;
  input += params->data_len;
  params->program_id = (const SolPubkey *)input;
  return true;
}
