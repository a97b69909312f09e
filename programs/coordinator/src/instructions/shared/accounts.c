#include "accounts.h"
#include "../../error.h"
#include "../../generated/discriminators.h"
#include "seeds.h"

const SolPubkey SYSTEM_PROGRAM_ID = {{0}};

uint64_t check_account_count(const SolParameters *params, uint64_t needed) {
  if (params->ka_num < needed) {
    sol_log("Error: not enough accounts");
    return ConcordError_NotEnoughAccounts;
  }
  return SUCCESS;
}

uint64_t check_distinct(const SolParameters *params, uint64_t n) {
  for (uint64_t i = 0; i < n; i++)
    for (uint64_t j = i + 1; j < n; j++)
      if (SolPubkey_same(params->ka[i].key, params->ka[j].key)) {
        sol_log("Error: the same account is passed in two roles");
        sol_log_64_(i, j, 0, 0, 0);
        return ConcordError_DuplicateAccount;
      }
  return SUCCESS;
}

uint64_t check_signer(const SolAccountInfo *account) {
  if (!account->is_signer) {
    sol_log("Error: missing signature");
    sol_log_pubkey(account->key);
    return ConcordError_MissingSigner;
  }
  return SUCCESS;
}

uint64_t check_writable(const SolAccountInfo *account) {
  if (!account->is_writable) {
    sol_log("Error: account must be writable");
    sol_log_pubkey(account->key);
    return ConcordError_AccountNotWritable;
  }
  return SUCCESS;
}

uint64_t check_payer(const SolAccountInfo *account) {
  uint64_t rc = check_signer(account);
  return rc ? rc : check_writable(account);
}

uint64_t check_system_program(const SolAccountInfo *account) {
  if (!SolPubkey_same(account->key, &SYSTEM_PROGRAM_ID)) {
    sol_log("Error: expected the system program");
    return ConcordError_WrongProgramAccount;
  }
  return SUCCESS;
}

uint64_t check_program_account(const SolParameters *params, const SolAccountInfo *account, const AccountType *type) {
  if (!SolPubkey_same(account->owner, params->program_id)) {
    sol_log("Error: account is not owned by the coordinator program");
    sol_log_pubkey(account->key);
    return ConcordError_WrongAccountOwner;
  }
  if (account->data_len < 8 || read_u64(account->data) != type->discriminator) {
    sol_log("Error: wrong account type (discriminator)");
    sol_log_pubkey(account->key);
    return ConcordError_WrongAccountType;
  }
  /* the version before the size: an account of another layout version has another size */
  if (account->data_len < 9 || account->data[8] != type->version) {
    sol_log("Error: unsupported account version");
    return ConcordError_UnsupportedAccountVersion;
  }
  if (account->data_len != type->size) {
    sol_log("Error: wrong account size");
    sol_log_64_(account->data_len, type->size, 0, 0, 0);
    return ConcordError_WrongAccountSize;
  }
  return SUCCESS;
}

uint64_t check_pda(const SolParameters *params, const SolAccountInfo *account, const SolSignerSeed *seeds,
                   int seed_count) {
  SolPubkey expected;
  if (sol_create_program_address(seeds, seed_count, params->program_id, &expected) ||
      !SolPubkey_same(&expected, account->key)) {
    sol_log("Error: account is not the canonical program-derived address");
    sol_log_pubkey(account->key);
    return ConcordError_InvalidPda;
  }
  return SUCCESS;
}

uint64_t load_run(const SolParameters *params, SolAccountInfo *account, Run **run) {
  static const AccountType RUN = {ACCOUNT_RUN, sizeof(Run), RUN_ACCOUNT_VERSION};
  uint64_t rc = check_writable(account);
  if (rc) return rc;
  if (SolPubkey_same(account->owner, params->program_id) && account->data_len >= 9 &&
      read_u64(account->data) == ACCOUNT_RUN && account->data[8] == RUN_ACCOUNT_VERSION &&
      account->data_len < sizeof(Run)) {
    sol_log("Error: the run account is not fully allocated yet (extend_run)");
    return ConcordError_RunNotReady;
  }
  rc = check_program_account(params, account, &RUN);
  if (rc) return rc;
  Run *r = (Run *)account->data;
  SolSignerSeed seeds[RUN_SEED_COUNT];
  run_seeds(seeds, (const uint8_t *)&r->run_id, &r->bump);
  rc = check_pda(params, account, seeds, RUN_SEED_COUNT);
  if (rc) return rc;
  *run = r;
  return SUCCESS;
}

uint64_t load_caller_run(SolParameters *params, uint64_t n, bool payer, Run **run) {
  uint64_t rc = check_account_count(params, n);
  if (!rc) rc = check_distinct(params, n);
  if (!rc) rc = payer ? check_payer(&params->ka[0]) : check_signer(&params->ka[0]);
  if (!rc) rc = load_run(params, &params->ka[1], run);
  return rc;
}

uint64_t load_vault(const SolParameters *params, SolAccountInfo *account, const SolAccountInfo *run_account,
                    const Run *run) {
  static const AccountType VAULT = {ACCOUNT_VAULT, sizeof(Vault), VAULT_ACCOUNT_VERSION};
  uint64_t rc = check_writable(account);
  if (!rc) rc = check_program_account(params, account, &VAULT);
  if (rc) return rc;
  SolSignerSeed seeds[VAULT_SEED_COUNT];
  vault_seeds(seeds, run_account->key, &run->vault_bump);
  return check_pda(params, account, seeds, VAULT_SEED_COUNT);
}

uint64_t load_member(const SolParameters *params, SolAccountInfo *account, const SolAccountInfo *run_account,
                     const SolPubkey *key, Member **member) {
  static const AccountType MEMBER = {ACCOUNT_MEMBER, sizeof(Member), MEMBER_ACCOUNT_VERSION};
  uint64_t rc = check_writable(account);
  if (!rc) rc = check_program_account(params, account, &MEMBER);
  if (rc) return rc;
  Member *m = (Member *)account->data;
  SolSignerSeed seeds[MEMBER_SEED_COUNT];
  member_seeds(seeds, run_account->key, key, &m->bump);
  rc = check_pda(params, account, seeds, MEMBER_SEED_COUNT);
  if (rc) return rc;
  const Run *run = (const Run *)run_account->data;
  if (m->slot >= MAX_MEMBERS || !SolPubkey_same(&run->members[m->slot].key, key) ||
      run->members[m->slot].status == MemberStatus_Free) {
    sol_log("Error: the member account's slot does not hold this member");
    return ConcordError_NotAMember;
  }
  *member = m;
  return SUCCESS;
}

uint32_t run_find_member(const Run *run, const SolPubkey *key) {
  for (uint32_t i = 0; i < MAX_MEMBERS; i++)
    if (run->members[i].status != MemberStatus_Free && SolPubkey_same(&run->members[i].key, key)) return i;
  return MAX_MEMBERS;
}

uint64_t challenge_eligible_stake(const Run *run, const RunMember *accused, const SolPubkey *challenger) {
  uint32_t slot = run_find_member(run, challenger);
  uint64_t challenger_stake = slot == MAX_MEMBERS ? 0 : run->members[slot].stake;
  return run->total_stake - accused->stake - challenger_stake; /* distinct slots: total_stake is their sum and more */
}

uint64_t require_member_slot(const Run *run, const SolPubkey *key, uint32_t *slot) {
  *slot = run_find_member(run, key);
  if (*slot == MAX_MEMBERS) {
    sol_log("Error: not a member of this run");
    return ConcordError_NotAMember;
  }
  return SUCCESS;
}

uint64_t check_not_finished(const Run *run) {
  if (run->state == RunState_Finished) {
    sol_log("Error: the run has finished");
    return ConcordError_RunFinished;
  }
  return SUCCESS;
}
