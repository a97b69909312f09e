/**
 * @brief Challenge ["challenge", run, member, step u64 le]: a dispute over one accepted receipt.
 * Holds the challenger's bond in its own lamports until resolve_challenge pays it out.
 */
#pragma once
#include "../solana_sdk.h"
#include "limits.h"

#define CHALLENGE_ACCOUNT_VERSION 1

typedef enum {
  ChallengeStatus_Open = 0,
  ChallengeStatus_Confirmed = 1,
  ChallengeStatus_Rejected = 2,
} ChallengeStatus;

typedef struct {
  uint8_t discriminator[8];
  uint8_t version;
  uint8_t bump;
  uint8_t status; /** ChallengeStatus */
  uint8_t _padding;
  uint16_t member_slot;
  uint8_t _padding2[2];
  SolPubkey run;
  SolPubkey member;
  SolPubkey challenger;
  uint64_t step;
  uint64_t epoch;
  uint64_t bond;
  uint8_t evidence_hash[32];
  uint64_t stake_for;      /** auditor stake voting to confirm */
  uint64_t stake_against;  /** auditor stake voting to reject */
  uint64_t stake_eligible; /** stake that may vote: total stake less the accused's and the challenger's, when opened */
  int64_t opened_at;
  uint8_t voted[MEMBER_BITMAP_BYTES]; /** member slots that voted */
} Challenge;
static_assert(offsetof(Challenge, run) == 16, "Challenge layout");
static_assert(offsetof(Challenge, step) == 112, "Challenge layout");
static_assert(sizeof(Challenge) == 232, "Challenge layout");
