/**
 * @brief The run's state machine and its bookkeeping, as pure functions: no syscalls, no logging. Time, seed and
 * scratch memory are arguments, so the same code builds for sBPF and for the host, and sdk/roundSchedule.ts mirrors
 * it exactly (tests/coordinator-schedule.test.ts compares the two on random runs).
 *
 *   WaitingForMembers -> Warmup -> RoundTrain <-> RoundWitness -> Cooldown -> WaitingForMembers | Finished
 *   Warmup -> WaitingForMembers (members dropped below min_clients); RoundWitness -> Paused (pending pause);
 *   pause/resume/finish (authority) add: WaitingForMembers|Warmup|Cooldown -> Paused, Paused -> WaitingForMembers,
 *   any state -> Finished.
 */
#pragma once
#include "../state/run.h"
#include "../state/epoch_receipts.h"

/** What an epoch's end allocated, for the EpochEnded event. */
typedef struct {
  bool ended;
  uint16_t rounds;
  uint64_t epoch;
  uint64_t points;
  uint64_t rewards;
} EpochSummary;

typedef struct {
  uint8_t to;          /** RunState */
  int64_t now;         /** unix time of the transition */
  const uint8_t *seed; /** the new round's seed when `to` is RoundTrain */
  uint16_t *scratch;   /** MAX_MEMBERS entries of scratch memory (witness draw) */
} Transition;

/** The configuration rule that failed, for the log. */
typedef struct {
  const char *text;
  uint64_t len;
} ConfigRule;

/* run_config.c */
/** 0, or the ConcordError of the first rule the configuration breaks (described in `rule`). */
uint64_t run_config_validate(const RunConfig *config, ConfigRule *rule);

/* run_transition.c */
/** The state tick moves the run to at `now`; the current state when no transition is due. */
uint8_t run_next_state(const Run *run, int64_t now);
/** Members that would take part if an epoch started now: Active with at least the minimum stake. */
uint16_t run_eligible_count(const Run *run);
/** Applies a transition tick chose (run_next_state), filling `summary` when it ends an epoch. */
void run_apply_transition(Run *run, const Transition *transition, EpochSummary *summary);
/** pause: immediate outside rounds, deferred to the round's end (pending_pause) inside one. 0 or a ConcordError. */
uint64_t run_pause(Run *run, int64_t now, EpochSummary *summary);
/** resume: Paused -> WaitingForMembers, or cancels a pending pause; ends no epoch. 0 or a ConcordError. */
uint64_t run_resume(Run *run, int64_t now, EpochSummary *summary);
/** finish: any state but Finished -> Finished, ending the epoch in progress. 0 or a ConcordError. */
uint64_t run_finish(Run *run, int64_t now, EpochSummary *summary);
/** Whether `now` is at least `seconds` after `since` (false when the clock is before `since`). */
bool elapsed(int64_t now, int64_t since, uint64_t seconds);

/* epoch_rewards.c */
/** Ends the epoch in progress: splits min(reward_per_epoch, pool) pro rata to points, clears epoch state. */
void run_end_epoch(Run *run, EpochSummary *summary);
/** Ends a warmup that never reached a round: members leave the epoch, the epoch number stays. */
void run_abort_epoch(Run *run);

/* witness_selection.c */
/** Receipts need this many witness confirmations: 1, 2, 2 for 1-3 witnesses, else floor(2n/3) (Psyche's rule). */
uint8_t witness_quorum(uint8_t witnesses);
/** Draws min(witness_nodes, epoch members) distinct witnesses from the seed (partial Fisher-Yates, splitmix64). */
void run_select_witnesses(Run *run, const uint8_t *seed, uint16_t *scratch);
/** The splitmix64 generator the witness draw uses (mirrored by sdk/witnessSelection.ts). */
uint64_t splitmix64_next(uint64_t *state);

/* receipt_settlement.c */
/**
 * Writes the final accepted/rejected status into receipts whose round has closed, from the Run's accepted-round
 * bitmaps (current and previous epoch). Receipts older than that stay as they are.
 */
void receipts_settle(const Run *run, uint16_t slot, EpochReceipts *receipts);
/** Whether round `round` of epoch `epoch` can still change its accepted set. */
bool run_round_open(const Run *run, uint64_t epoch, uint16_t round);

/* f32 checks on IEEE-754 bits (sBPF has no floating point) */
static inline bool f32_finite(uint32_t bits) { return (bits & 0x7f800000u) != 0x7f800000u; }
static inline bool f32_positive_finite(uint32_t bits) { return f32_finite(bits) && bits != 0 && !(bits >> 31); }
/** Finite and not below zero (-0.0 allowed). */
static inline bool f32_non_negative_finite(uint32_t bits) { return f32_finite(bits) && (!(bits >> 31) || bits == 0x80000000u); }
