/**
 * @brief Events, in Anchor's format: sol_log_data of one slice, the event discriminator sha256("event:<Name>")[..8]
 * followed by the Borsh fields. Packed structs, so the C layout is the Borsh layout (checked against the IDL by
 * tests/coordinator-idl.test.ts); each starts with its discriminator.
 */
#pragma once
#include "solana_sdk.h"
#include "state/limits.h"
#include "state/run.h"

#define EVENT_STRUCT typedef struct __attribute__((packed))

EVENT_STRUCT {
  uint64_t discriminator;
  uint8_t run[32];
  uint8_t authority[32];
  uint64_t run_id;
} RunInitializedEvent;

EVENT_STRUCT {
  uint64_t discriminator;
  uint8_t run[32];
  uint32_t data_len;
  uint8_t ready; /** bool: the account reached its full size */
} RunExtendedEvent;

EVENT_STRUCT {
  uint64_t discriminator;
  uint8_t run[32];
  RunConfig config;
} ConfigUpdatedEvent;

EVENT_STRUCT {
  uint64_t discriminator;
  uint8_t run[32];
  uint8_t from; /** RunState */
  uint8_t to;   /** RunState */
  uint64_t epoch;
  uint64_t step;
  uint16_t round;
  int64_t timestamp;
} StateChangedEvent;

EVENT_STRUCT {
  uint64_t discriminator;
  uint8_t run[32];
  uint8_t pending; /** bool */
} PendingPauseChangedEvent;

EVENT_STRUCT {
  uint64_t discriminator;
  uint8_t run[32];
  uint64_t epoch;
  uint64_t step;
  uint16_t round;
  uint8_t seed[32];
  uint8_t witness_count;
  uint16_t witnesses[MAX_WITNESSES];
} RoundStartedEvent;

/**
 * The members of an epoch, as WaitingForMembers -> Warmup chose them: with the round's data seed they fix every
 * member's rows (sdk/batchAssignment.ts), so auditors can replay a round from the events alone.
 */
EVENT_STRUCT {
  uint64_t discriminator;
  uint8_t run[32];
  uint64_t epoch;
  uint64_t step;                        /** the epoch's first round */
  uint8_t members[MEMBER_BITMAP_BYTES]; /** slots with in_epoch, bit i of byte i / 8 */
  uint16_t member_count;
} EpochStartedEvent;

/** A confirmed challenge took a member out of the epoch: the only change to its members after EpochStarted. */
EVENT_STRUCT {
  uint64_t discriminator;
  uint8_t run[32];
  uint64_t epoch;
  uint64_t step; /** the first round whose rows leave it out: the next one when a round is running */
  uint16_t slot;
} EpochMemberRemovedEvent;

EVENT_STRUCT {
  uint64_t discriminator;
  uint8_t run[32];
  uint8_t funder[32];
  uint64_t amount;
  uint64_t reward_pool;
} FundedEvent;

EVENT_STRUCT {
  uint64_t discriminator;
  uint8_t run[32];
  uint8_t member[32];
  uint16_t slot;
  uint64_t stake_added;
  uint64_t stake;
} MemberJoinedEvent;

EVENT_STRUCT {
  uint64_t discriminator;
  uint8_t run[32];
  uint8_t member[32];
  uint16_t slot;
  uint64_t leave_epoch;
} MemberLeftEvent;

EVENT_STRUCT {
  uint64_t discriminator;
  uint8_t run[32];
  uint8_t member[32];
  uint16_t slot;
  uint64_t stake;
  uint64_t rewards;
} StakeWithdrawnEvent;

EVENT_STRUCT {
  uint64_t discriminator;
  uint8_t run[32];
  uint8_t member[32];
  uint16_t slot;
  uint64_t epoch;
  uint64_t step;
  uint16_t round;
  uint8_t hash[32];
  uint32_t size;
  uint32_t loss; /** f32 */
} ReceiptCommittedEvent;

EVENT_STRUCT {
  uint64_t discriminator;
  uint8_t run[32];
  uint8_t witness[32];
  uint64_t step;
  uint8_t bitmap[MEMBER_BITMAP_BYTES];
  uint8_t newly_accepted[MEMBER_BITMAP_BYTES]; /** receipts this witness brought to quorum */
  uint8_t has_params_hash;                     /** bool */
  uint8_t params_hash[32];
} WitnessSubmittedEvent;

EVENT_STRUCT {
  uint64_t discriminator;
  uint8_t run[32];
  uint64_t epoch;
  uint16_t rounds;
  uint64_t points;
  uint64_t rewards; /** lamports allocated to members */
} EpochEndedEvent;

EVENT_STRUCT {
  uint64_t discriminator;
  uint8_t run[32];
  uint64_t epoch;
  uint64_t step;
  uint8_t hash[32];
} CheckpointRecordedEvent;

EVENT_STRUCT {
  uint64_t discriminator;
  uint8_t run[32];
  uint8_t member[32];
  uint64_t amount;
} RewardsClaimedEvent;

EVENT_STRUCT {
  uint64_t discriminator;
  uint8_t run[32];
  uint8_t challenge[32];
  uint8_t challenger[32];
  uint8_t member[32];
  uint64_t epoch;
  uint64_t step;
  uint8_t evidence_hash[32];
  uint64_t bond;
} ChallengeOpenedEvent;

EVENT_STRUCT {
  uint64_t discriminator;
  uint8_t run[32];
  uint8_t challenge[32];
  uint8_t voter[32];
  uint8_t approve; /** bool */
  uint64_t stake_for;
  uint64_t stake_against;
} ChallengeVotedEvent;

EVENT_STRUCT {
  uint64_t discriminator;
  uint8_t run[32];
  uint8_t challenge[32];
  uint8_t member[32];
  uint64_t step;
  uint8_t confirmed; /** bool */
  uint64_t slashed;
  uint64_t challenger_reward;
} ChallengeResolvedEvent;
