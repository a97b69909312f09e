/**
 * resume()
 *
 * Accounts:
 *   0. [signer] authority
 *   1. [writable] run
 *
 * Paused -> WaitingForMembers (a new epoch starts when enough members are there), or cancels a pending pause.
 */
#include "instructions.h"
#include "shared/run_control.h"

uint64_t process_resume(SolParameters *params) { return process_run_control(params, run_resume); }
