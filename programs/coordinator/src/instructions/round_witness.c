/**
 * witness(step: u64, bitmap: [u8; 32], params_hash: Option<[u8; 32]>)
 *
 * Accounts:
 *   0. [signer] witness: one of the current round's witnesses (drawn from the round seed at its start)
 *   1. [writable] run
 *
 * During RoundWitness, for the current step: bit i of the bitmap says the witness received member slot i's update
 * and found it matches its receipt. Bits may only name slots that committed this round. A receipt confirmed by
 * witness_quorum(witnesses) witnesses is accepted and earns its member one point. `params_hash` records the hash
 * of the model parameters the witness holds, so diverging replicas are visible on-chain. The witness that completes
 * the round's witnesses closes the round as tick would (next round, Cooldown or Paused), saving a confirmation.
 * A witness slashed by a confirmed challenge during the round is refused (see challenge_resolve.c).
 */
#include "instructions.h"
#include "shared/accounts.h"
#include "shared/advance.h"
#include "shared/args.h"
#include "shared/events.h"
#include "../error.h"
#include "../generated/discriminators.h"

static uint32_t find_witness(const Run *run, const SolPubkey *key) {
  for (uint32_t k = 0; k < run->round_witness_count; k++)
    if (SolPubkey_same(&run->members[run->witnesses[k].slot].key, key)) return k;
  return MAX_WITNESSES;
}

/** Counts the witness's confirmations; fills `newly` with the receipts that reached quorum now. */
static void confirm(Run *run, const uint8_t *bitmap, uint8_t *newly) {
  uint8_t quorum = witness_quorum(run->round_witness_count);
  for (uint32_t i = 0; i < MAX_MEMBERS; i++) {
    if (!((bitmap[i / 8] >> (i % 8)) & 1)) continue;
    RoundReceipt *r = &run->round_receipts[i];
    RunMember *m = &run->members[i];
    r->witness_count++;
    if (r->accepted || r->witness_count < quorum || !m->in_epoch) continue;
    r->accepted = 1;
    m->accepted_rounds |= 1ULL << run->round;
    m->epoch_points++;
    run->epoch_points++;
    newly[i / 8] |= (uint8_t)(1 << (i % 8));
  }
}

uint64_t process_witness(SolParameters *params) {
  Run *run;
  uint64_t rc = load_caller_run(params, 2, false, &run);
  if (rc) return rc;
  Args args = args_start(params);
  uint64_t step = args_u64(&args);
  const uint8_t *bitmap = args_take(&args, MEMBER_BITMAP_BYTES);
  bool has_params_hash = args_bool(&args);
  const uint8_t *params_hash = has_params_hash ? args_take(&args, 32) : 0;
  rc = args_finish(&args);
  if (rc) return rc;
  if (run->state != RunState_RoundWitness || step != run->step) {
    sol_log("Error: witnesses report on the current step during RoundWitness");
    sol_log_64_(run->state, run->step, step, 0, 0);
    return ConcordError_WrongStep;
  }
  uint32_t k = find_witness(run, params->ka[0].key);
  if (k == MAX_WITNESSES) {
    sol_log("Error: the signer is not a witness of this round");
    return ConcordError_NotAWitness;
  }
  RoundWitness *w = &run->witnesses[k];
  if (!run->members[w->slot].in_epoch) { /* only a slash takes a member out of the epoch mid-round */
    sol_log("Error: this witness was slashed this round and no longer counts");
    return ConcordError_WitnessSlashed;
  }
  if (w->submitted) {
    sol_log("Error: this witness already submitted");
    return ConcordError_AlreadyWitnessed;
  }
  for (uint32_t i = 0; i < MAX_MEMBERS; i++)
    if (((bitmap[i / 8] >> (i % 8)) & 1) && !run->round_receipts[i].committed) {
      sol_log("Error: the bitmap names a member without a receipt this round");
      sol_log_64_(i, 0, 0, 0, 0);
      return ConcordError_InvalidWitnessBitmap;
    }

  WitnessSubmittedEvent e;
  sol_memset_(&e, 0, sizeof(e));
  confirm(run, bitmap, e.newly_accepted);
  w->submitted = 1;
  w->has_params_hash = has_params_hash;
  if (has_params_hash) __builtin_memcpy(w->params_hash, params_hash, 32);
  run->witnesses_submitted++;

  e.discriminator = EVENT_WITNESS_SUBMITTED;
  __builtin_memcpy(e.run, params->ka[1].key->x, 32);
  __builtin_memcpy(e.witness, params->ka[0].key->x, 32);
  e.step = step;
  __builtin_memcpy(e.bitmap, bitmap, MEMBER_BITMAP_BYTES);
  e.has_params_hash = has_params_hash;
  if (has_params_hash) __builtin_memcpy(e.params_hash, params_hash, 32);
  emit_event(&e, sizeof(e));
  if (run->witnesses_submitted >= run->round_witness_count) return advance_run(params->ka[1].key, run);
  return SUCCESS;
}
