/**
 * finish()
 *
 * Accounts:
 *   0. [signer] authority
 *   1. [writable] run
 *
 * Ends the run from any state: the epoch in progress ends (its points are paid out), nothing restarts it. Members
 * withdraw after unbonding; claims stay open.
 */
#include "instructions.h"
#include "shared/run_control.h"

uint64_t process_finish(SolParameters *params) { return process_run_control(params, run_finish); }
