/** @brief Loading EpochReceipts accounts: variable size (capacity), PDA of (run, member, epoch). */
#pragma once
#include "accounts.h"

/**
 * Checks an existing EpochReceipts account of `member`: writable, owner, type, size for its capacity, version,
 * capacity and length in bounds, and that it is the canonical PDA of (run, member, its epoch).
 */
uint64_t load_epoch_receipts(const SolParameters *params, SolAccountInfo *account, const SolAccountInfo *run_account,
                             const SolPubkey *member, EpochReceipts **out);
