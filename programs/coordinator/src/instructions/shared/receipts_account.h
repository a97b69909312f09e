/** @brief Loading EpochReceipts accounts: variable size (capacity), PDA of (run, member, epoch). */
#pragma once
#include "accounts.h"

/**
 * Checks an existing EpochReceipts account: owner, type, version, size for its capacity, and that it is the
 * canonical PDA of (run, member, its epoch). `member` null: the member stored in the account.
 */
uint64_t load_epoch_receipts(const SolParameters *params, SolAccountInfo *account, const SolAccountInfo *run_account,
                             const SolPubkey *member, EpochReceipts **out);
