/**
 * @brief Account validation shared by every processor. Each check logs its reason and returns its own error code.
 *
 * Order in a processor: account count, distinct keys, then account by account in the order they are passed: signer,
 * writable, and for program accounts owner, discriminator, size, version (check_program_account; a run account
 * still being extended gets RunNotReady in place of the size error), then the PDA (re-derived from the stored
 * canonical bump with sol_create_program_address) and a member account's slot. Then, in each processor's order,
 * relations between accounts, the arguments and the run's state. Accounts that depend on the arguments or the state
 * (a member's epoch receipts, an account created here) come after those; tick and extend_run refuse trailing
 * argument bytes right after the account count.
 */
#pragma once
#include "../../solana_sdk.h"
#include "../../state.h"

/** What identifies a program account type. */
typedef struct {
  uint64_t discriminator;
  uint64_t size;
  uint8_t version;
} AccountType;

extern const SolPubkey SYSTEM_PROGRAM_ID;

uint64_t check_account_count(const SolParameters *params, uint64_t needed);
/** The first `n` accounts have pairwise distinct keys (no account in two roles). */
uint64_t check_distinct(const SolParameters *params, uint64_t n);
uint64_t check_signer(const SolAccountInfo *account);
uint64_t check_writable(const SolAccountInfo *account);
uint64_t check_system_program(const SolAccountInfo *account);
/** Owner = this program, then discriminator, exact size (type->size) and version; the first that fails is the error. */
uint64_t check_program_account(const SolParameters *params, const SolAccountInfo *account, const AccountType *type);
/** The account's key is the program address of `seeds` (the last seed is the stored bump). */
uint64_t check_pda(const SolParameters *params, const SolAccountInfo *account, const SolSignerSeed *seeds,
                   int seed_count);

/**
 * The accounts most instructions start with: at least `n` accounts with distinct keys, ka[0] the caller (a signer;
 * writable too when it is the `payer`), ka[1] the run (load_run), checked in that order.
 */
uint64_t load_caller_run(SolParameters *params, uint64_t n, bool payer, Run **run);
/** Run account: program-owned, Run type, canonical PDA of its run_id, fully allocated. */
uint64_t load_run(const SolParameters *params, SolAccountInfo *account, Run **run);
/** Vault of `run_account`: program-owned, Vault type, canonical PDA, writable. */
uint64_t load_vault(const SolParameters *params, SolAccountInfo *account, const SolAccountInfo *run_account,
                    const Run *run);
/** Member PDA of `key` in `run_account`, writable, with a slot that really holds `key`. */
uint64_t load_member(const SolParameters *params, SolAccountInfo *account, const SolAccountInfo *run_account,
                     const SolPubkey *key, Member **member);
/** Slot index of `key` in the member table, or MAX_MEMBERS when absent. */
uint32_t run_find_member(const Run *run, const SolPubkey *key);
/**
 * Stake that may vote on a challenge against `accused` opened by `challenger`: all stake but the accused's and the
 * challenger's (neither votes; a challenger outside the member table has no stake to remove).
 */
uint64_t challenge_eligible_stake(const Run *run, const RunMember *accused, const SolPubkey *challenger);
/** `key`'s slot in the member table, or NotAMember (logged) when it holds none. */
uint64_t require_member_slot(const Run *run, const SolPubkey *key, uint32_t *slot);

/** RunFinished (logged) when the run has finished (join, fund and update_config refuse it). */
uint64_t check_not_finished(const Run *run);

/** A payer: signer, then writable. */
uint64_t check_payer(const SolAccountInfo *account);
