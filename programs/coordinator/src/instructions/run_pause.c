/**
 * pause()
 *
 * Accounts:
 *   0. [signer] authority
 *   1. [writable] run
 *
 * Immediate while waiting, in warmup or in cooldown; during a round it is deferred (pending pause) and tick pauses
 * the run when the round's witness phase closes, so no round is cut in half.
 */
#include "instructions.h"
#include "shared/run_control.h"

uint64_t process_pause(SolParameters *params) { return process_run_control(params, run_pause); }
