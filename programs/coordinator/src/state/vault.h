/**
 * @brief Vault ["vault", run]: program-owned, holds stakes and rewards as lamports; the program debits it directly.
 * Invariant: lamports = rent-exempt minimum + run.total_stake + run.reward_pool + run.rewards_owed.
 */
#pragma once
#include "../solana_sdk.h"

#define VAULT_ACCOUNT_VERSION 1

typedef struct {
  uint8_t discriminator[8];
  uint8_t version;
  uint8_t bump;
  uint8_t _padding[6];
  SolPubkey run;
} Vault;
static_assert(sizeof(Vault) == 48, "Vault layout");
