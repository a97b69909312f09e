/** @brief Member ["member", run, key]: a staker's own record; the stake itself lives in the Run's member table. */
#pragma once
#include "../solana_sdk.h"
#include "limits.h"

#define MEMBER_ACCOUNT_VERSION 1

typedef struct {
  uint8_t discriminator[8];
  uint8_t version;
  uint8_t bump;
  uint16_t slot; /** index in Run.members */
  uint8_t endpoint_len;
  uint8_t _padding[3];
  SolPubkey run;
  SolPubkey key;
  uint64_t joined_epoch;
  uint64_t leave_epoch; /** valid while the slot is Leaving */
  int64_t left_at;
  uint64_t rewards_claimed; /** lamports, lifetime */
  uint64_t slashed;         /** lamports, lifetime */
  uint8_t endpoint[MAX_ENDPOINT_LEN];
} Member;
static_assert(offsetof(Member, run) == 16, "Member layout");
static_assert(offsetof(Member, endpoint) == 120, "Member layout");
static_assert(sizeof(Member) == 184, "Member layout");
