/**
 * commit(step: u64, hash: [u8; 32], size: u32, loss: f32)
 *
 * Accounts:
 *   0. [writable, signer] member: pays the receipts account's rent on its first commit of the epoch
 *   1. [writable] run
 *   2. [writable] epoch receipts: PDA ["receipts", run, member, run.epoch], created on first use
 *   3. [] system program
 *
 * The member's receipt for its assigned batch of the current round: the hash and byte size of its encoded update
 * and its self-reported training loss (finite, not negative; the dashboard charts it, auditors recheck it). Only
 * in RoundTrain, only for the current step, once per member per step, only by members of the epoch. The commit that
 * completes the round's commits moves the run to RoundWitness, as tick would, saving a transaction's confirmation.
 */
#include "instructions.h"
#include "shared/accounts.h"
#include "shared/advance.h"
#include "shared/args.h"
#include "shared/events.h"
#include "shared/receipts_account.h"
#include "shared/seeds.h"
#include "shared/system.h"
#include "../error.h"
#include "../generated/discriminators.h"

typedef struct {
  uint64_t step;
  const uint8_t *hash;
  uint32_t size;
  uint32_t loss;
} CommitArgs;

static uint64_t parse(const SolParameters *params, CommitArgs *out) {
  Args args = args_start(params);
  out->step = args_u64(&args);
  out->hash = args_take(&args, 32);
  out->size = args_u32(&args);
  out->loss = args_u32(&args);
  uint64_t rc = args_finish(&args);
  if (rc) return rc;
  if (!f32_non_negative_finite(out->loss)) {
    sol_log("Error: the loss must be finite and not negative");
    return ConcordError_InvalidLoss;
  }
  bool zero = true;
  for (int i = 0; i < 32; i++) zero &= out->hash[i] == 0;
  if (zero || out->size == 0) {
    sol_log("Error: the receipt needs a hash and a size");
    return ConcordError_InvalidReceipt;
  }
  return SUCCESS;
}

/** The member's receipts account of the current epoch, created on its first commit. */
static uint64_t receipts_for_epoch(SolParameters *params, const Run *run, EpochReceipts **out) {
  SolAccountInfo *account = &params->ka[2];
  if (SolPubkey_same(account->owner, params->program_id)) {
    uint64_t rc = load_epoch_receipts(params, account, &params->ka[1], params->ka[0].key, out);
    if (!rc && (*out)->epoch != run->epoch) {
      sol_log("Error: the receipts account is for another epoch");
      return ConcordError_InvalidPda;
    }
    return rc;
  }
  SolSignerSeed seeds[RECEIPTS_SEED_COUNT];
  receipts_seeds(seeds, params->ka[1].key, params->ka[0].key, (const uint8_t *)&run->epoch, 0);
  PdaCreation c = {&params->ka[0], account, seeds, RECEIPTS_SEED_COUNT,
                   EPOCH_RECEIPTS_SIZE(run->config.rounds_per_epoch), 0, 0};
  uint64_t rc = create_pda(params, &c);
  if (rc) return rc;
  EpochReceipts *r = (EpochReceipts *)account->data;
  write_u64(r->discriminator, ACCOUNT_EPOCH_RECEIPTS);
  r->version = EPOCH_RECEIPTS_ACCOUNT_VERSION;
  r->bump = c.bump;
  r->capacity = run->config.rounds_per_epoch;
  r->run = *params->ka[1].key;
  r->member = *params->ka[0].key;
  r->epoch = run->epoch;
  *out = r;
  return SUCCESS;
}

static void emit_committed(const SolParameters *params, const Run *run, uint32_t slot, const CommitArgs *c) {
  ReceiptCommittedEvent e;
  e.discriminator = EVENT_RECEIPT_COMMITTED;
  __builtin_memcpy(e.run, params->ka[1].key->x, 32);
  __builtin_memcpy(e.member, params->ka[0].key->x, 32);
  e.slot = (uint16_t)slot;
  e.epoch = run->epoch;
  e.step = c->step;
  e.round = run->round;
  __builtin_memcpy(e.hash, c->hash, 32);
  e.size = c->size;
  e.loss = c->loss;
  emit_event(&e, sizeof(e));
}

uint64_t process_commit(SolParameters *params) {
  Run *run;
  uint64_t rc = load_caller_run(params, 4, true, &run);
  if (!rc) rc = check_writable(&params->ka[2]);
  if (!rc) rc = check_system_program(&params->ka[3]);
  CommitArgs c;
  if (!rc) rc = parse(params, &c);
  if (rc) return rc;
  if (run->state != RunState_RoundTrain || c.step != run->step) {
    sol_log("Error: commits are for the current step while the round trains");
    sol_log_64_(run->state, run->step, c.step, 0, 0);
    return ConcordError_WrongStep;
  }
  uint32_t slot;
  rc = require_member_slot(run, params->ka[0].key, &slot);
  if (rc) return rc;
  if (!run->members[slot].in_epoch) {
    sol_log("Error: the member does not take part in this epoch");
    return ConcordError_NotInEpoch;
  }
  RoundReceipt *current = &run->round_receipts[slot];
  if (current->committed) {
    sol_log("Error: already committed for this step");
    return ConcordError_AlreadyCommitted;
  }
  EpochReceipts *receipts;
  rc = receipts_for_epoch(params, run, &receipts);
  if (rc) return rc;
  receipts_settle(run, (uint16_t)slot, receipts);
  if (receipts->receipts_len >= receipts->capacity) {
    sol_log("Error: the epoch receipts account is full");
    return ConcordError_ReceiptsFull;
  }
  Receipt *r = &receipts->receipts[receipts->receipts_len++];
  r->step = c.step;
  __builtin_memcpy(r->hash, c.hash, 32);
  r->size = c.size;
  r->loss = c.loss;
  r->round = run->round;
  r->accepted = ReceiptStatus_Pending;
  __builtin_memcpy(current->hash, c.hash, 32);
  current->size = c.size;
  current->loss = c.loss;
  current->committed = 1;
  run->committed_count++;
  emit_committed(params, run, slot, &c);
  if (run->committed_count >= run->epoch_member_count) return advance_run(params->ka[1].key, run);
  return SUCCESS;
}
