/** @brief System program CPIs (account creation, transfers), rent, and lamport moves out of program accounts. */
#pragma once
#include "../../solana_sdk.h"

/** A program-owned PDA to create; `seeds` has seed_count entries, the last (the bump) is filled in by create_pda. */
typedef struct {
  SolAccountInfo *payer;
  SolAccountInfo *target;
  SolSignerSeed *seeds;
  int seed_count;
  uint64_t space;
  uint64_t extra_lamports; /** on top of the rent-exempt minimum (a challenge bond) */
  uint8_t bump;            /** out: the canonical bump */
} PdaCreation;

/**
 * Creates the account at the canonical PDA of the seeds, owned by this program, rent-exempt, zeroed. The target
 * must be an empty system account; one pre-funded by someone else (a griefing attempt that makes a plain
 * CreateAccount fail) is topped up, allocated and assigned instead.
 */
uint64_t create_pda(const SolParameters *params, PdaCreation *creation);
/** System transfer from a signer. Refuses with InsufficientFunds before the CPI when `from` cannot pay. */
uint64_t system_transfer(const SolParameters *params, SolAccountInfo *from, SolAccountInfo *to, uint64_t lamports);
/** Rent-exempt minimum balance for `space` bytes, from the Rent sysvar (no floating point). */
uint64_t rent_exempt_minimum(uint64_t space, uint64_t *lamports);
/** Moves lamports out of an account this program owns. */
uint64_t move_lamports(SolAccountInfo *from, SolAccountInfo *to, uint64_t amount);
/** Resizes a program account in place: its data_len and the serialized length the loader reads back. */
void set_data_len(SolAccountInfo *account, uint64_t len);
/** Closes a program account: all lamports to `to`, data emptied, owner given back to the system program. */
void close_account(SolAccountInfo *account, SolAccountInfo *to);
/** Current Clock sysvar. */
void clock_read(SolClock *clock);
