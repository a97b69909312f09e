/**
 * resolve_challenge(approve: bool)
 *
 * Accounts:
 *   0. [signer] resolver: the run authority, or an auditor (a staked member of the run)
 *   1. [writable] run
 *   2. [writable] vault
 *   3. [writable] challenge
 *   4. [writable] member account of the accused
 *   5. [writable] challenger: the wallet that opened the challenge (receives bond and reward)
 *
 * Two ways to a verdict:
 *   - the run authority decides at once, unless it is a party: it cannot judge a challenge it opened (all accounts
 *     must be distinct) nor one against its own receipt (AuthorityIsParty; that one goes to the vote or expiry);
 *   - auditors vote with their stake: confirmed once votes to confirm reach 2/3 of the eligible stake, rejected
 *     once votes to reject exceed 1/3. Eligible stake is all stake but the accused's and the challenger's (at least
 *     what it was when the challenge opened): neither may vote (resolver and challenger accounts must differ), so
 *     counting the challenger's stake would make a large challenger's challenge impossible to confirm. Each slot
 *     votes once.
 *   - an open challenge nobody decided expires CHALLENGE_TIMEOUT_EPOCH_TIMES x epoch_time after it opened; then
 *     any signer's resolve_challenge rejects it, whatever `approve` says, so an unresolved challenge cannot freeze
 *     a member's stake forever and costs the challenger its bond.
 * Confirmed: slash_bps of the accused's stake is slashed, half to the challenger, half to the reward pool; its
 * unclaimed rewards go to the pool; it leaves the epoch and starts unbonding; the challenger gets its bond back.
 * If the accused is one of the current round's witnesses it loses its seat (see leave_witness_seat).
 * Rejected: the bond goes to the reward pool, so a challenge is never free.
 */
#include "instructions.h"
#include "shared/accounts.h"
#include "shared/args.h"
#include "shared/events.h"
#include "shared/seeds.h"
#include "shared/system.h"
#include "../error.h"
#include "../generated/discriminators.h"

typedef enum { VERDICT_NONE, VERDICT_CONFIRM, VERDICT_REJECT } Verdict;

typedef struct {
  Run *run;
  Challenge *challenge;
  Member *member;
  RunMember *accused;
  int64_t now;
  uint64_t slashed;
  uint64_t challenger_reward;
} Resolution;

static uint64_t load_challenge(SolParameters *params, Challenge **out) {
  static const AccountType CHALLENGE = {ACCOUNT_CHALLENGE, sizeof(Challenge), CHALLENGE_ACCOUNT_VERSION};
  SolAccountInfo *account = &params->ka[3];
  uint64_t rc = check_writable(account);
  if (!rc) rc = check_program_account(params, account, &CHALLENGE);
  if (rc) return rc;
  Challenge *ch = (Challenge *)account->data;
  SolSignerSeed seeds[CHALLENGE_SEED_COUNT];
  challenge_seeds(seeds, params->ka[1].key, &ch->member, (const uint8_t *)&ch->step, &ch->bump);
  rc = check_pda(params, account, seeds, CHALLENGE_SEED_COUNT);
  if (rc) return rc;
  *out = ch;
  return SUCCESS;
}

/** An auditor's vote; returns the verdict it completes, if any. */
static uint64_t vote(const SolParameters *params, Resolution *r, bool approve, Verdict *verdict) {
  Run *run = r->run;
  Challenge *ch = r->challenge;
  uint32_t slot = run_find_member(run, params->ka[0].key);
  if (slot == MAX_MEMBERS || run->members[slot].stake == 0) {
    sol_log("Error: only the run authority or a staked member may resolve challenges");
    return ConcordError_Unauthorized;
  }
  if (slot == ch->member_slot) { /* the challenger is refused earlier: resolver and challenger must differ */
    sol_log("Error: the accused cannot judge the challenge");
    return ConcordError_SelfChallenge;
  }
  if ((ch->voted[slot / 8] >> (slot % 8)) & 1) {
    sol_log("Error: this auditor already voted");
    return ConcordError_AlreadyVoted;
  }
  ch->voted[slot / 8] |= (uint8_t)(1 << (slot % 8));
  uint64_t weight = run->members[slot].stake;
  if (approve) ch->stake_for += weight; /* sums of stakes: bounded by the vault's lamports */
  else ch->stake_against += weight;
  uint64_t now_eligible = challenge_eligible_stake(run, r->accused, &ch->challenger);
  uint64_t eligible = now_eligible > ch->stake_eligible ? now_eligible : ch->stake_eligible;
  /* ceil(2/3 of eligible) to confirm, more than 1/3 to reject, without multiplication overflow */
  *verdict = ch->stake_for >= eligible - eligible / 3   ? VERDICT_CONFIRM
             : ch->stake_against > eligible / 3 ? VERDICT_REJECT
                                                : VERDICT_NONE;
  ChallengeVotedEvent e;
  e.discriminator = EVENT_CHALLENGE_VOTED;
  __builtin_memcpy(e.run, params->ka[1].key->x, 32);
  __builtin_memcpy(e.challenge, params->ka[3].key->x, 32);
  __builtin_memcpy(e.voter, params->ka[0].key->x, 32);
  e.approve = approve;
  e.stake_for = ch->stake_for;
  e.stake_against = ch->stake_against;
  emit_event(&e, sizeof(e));
  return SUCCESS;
}

/**
 * A slashed witness no longer speaks for the round. Not reported yet: it counts as done (the round does not wait for
 * a witness that can no longer report; when it was the last one, the round is due and the next tick closes it) and
 * a report from it is refused (WitnessSlashed). Reported already: the run keeps no witness's bitmap, so one
 * confirmation is withdrawn from every receipt of the round that has one and is not accepted yet, never fewer than
 * its own, so its word cannot tip a receipt to quorum (an honest receipt it did not confirm then needs one more).
 * Receipts it already helped to accept stay accepted: the quorum accepted them without its slash in view, and they
 * can be challenged like any other.
 */
static void leave_witness_seat(Run *run, uint16_t slot) {
  for (uint32_t k = 0; k < run->round_witness_count; k++) {
    RoundWitness *w = &run->witnesses[k];
    if (w->slot != slot) continue;
    if (!w->submitted) {
      w->submitted = 1;
      run->witnesses_submitted++;
      return;
    }
    for (uint32_t i = 0; i < MAX_MEMBERS; i++) {
      RoundReceipt *receipt = &run->round_receipts[i];
      if (!receipt->accepted && receipt->witness_count) receipt->witness_count--;
    }
    return;
  }
}

/**
 * The epoch lost a member. A running round keeps the rows it was opened with, so the change counts from the next
 * round; in Warmup or Cooldown, from the run's step (the epoch's first round, or the next epoch's, which an
 * EpochStarted will describe anyway).
 */
static void emit_member_removed(const SolParameters *params, const Run *run, uint16_t slot, bool in_round) {
  EpochMemberRemovedEvent e;
  e.discriminator = EVENT_EPOCH_MEMBER_REMOVED;
  __builtin_memcpy(e.run, params->ka[1].key->x, 32);
  e.epoch = run->epoch;
  e.step = run->step + in_round;
  e.slot = slot;
  emit_event(&e, sizeof(e));
}

/** Slashes the accused and pays the challenger: bond back plus half the slashed stake. */
static uint64_t confirm(SolParameters *params, Resolution *r) {
  Run *run = r->run;
  RunMember *accused = r->accused;
  uint64_t stake = accused->stake, bps = run->config.slash_bps;
  uint64_t slash = stake / BPS_DENOMINATOR * bps + stake % BPS_DENOMINATOR * bps / BPS_DENOMINATOR;
  uint64_t reward = slash / 2, forfeited = accused->rewards_owed;
  uint64_t rc = move_lamports(&params->ka[2], &params->ka[5], reward);
  if (!rc) rc = move_lamports(&params->ka[3], &params->ka[5], r->challenge->bond);
  if (rc) return rc;
  accused->stake -= slash;
  run->total_stake -= slash;
  accused->rewards_owed = 0;
  run->rewards_owed -= forfeited;
  run->reward_pool += forfeited + (slash - reward); /* lamports already in the vault */
  if (accused->in_epoch) {
    accused->in_epoch = 0;
    run->epoch_member_count--;
    run->epoch_points -= accused->epoch_points;
    accused->epoch_points = 0;
    RoundReceipt *current = &run->round_receipts[r->challenge->member_slot];
    bool in_round = run->state == RunState_RoundTrain || run->state == RunState_RoundWitness;
    if (in_round && current->committed) {
      current->committed = 0;
      run->committed_count--;
    }
    if (in_round) leave_witness_seat(run, r->challenge->member_slot);
    emit_member_removed(params, run, r->challenge->member_slot, in_round);
  }
  if (accused->status == MemberStatus_Active) accused->status = MemberStatus_Leaving;
  r->member->leave_epoch = run->epoch;
  r->member->left_at = r->now;
  r->member->slashed += slash; /* lifetime slashes never exceed lamports ever staked */
  r->challenge->status = ChallengeStatus_Confirmed;
  r->slashed = slash;
  r->challenger_reward = reward + r->challenge->bond;
  return SUCCESS;
}

static uint64_t reject(SolParameters *params, Resolution *r) {
  uint64_t pool;
  if (__builtin_add_overflow(r->run->reward_pool, r->challenge->bond, &pool)) return ConcordError_ArithmeticOverflow;
  uint64_t rc = move_lamports(&params->ka[3], &params->ka[2], r->challenge->bond);
  if (rc) return rc;
  r->run->reward_pool = pool;
  r->challenge->status = ChallengeStatus_Rejected;
  return SUCCESS;
}

static void emit_resolved(const SolParameters *params, const Resolution *r) {
  ChallengeResolvedEvent e;
  e.discriminator = EVENT_CHALLENGE_RESOLVED;
  __builtin_memcpy(e.run, params->ka[1].key->x, 32);
  __builtin_memcpy(e.challenge, params->ka[3].key->x, 32);
  __builtin_memcpy(e.member, r->challenge->member.x, 32);
  e.step = r->challenge->step;
  e.confirmed = r->challenge->status == ChallengeStatus_Confirmed;
  e.slashed = r->slashed;
  e.challenger_reward = r->challenger_reward;
  emit_event(&e, sizeof(e));
}

static uint64_t load_accounts(SolParameters *params, Resolution *r) {
  uint64_t rc = load_caller_run(params, 6, false, &r->run);
  if (!rc) rc = load_vault(params, &params->ka[2], &params->ka[1], r->run);
  if (!rc) rc = load_challenge(params, &r->challenge);
  if (!rc) rc = load_member(params, &params->ka[4], &params->ka[1], &r->challenge->member, &r->member);
  if (!rc) rc = check_writable(&params->ka[5]);
  if (rc) return rc;
  if (!SolPubkey_same(params->ka[5].key, &r->challenge->challenger)) {
    sol_log("Error: the challenger account is not the one that opened the challenge");
    return ConcordError_WrongChallenger;
  }
  if (r->challenge->status != ChallengeStatus_Open) {
    sol_log("Error: the challenge is already resolved");
    return ConcordError_ChallengeResolved;
  }
  r->accused = &r->run->members[r->member->slot];
  return SUCCESS;
}

uint64_t process_resolve_challenge(SolParameters *params) {
  Resolution r = {0};
  uint64_t rc = load_accounts(params, &r);
  if (rc) return rc;
  Args args = args_start(params);
  bool approve = args_bool(&args);
  rc = args_finish(&args);
  if (rc) return rc;
  SolClock clock;
  clock_read(&clock);
  r.now = clock.unix_timestamp;
  Verdict verdict = approve ? VERDICT_CONFIRM : VERDICT_REJECT;
  uint64_t timeout = (uint64_t)r.run->config.epoch_time * CHALLENGE_TIMEOUT_EPOCH_TIMES;
  bool expired = elapsed(r.now, r.challenge->opened_at, timeout);
  bool by_authority = SolPubkey_same(params->ka[0].key, &r.run->authority);
  if (by_authority && SolPubkey_same(params->ka[0].key, &r.challenge->member)) {
    if (!expired) {
      sol_log("Error: the run authority cannot judge a challenge against its own receipt");
      return ConcordError_AuthorityIsParty;
    }
    by_authority = false; /* after expiry it rejects like any signer */
  }
  if (!by_authority && expired) {
    sol_log("challenge expired unresolved: rejected");
    verdict = VERDICT_REJECT;
  } else if (!by_authority) {
    rc = vote(params, &r, approve, &verdict);
    if (rc || verdict == VERDICT_NONE) return rc;
  }
  rc = verdict == VERDICT_CONFIRM ? confirm(params, &r) : reject(params, &r);
  if (rc) return rc;
  r.accused->open_challenges--;
  emit_resolved(params, &r);
  return SUCCESS;
}
