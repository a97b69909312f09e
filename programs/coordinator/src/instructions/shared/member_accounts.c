#include "member_accounts.h"
#include "args.h"
#include "../../error.h"

uint64_t load_member_accounts(SolParameters *params, bool with_vault, MemberAccounts *out) {
  uint64_t count = with_vault ? 4 : 3;
  uint64_t rc = load_caller_run(params, count, with_vault, &out->run);
  if (rc) return rc;
  out->signer = &params->ka[0];
  out->run_account = &params->ka[1];
  out->vault_account = with_vault ? &params->ka[2] : 0;
  out->member_account = &params->ka[count - 1];
  if (with_vault) rc = load_vault(params, out->vault_account, out->run_account, out->run);
  if (!rc) rc = load_member(params, out->member_account, out->run_account, out->signer->key, &out->member);
  if (rc) return rc;
  out->entry = &out->run->members[out->member->slot];
  return args_none(params);
}

uint64_t check_no_open_challenge(const RunMember *entry) {
  if (entry->open_challenges) {
    sol_log("Error: a challenge against the member is still open");
    return ConcordError_ChallengePending;
  }
  return SUCCESS;
}
