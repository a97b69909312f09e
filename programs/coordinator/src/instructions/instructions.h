/** @brief One processor per instruction (instructions/<noun>_<verb>.c); each checks its own accounts and arguments. */
#pragma once
#include "../solana_sdk.h"

uint64_t process_version(SolParameters *params);
uint64_t process_initialize_run(SolParameters *params);
uint64_t process_extend_run(SolParameters *params);
uint64_t process_update_config(SolParameters *params);
uint64_t process_pause(SolParameters *params);
uint64_t process_resume(SolParameters *params);
uint64_t process_finish(SolParameters *params);
uint64_t process_tick(SolParameters *params);
uint64_t process_fund(SolParameters *params);
uint64_t process_join(SolParameters *params);
uint64_t process_leave(SolParameters *params);
uint64_t process_withdraw(SolParameters *params);
uint64_t process_commit(SolParameters *params);
uint64_t process_witness(SolParameters *params);
uint64_t process_checkpoint(SolParameters *params);
uint64_t process_claim(SolParameters *params);
uint64_t process_challenge(SolParameters *params);
uint64_t process_resolve_challenge(SolParameters *params);
