/**
 * One transition path for the run: tick calls it whenever it is sent; commit and witness call it when they complete
 * the round's commits or witnesses, so a round needs no tick unless it times out.
 *
 * Entering RoundTrain draws the round seed:
 *   sha256("concord-round-seed" | previous seed | run | epoch u64 | step u64 | clock slot u64 | unix time i64
 *          | newest SlotHashes entry (slot u64, hash) | the closing round's whole receipt table)
 * where epoch and step are the run's values before the transition. Psyche's seed is a function of clock and slot
 * alone, which anyone can compute in advance. Here every committer's receipt hash of the closing round and a slot
 * hash produced after the commits are mixed in: no member knows the seed before the round closes, and the leader
 * of the transition's slot does not choose the receipts. sdk/roundSeed.ts computes the same bytes.
 */
#include "advance.h"
#include "events.h"
#include "system.h"
#include "../../error.h"

/** Scratch space for the witness draw: the heap, after SolParameters (the BPF stack is 4 KiB per frame). */
#define ADVANCE_SCRATCH ((uint16_t *)(HEAP_START_ADDRESS + 4096))
static_assert(sizeof(SolParameters) <= 4096, "SolParameters fits before the scratch area");

static const uint8_t SLOT_HASHES_ID[32] = {6,   167, 213, 23,  25,  47,  10, 175, 198, 242, 101,
                                           227, 251, 119, 204, 122, 218, 130, 197, 41,  208, 190,
                                           59,  19,  110, 45,  0,   85,  32,  0,   0,   0};

static uint64_t derive_round_seed(const SolPubkey *run_key, const Run *run, const SolClock *clock, uint8_t *seed) {
  uint8_t slot_hash[SLOT_HASH_ENTRY_SIZE];
  if (sol_get_sysvar(SLOT_HASHES_ID, slot_hash, SLOT_HASHES_FIRST_ENTRY_OFFSET, SLOT_HASH_ENTRY_SIZE)) {
    sol_log("Error: SlotHashes sysvar unavailable");
    return ERROR_UNINITIALIZED_ACCOUNT;
  }
  static const char DOMAIN[] = "concord-round-seed";
  SolBytes slices[] = {
      {(const uint8_t *)DOMAIN, sizeof(DOMAIN) - 1},
      {run->seed, 32},
      {run_key->x, 32},
      {(const uint8_t *)&run->epoch, 8},
      {(const uint8_t *)&run->step, 8},
      {(const uint8_t *)&clock->slot, 8},
      {(const uint8_t *)&clock->unix_timestamp, 8},
      {slot_hash, SLOT_HASH_ENTRY_SIZE},
      {(const uint8_t *)run->round_receipts, sizeof(run->round_receipts)},
  };
  return sol_sha256(slices, sizeof(slices) / sizeof(slices[0]), seed);
}

uint64_t advance_run(const SolPubkey *run_key, Run *run) {
  SolClock clock;
  clock_read(&clock);
  uint8_t from = run->state;
  uint8_t to = run_next_state(run, clock.unix_timestamp);
  if (to == from) {
    sol_log("Error: no transition is due");
    sol_log_64_(from, (uint64_t)run->state_started_at, (uint64_t)clock.unix_timestamp, run->committed_count,
                run->witnesses_submitted);
    return ConcordError_NoTransitionDue;
  }
  uint8_t seed[32];
  if (to == RunState_RoundTrain) {
    uint64_t rc = derive_round_seed(run_key, run, &clock, seed);
    if (rc) return rc;
  }
  Transition t = {to, clock.unix_timestamp, seed, ADVANCE_SCRATCH};
  EpochSummary summary;
  run_apply_transition(run, &t, &summary);

  emit_epoch_ended(run_key, &summary);
  emit_state_changed(run_key, run, from);
  if (to == RunState_Warmup) emit_epoch_started(run_key, run);
  if (to == RunState_RoundTrain) emit_round_started(run_key, run);
  return SUCCESS;
}
