/**
 * leave()
 *
 * Accounts:
 *   0. [signer] member
 *   1. [writable] run
 *   2. [writable] member account
 *
 * Starts unbonding. A member of the epoch in progress stays in it until it ends (its receipts stay at stake); it
 * takes part in no later epoch. withdraw is possible after one full further epoch (see member_withdraw.c).
 */
#include "instructions.h"
#include "shared/events.h"
#include "shared/member_accounts.h"
#include "shared/system.h"
#include "../error.h"
#include "../generated/discriminators.h"

uint64_t process_leave(SolParameters *params) {
  MemberAccounts a;
  uint64_t rc = load_member_accounts(params, false, &a);
  if (rc) return rc;
  if (a.entry->status != MemberStatus_Active) {
    sol_log("Error: the member is already leaving");
    return ConcordError_MemberNotActive;
  }
  SolClock clock;
  clock_read(&clock);
  a.entry->status = MemberStatus_Leaving;
  a.member->leave_epoch = a.run->epoch;
  a.member->left_at = clock.unix_timestamp;

  MemberLeftEvent e;
  e.discriminator = EVENT_MEMBER_LEFT;
  __builtin_memcpy(e.run, a.run_account->key->x, 32);
  __builtin_memcpy(e.member, a.signer->key->x, 32);
  e.slot = a.member->slot;
  e.leave_epoch = a.run->epoch;
  emit_event(&e, sizeof(e));
  return SUCCESS;
}
