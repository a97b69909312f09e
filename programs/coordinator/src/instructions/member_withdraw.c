/**
 * withdraw()
 *
 * Accounts:
 *   0. [writable, signer] member: receives stake, unclaimed rewards and the member account's rent
 *   1. [writable] run
 *   2. [writable] vault
 *   3. [writable] member account: closed
 *
 * After leave, once unbonded: the run's epoch counter has passed the leave epoch and one more full epoch (in which
 * auditors can still challenge the member's last receipts), or, when no epoch is running (waiting, paused,
 * finished), epoch_time seconds have passed since both the leave and the halt. No open challenge may remain. Frees
 * the slot.
 */
#include "instructions.h"
#include "shared/events.h"
#include "shared/member_accounts.h"
#include "shared/system.h"
#include "../error.h"
#include "../generated/discriminators.h"

static bool unbonded(const Run *run, const Member *member, int64_t now) {
  if (run->epoch >= member->leave_epoch + UNBONDING_EPOCHS + 1) return true;
  bool halted = run->state == RunState_WaitingForMembers || run->state == RunState_Paused ||
                run->state == RunState_Finished;
  int64_t since = member->left_at > run->state_started_at ? member->left_at : run->state_started_at;
  return halted && elapsed(now, since, run->config.epoch_time);
}

uint64_t process_withdraw(SolParameters *params) {
  MemberAccounts a;
  uint64_t rc = load_member_accounts(params, true, &a);
  if (rc) return rc;
  if (a.entry->status != MemberStatus_Leaving) {
    sol_log("Error: withdraw needs a prior leave");
    return ConcordError_NotLeaving;
  }
  rc = check_no_open_challenge(a.entry);
  if (rc) return rc;
  SolClock clock;
  clock_read(&clock);
  if (!unbonded(a.run, a.member, clock.unix_timestamp)) {
    sol_log("Error: the member's unbonding epoch has not passed");
    sol_log_64_(a.run->epoch, a.member->leave_epoch, (uint64_t)a.member->left_at, (uint64_t)clock.unix_timestamp, 0);
    return ConcordError_StillUnbonding;
  }
  uint64_t stake = a.entry->stake, rewards = a.entry->rewards_owed;
  rc = move_lamports(a.vault_account, a.signer, stake + rewards); /* both are vault lamports: no overflow */
  if (rc) return rc;
  a.run->total_stake -= stake;
  a.run->rewards_owed -= rewards;
  a.run->member_count--;
  uint16_t slot = a.member->slot;
  sol_memset_(a.entry, 0, sizeof(RunMember));
  close_account(a.member_account, a.signer);

  StakeWithdrawnEvent e;
  e.discriminator = EVENT_STAKE_WITHDRAWN;
  __builtin_memcpy(e.run, a.run_account->key->x, 32);
  __builtin_memcpy(e.member, a.signer->key->x, 32);
  e.slot = slot;
  e.stake = stake;
  e.rewards = rewards;
  emit_event(&e, sizeof(e));
  return SUCCESS;
}
