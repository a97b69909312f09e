/** @brief One processor per instruction; each checks its own accounts and arguments. */
#pragma once
#include "../solana_sdk.h"

uint64_t process_version(SolParameters *params);
