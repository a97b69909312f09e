/**
 * extend_run()
 *
 * Accounts:
 *   0. [writable] run: a run created by initialize_run and not yet at its full size
 *
 * Grows the run account by up to 10 KiB (the most one instruction may), zero-filled; initialize_run already paid the
 * rent of the full size. Permissionless. When the account reaches its full size the run starts WaitingForMembers.
 * The SDK sends initialize_run and the three extend_run it needs in one transaction.
 */
#include "instructions.h"
#include "shared/accounts.h"
#include "shared/args.h"
#include "shared/events.h"
#include "shared/seeds.h"
#include "shared/system.h"
#include "../error.h"
#include "../generated/discriminators.h"

uint64_t process_extend_run(SolParameters *params) {
  uint64_t rc = check_account_count(params, 1);
  if (rc) return rc;
  rc = args_none(params);
  if (rc) return rc;
  SolAccountInfo *account = &params->ka[0];
  rc = check_writable(account);
  if (rc) return rc;
  if (!SolPubkey_same(account->owner, params->program_id)) {
    sol_log("Error: account is not owned by the coordinator program");
    return ConcordError_WrongAccountOwner;
  }
  /* the fixed header (through `config`) is all that exists before the account is full */
  if (account->data_len < offsetof(Run, epoch) || read_u64(account->data) != ACCOUNT_RUN) {
    sol_log("Error: wrong account type (discriminator)");
    return ConcordError_WrongAccountType;
  }
  Run *run = (Run *)account->data;
  if (run->version != RUN_ACCOUNT_VERSION) {
    sol_log("Error: unsupported account version");
    return ConcordError_UnsupportedAccountVersion;
  }
  SolSignerSeed seeds[RUN_SEED_COUNT];
  run_seeds(seeds, (const uint8_t *)&run->run_id, &run->bump);
  rc = check_pda(params, account, seeds, RUN_SEED_COUNT);
  if (rc) return rc;
  if (account->data_len >= sizeof(Run)) {
    sol_log("Error: the run account already has its full size");
    return ConcordError_RunAlreadySized;
  }

  uint64_t old_len = account->data_len;
  uint64_t new_len = old_len + MAX_PERMITTED_DATA_INCREASE;
  if (new_len > sizeof(Run)) new_len = sizeof(Run);
  uint64_t rent;
  rc = rent_exempt_minimum(new_len, &rent);
  if (rc) return rc;
  if (*account->lamports < rent) {
    sol_log("Error: the run account does not hold rent for its full size");
    return ConcordError_InsufficientFunds;
  }
  sol_memset_(account->data + old_len, 0, new_len - old_len);
  set_data_len(account, new_len);

  RunExtendedEvent e;
  e.discriminator = EVENT_RUN_EXTENDED;
  __builtin_memcpy(e.run, account->key->x, 32);
  e.data_len = (uint32_t)new_len;
  e.ready = new_len == sizeof(Run);
  emit_event(&e, sizeof(e));
  if (e.ready) {
    SolClock clock;
    clock_read(&clock);
    run->state = RunState_WaitingForMembers;
    run->state_started_at = clock.unix_timestamp;
    emit_state_changed(account->key, run, RunState_Uninitialized);
  }
  return SUCCESS;
}
