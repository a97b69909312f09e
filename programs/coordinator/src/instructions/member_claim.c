/**
 * claim()
 *
 * Accounts:
 *   0. [writable, signer] member: receives the rewards
 *   1. [writable] run
 *   2. [writable] vault
 *   3. [writable] member account
 *
 * Pays the rewards allocated to the member at epoch ends. Refused while a challenge against the member is open
 * (a confirmed challenge forfeits unclaimed rewards to the pool).
 */
#include "instructions.h"
#include "shared/events.h"
#include "shared/member_accounts.h"
#include "shared/system.h"
#include "../error.h"
#include "../generated/discriminators.h"

uint64_t process_claim(SolParameters *params) {
  MemberAccounts a;
  uint64_t rc = load_member_accounts(params, true, &a);
  if (rc) return rc;
  uint64_t amount = a.entry->rewards_owed;
  if (amount == 0) {
    sol_log("Error: nothing to claim");
    return ConcordError_NothingToClaim;
  }
  rc = check_no_open_challenge(a.entry);
  if (rc) return rc;
  uint64_t claimed;
  if (__builtin_add_overflow(a.member->rewards_claimed, amount, &claimed)) return ConcordError_ArithmeticOverflow;
  rc = move_lamports(a.vault_account, a.signer, amount);
  if (rc) return rc;
  a.entry->rewards_owed = 0;
  a.run->rewards_owed -= amount;
  a.member->rewards_claimed = claimed;

  RewardsClaimedEvent e;
  e.discriminator = EVENT_REWARDS_CLAIMED;
  __builtin_memcpy(e.run, a.run_account->key->x, 32);
  __builtin_memcpy(e.member, a.signer->key->x, 32);
  e.amount = amount;
  emit_event(&e, sizeof(e));
  return SUCCESS;
}
