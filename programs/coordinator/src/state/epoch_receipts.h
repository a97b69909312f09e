/**
 * @brief EpochReceipts ["receipts", run, member, epoch u64 le]: one member's receipts of one epoch, what auditors read.
 *
 * Created on the member's first commit of the epoch with room for config.rounds_per_epoch receipts. `receipts_len`
 * and the entries after it are a Borsh Vec<Receipt>, so Anchor decodes exactly the receipts written so far.
 */
#pragma once
#include "../solana_sdk.h"
#include "limits.h"

#define EPOCH_RECEIPTS_ACCOUNT_VERSION 1

/** Receipt.accepted: settled from the Run's accepted-round bitmaps once the round's witness phase has closed. */
typedef enum {
  ReceiptStatus_Pending = 0,
  ReceiptStatus_Accepted = 1,
  ReceiptStatus_Rejected = 2,
} ReceiptStatus;

typedef struct {
  uint64_t step;
  uint8_t hash[32];
  uint32_t size;
  uint32_t loss; /** f32 */
  uint16_t round;
  uint8_t accepted; /** ReceiptStatus */
  uint8_t _padding[5];
} Receipt;
static_assert(sizeof(Receipt) == 56, "Receipt layout");

typedef struct {
  uint8_t discriminator[8];
  uint8_t version;
  uint8_t bump;
  uint16_t capacity;
  uint8_t _padding[4];
  SolPubkey run;
  SolPubkey member;
  uint64_t epoch;
  uint8_t _padding2[4];
  uint32_t receipts_len;
  Receipt receipts[];
} EpochReceipts;
static_assert(offsetof(EpochReceipts, run) == 16, "EpochReceipts layout");
static_assert(offsetof(EpochReceipts, receipts_len) == 92, "EpochReceipts layout");
static_assert(sizeof(EpochReceipts) == 96, "EpochReceipts layout");

#define EPOCH_RECEIPTS_SIZE(capacity) (sizeof(EpochReceipts) + (uint64_t)(capacity) * sizeof(Receipt))
