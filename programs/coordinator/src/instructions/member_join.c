/**
 * join(endpoint: string, stake: u64)
 *
 * Accounts:
 *   0. [writable, signer] member: the staker's wallet, pays stake and rent
 *   1. [writable] run
 *   2. [writable] vault
 *   3. [writable] member account: PDA ["member", run, member], created on the first join
 *   4. [] system program
 *
 * The first join takes a free slot and stakes at least min_stake; a later one updates the endpoint and may add
 * stake. A member takes part from the next epoch that starts (WaitingForMembers -> Warmup) on.
 */
#include "instructions.h"
#include "shared/accounts.h"
#include "shared/args.h"
#include "shared/events.h"
#include "shared/seeds.h"
#include "shared/system.h"
#include "../error.h"
#include "../generated/discriminators.h"

static uint32_t free_slot(const Run *run) {
  for (uint32_t i = 0; i < MAX_MEMBERS; i++)
    if (run->members[i].status == MemberStatus_Free) return i;
  return MAX_MEMBERS;
}

/** First join: a slot in the table and a new Member account. */
static uint64_t register_member(SolParameters *params, Run *run, uint32_t *slot_out) {
  uint32_t slot = free_slot(run);
  if (slot == MAX_MEMBERS) {
    sol_log("Error: the run has no free member slot");
    return ConcordError_RunFull;
  }
  SolSignerSeed seeds[MEMBER_SEED_COUNT];
  member_seeds(seeds, params->ka[1].key, params->ka[0].key, 0);
  PdaCreation c = {&params->ka[0], &params->ka[3], seeds, MEMBER_SEED_COUNT, sizeof(Member), 0, 0};
  uint64_t rc = create_pda(params, &c);
  if (rc) return rc;
  Member *m = (Member *)params->ka[3].data;
  write_u64(m->discriminator, ACCOUNT_MEMBER);
  m->version = MEMBER_ACCOUNT_VERSION;
  m->bump = c.bump;
  m->slot = (uint16_t)slot;
  m->run = *params->ka[1].key;
  m->key = *params->ka[0].key;
  m->joined_epoch = run->epoch;
  RunMember *entry = &run->members[slot];
  entry->key = *params->ka[0].key;
  entry->status = MemberStatus_Active;
  run->member_count++;
  *slot_out = slot;
  return SUCCESS;
}

uint64_t process_join(SolParameters *params) {
  Run *run;
  uint64_t rc = load_caller_run(params, 5, true, &run);
  if (!rc) rc = load_vault(params, &params->ka[2], &params->ka[1], run);
  if (!rc) rc = check_writable(&params->ka[3]);
  if (!rc) rc = check_system_program(&params->ka[4]);
  if (rc) return rc;
  Args args = args_start(params);
  uint32_t endpoint_len;
  const uint8_t *endpoint = args_bytes(&args, &endpoint_len);
  uint64_t stake = args_u64(&args);
  rc = args_finish(&args);
  if (rc) return rc;
  if (endpoint_len == 0 || endpoint_len > MAX_ENDPOINT_LEN) {
    sol_log("Error: the endpoint must be 1 to 64 bytes");
    return ConcordError_EndpointTooLong;
  }
  rc = check_not_finished(run);
  if (rc) return rc;

  const SolPubkey *key = params->ka[0].key;
  uint32_t slot = run_find_member(run, key);
  uint64_t current = slot < MAX_MEMBERS ? run->members[slot].stake : 0, total, run_total;
  if (__builtin_add_overflow(current, stake, &total) || __builtin_add_overflow(run->total_stake, stake, &run_total)) {
    sol_log("Error: the stake would overflow");
    return ConcordError_ArithmeticOverflow;
  }
  if (total < run->config.min_stake) {
    sol_log("Error: the stake is below the run's minimum");
    sol_log_64_(total, run->config.min_stake, 0, 0, 0);
    return ConcordError_StakeTooLow;
  }
  Member *member;
  if (slot < MAX_MEMBERS) {
    rc = load_member(params, &params->ka[3], &params->ka[1], key, &member);
    if (rc) return rc;
    if (run->members[slot].status != MemberStatus_Active) {
      sol_log("Error: the member is leaving; withdraw, then join again");
      return ConcordError_MemberNotActive;
    }
  } else {
    rc = register_member(params, run, &slot);
    if (rc) return rc;
    member = (Member *)params->ka[3].data;
  }
  if (stake) {
    rc = system_transfer(params, &params->ka[0], &params->ka[2], stake);
    if (rc) return rc;
  }
  run->members[slot].stake = total;
  run->total_stake = run_total;
  store_text(member->endpoint, MAX_ENDPOINT_LEN, endpoint, endpoint_len);
  member->endpoint_len = (uint8_t)endpoint_len;

  MemberJoinedEvent e;
  e.discriminator = EVENT_MEMBER_JOINED;
  __builtin_memcpy(e.run, params->ka[1].key->x, 32);
  __builtin_memcpy(e.member, key->x, 32);
  e.slot = (uint16_t)slot;
  e.stake_added = stake;
  e.stake = total;
  emit_event(&e, sizeof(e));
  return SUCCESS;
}
