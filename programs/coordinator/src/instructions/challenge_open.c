/**
 * challenge(member: Pubkey, step: u64, evidence_hash: [u8; 32])
 *
 * Accounts:
 *   0. [writable, signer] challenger: pays rent and the bond
 *   1. [writable] run
 *   2. [writable] epoch receipts of `member` holding the receipt of `step` (its accepted flag is settled here)
 *   3. [writable] challenge: PDA ["challenge", run, member, step], created here
 *   4. [] system program
 *
 * Disputes one accepted receipt, within the challenge window (the receipt's epoch or the next). The challenger
 * locks config.challenge_bond in the challenge account and points to its evidence (the hash of an audit report
 * anyone can fetch and recheck). One challenge per receipt. While it is open the member can neither claim nor
 * withdraw. The stake that may vote is recorded now: all stake but the accused's and the challenger's.
 */
#include "instructions.h"
#include "shared/accounts.h"
#include "shared/args.h"
#include "shared/events.h"
#include "shared/receipts_account.h"
#include "shared/seeds.h"
#include "shared/system.h"
#include "../error.h"
#include "../generated/discriminators.h"

typedef struct {
  const SolPubkey *member;
  const uint8_t *step_le;
  uint64_t step;
  const uint8_t *evidence_hash;
} ChallengeArgs;

/** The receipt of `step` must exist, be settled as accepted, and be inside the window. */
static uint64_t check_receipt(const Run *run, uint32_t slot, EpochReceipts *receipts, uint64_t step) {
  if (run->epoch > receipts->epoch + CHALLENGE_WINDOW_EPOCHS) {
    sol_log("Error: the receipt's epoch is past the challenge window");
    return ConcordError_ChallengeWindowClosed;
  }
  receipts_settle(run, (uint16_t)slot, receipts);
  for (uint32_t i = 0; i < receipts->receipts_len; i++) {
    if (receipts->receipts[i].step != step) continue;
    if (receipts->receipts[i].accepted == ReceiptStatus_Accepted) return SUCCESS;
    sol_log("Error: only receipts accepted by a witness quorum can be challenged");
    return ConcordError_ReceiptNotAccepted;
  }
  sol_log("Error: no receipt for that step in these epoch receipts");
  return ConcordError_ReceiptNotFound;
}

static uint64_t create_challenge(SolParameters *params, const Run *run, const ChallengeArgs *c, uint8_t *bump) {
  SolSignerSeed seeds[CHALLENGE_SEED_COUNT];
  challenge_seeds(seeds, params->ka[1].key, c->member, c->step_le, 0);
  PdaCreation creation = {&params->ka[0], &params->ka[3], seeds, CHALLENGE_SEED_COUNT, sizeof(Challenge),
                          run->config.challenge_bond, 0};
  uint64_t rc = create_pda(params, &creation);
  *bump = creation.bump;
  return rc;
}

static void emit_opened(const SolParameters *params, const Challenge *ch) {
  ChallengeOpenedEvent e;
  e.discriminator = EVENT_CHALLENGE_OPENED;
  __builtin_memcpy(e.run, params->ka[1].key->x, 32);
  __builtin_memcpy(e.challenge, params->ka[3].key->x, 32);
  __builtin_memcpy(e.challenger, ch->challenger.x, 32);
  __builtin_memcpy(e.member, ch->member.x, 32);
  e.epoch = ch->epoch;
  e.step = ch->step;
  __builtin_memcpy(e.evidence_hash, ch->evidence_hash, 32);
  e.bond = ch->bond;
  emit_event(&e, sizeof(e));
}

uint64_t process_challenge(SolParameters *params) {
  Run *run;
  uint64_t rc = load_caller_run(params, 5, true, &run);
  if (!rc) rc = check_writable(&params->ka[3]);
  if (!rc) rc = check_system_program(&params->ka[4]);
  if (rc) return rc;
  Args args = args_start(params);
  ChallengeArgs c;
  c.member = (const SolPubkey *)args_take(&args, 32);
  c.step_le = args_take(&args, 8);
  c.evidence_hash = args_take(&args, 32);
  rc = args_finish(&args);
  if (rc) return rc;
  SolPubkey member; /* aligned copy for key comparisons */
  __builtin_memcpy(member.x, c.member, 32);
  c.member = &member;
  c.step = read_u64(c.step_le);
  if (SolPubkey_same(&member, params->ka[0].key)) {
    sol_log("Error: a member cannot challenge its own receipt");
    return ConcordError_SelfChallenge;
  }
  uint32_t slot;
  rc = require_member_slot(run, &member, &slot);
  if (rc) return rc;
  EpochReceipts *receipts;
  rc = load_epoch_receipts(params, &params->ka[2], &params->ka[1], &member, &receipts);
  if (!rc) rc = check_receipt(run, slot, receipts, c.step);
  RunMember *accused = &run->members[slot];
  if (!rc && accused->open_challenges == 0xff) rc = ConcordError_ArithmeticOverflow;
  uint8_t bump;
  if (!rc) rc = create_challenge(params, run, &c, &bump);
  if (rc) return rc;

  SolClock clock;
  clock_read(&clock);
  Challenge *ch = (Challenge *)params->ka[3].data;
  write_u64(ch->discriminator, ACCOUNT_CHALLENGE);
  ch->version = CHALLENGE_ACCOUNT_VERSION;
  ch->bump = bump;
  ch->status = ChallengeStatus_Open;
  ch->member_slot = (uint16_t)slot;
  ch->run = *params->ka[1].key;
  ch->member = member;
  ch->challenger = *params->ka[0].key;
  ch->step = c.step;
  ch->epoch = receipts->epoch;
  ch->bond = run->config.challenge_bond;
  __builtin_memcpy(ch->evidence_hash, c.evidence_hash, 32);
  ch->stake_eligible = challenge_eligible_stake(run, accused, &ch->challenger);
  ch->opened_at = clock.unix_timestamp;
  accused->open_challenges++;
  emit_opened(params, ch);
  return SUCCESS;
}
