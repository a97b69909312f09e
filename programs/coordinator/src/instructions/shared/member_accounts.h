/** @brief The accounts leave, withdraw and claim share: [member (signer), run, (vault,) member account]. */
#pragma once
#include "accounts.h"

typedef struct {
  Run *run;
  Member *member;
  RunMember *entry; /** the member's slot in run->members */
  SolAccountInfo *signer;
  SolAccountInfo *run_account;
  SolAccountInfo *vault_account;  /** null when the instruction takes no vault */
  SolAccountInfo *member_account;
} MemberAccounts;

/**
 * Loads [member (signer; writable when paid), run, vault?, member account] in that order: the signer's own
 * Member PDA in this run, and its slot. These instructions take no arguments: trailing data is refused.
 */
uint64_t load_member_accounts(SolParameters *params, bool with_vault, MemberAccounts *out);
/** Stake and rewards stay put while a challenge against the member is open (ChallengePending). */
uint64_t check_no_open_challenge(const RunMember *entry);
