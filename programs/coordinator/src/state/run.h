/**
 * @brief Run ["run", run_id u64 le]: configuration, state machine, member table and the current round's receipts.
 *
 * Fixed capacity (MAX_MEMBERS members), explicit-width fields and explicit padding, so the C layout is the Borsh
 * layout the IDL describes (tests/coordinator-idl.test.ts compares every offset). 31,376 bytes: more than a CPI may
 * allocate in one instruction (10 KiB), so initialize_run creates the first 10 KiB and extend_run grows it.
 */
#pragma once
#include "../solana_sdk.h"
#include "limits.h"

#define RUN_ACCOUNT_VERSION 2

typedef enum {
  RunState_Uninitialized = 0, /** created, not yet extended to its full size */
  RunState_WaitingForMembers = 1,
  RunState_Warmup = 2,
  RunState_RoundTrain = 3,
  RunState_RoundWitness = 4,
  RunState_Cooldown = 5,
  RunState_Finished = 6,
  RunState_Paused = 7,
} RunState;

/** Slot status in the member table. */
typedef enum {
  MemberStatus_Free = 0,
  MemberStatus_Active = 1,  /** registered; takes part from the next epoch start */
  MemberStatus_Leaving = 2, /** left (or was slashed); stake withdrawable after unbonding */
} MemberStatus;

/** Validated by run_config_validate (machine/run_config.c). f32 fields are kept as their IEEE-754 bits. */
typedef struct {
  uint64_t total_steps;      /** the run finishes after this many rounds */
  uint64_t min_stake;        /** lamports a member must stake to take part */
  uint64_t reward_per_epoch; /** lamports split among an epoch's points at its end (while the pool lasts) */
  uint64_t challenge_bond;   /** lamports a challenger locks; lost to the pool if the challenge is rejected */
  uint8_t model_hash[32];
  uint8_t dataset_hash[32];
  uint32_t warmup_time;          /** seconds */
  uint32_t cooldown_time;        /** seconds */
  uint32_t max_round_train_time; /** seconds */
  uint32_t round_witness_time;   /** seconds */
  uint32_t epoch_time;           /** seconds from warmup start after which no new round starts */
  uint32_t global_batch_size;    /** sequences per step, split among the epoch's members */
  uint32_t sequence_length;      /** tokens per sequence */
  uint32_t learning_rate;        /** f32 */
  uint32_t demo_decay;           /** f32, DeMo momentum decay in (0, 1) */
  uint32_t outer_learning_rate;  /** f32 in (0, 16]: the step applied to a round's aggregated update */
  uint32_t outer_momentum;       /** f32 in [0, 1): momentum across rounds of the outer step */
  uint16_t min_clients;
  uint16_t init_min_clients;
  uint16_t witness_nodes;
  uint16_t rounds_per_epoch;
  uint16_t inner_steps; /** H: local optimizer steps per round, 1..MAX_INNER_STEPS */
  uint16_t demo_chunk; /** DCT chunk edge, a power of two in [2, 256] */
  uint16_t demo_top_k; /** coefficients kept per chunk, 1..chunk^2 */
  uint16_t slash_bps;  /** share of stake a confirmed challenge slashes, 1..10000 */
  uint8_t value_bits;  /** how update values travel: 1 (sign), 2 (2-bit scaled), 16 (f16) or 32 (f32) */
  uint8_t _padding[3];
} RunConfig;
static_assert(sizeof(RunConfig) == 160, "RunConfig layout");
static_assert(offsetof(RunConfig, warmup_time) == 96, "RunConfig layout");
static_assert(offsetof(RunConfig, min_clients) == 140, "RunConfig layout");
static_assert(offsetof(RunConfig, value_bits) == 156, "RunConfig layout");

/** The latest checkpoint the authority recorded: content hash and where to fetch it. */
typedef struct {
  uint64_t epoch;
  uint64_t step;
  uint8_t hash[32];
  uint8_t uri_len;
  uint8_t uri[MAX_URI_LEN];
} Checkpoint;
static_assert(sizeof(Checkpoint) == 176, "Checkpoint layout");

/** One of the current round's witnesses. */
typedef struct {
  uint16_t slot;
  uint8_t submitted;       /** bool: reported, or was slashed before it did (its slot is then out of the epoch) */
  uint8_t has_params_hash; /** bool */
  uint8_t params_hash[32]; /** the witness's hash of the model parameters it holds, when given */
} RoundWitness;
static_assert(sizeof(RoundWitness) == 36, "RoundWitness layout");

/** A member table slot: what tick and witness need without the Member account. */
typedef struct {
  SolPubkey key;
  uint64_t stake;
  uint64_t rewards_owed;         /** lamports allocated at epoch ends, not yet claimed */
  uint64_t accepted_rounds;      /** bit r: the receipt of round r of the current epoch was accepted */
  uint64_t prev_accepted_rounds; /** the same for the previous epoch (settles EpochReceipts flags lazily) */
  uint32_t epoch_points;         /** accepted receipts this epoch */
  uint8_t status;                /** MemberStatus */
  uint8_t in_epoch;              /** bool: takes part in the current epoch */
  uint8_t open_challenges;
  uint8_t _padding;
} RunMember;
static_assert(sizeof(RunMember) == 72, "RunMember layout");

/** The current round's receipt of one member slot. */
typedef struct {
  uint8_t hash[32];
  uint32_t size;
  uint32_t loss; /** f32 */
  uint8_t witness_count;
  uint8_t committed; /** bool */
  uint8_t accepted;  /** bool */
  uint8_t _padding;
} RoundReceipt;
static_assert(sizeof(RoundReceipt) == 44, "RoundReceipt layout");

typedef struct {
  uint8_t discriminator[8];
  uint8_t version;
  uint8_t bump;
  uint8_t vault_bump;
  uint8_t state;               /** RunState */
  uint8_t pending_pause;       /** bool: pause when the current round ends */
  uint8_t round_witness_count; /** witnesses drawn for the current round */
  uint8_t witnesses_submitted;
  uint8_t _padding;
  SolPubkey authority;
  uint64_t run_id;
  RunConfig config;
  uint64_t epoch;             /** the current epoch, or the next one while waiting for members */
  uint64_t step;              /** rounds completed since the run began: the current round's step */
  int64_t state_started_at;   /** unix time the current state began */
  int64_t epoch_started_at;   /** unix time the current epoch's warmup began */
  uint8_t seed[32];           /** the current round's seed: draws its witnesses */
  uint8_t data_seed[32];      /** the previous round's seed: assigns the current round's rows (known a round ahead) */
  uint64_t total_stake;       /** sum of members[].stake */
  uint64_t reward_pool;       /** funded lamports not yet allocated to anyone */
  uint64_t rewards_owed;      /** sum of members[].rewards_owed */
  uint64_t epoch_points;      /** sum of members[].epoch_points */
  uint16_t round;             /** round index within the epoch */
  uint16_t member_count;      /** occupied slots */
  uint16_t epoch_member_count; /** slots with in_epoch */
  uint16_t committed_count;   /** receipts committed this round */
  Checkpoint checkpoint;
  RoundWitness witnesses[MAX_WITNESSES];
  RunMember members[MAX_MEMBERS];
  RoundReceipt round_receipts[MAX_MEMBERS];
} Run;
static_assert(offsetof(Run, authority) == 16, "Run layout");
static_assert(offsetof(Run, config) == 56, "Run layout");
static_assert(offsetof(Run, epoch) == 216, "Run layout");
static_assert(offsetof(Run, data_seed) == 280, "Run layout");
static_assert(offsetof(Run, round) == 344, "Run layout");
static_assert(offsetof(Run, checkpoint) == 352, "Run layout");
static_assert(offsetof(Run, witnesses) == 528, "Run layout");
static_assert(offsetof(Run, members) == 1680, "Run layout");
static_assert(offsetof(Run, round_receipts) == 20112, "Run layout");
static_assert(sizeof(Run) == 31376, "Run layout");
