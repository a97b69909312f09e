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

static uint64_t resume(Run *run, int64_t now, EpochSummary *summary) {
  summary->ended = false;
  return run_resume(run, now);
}

uint64_t process_resume(SolParameters *params) { return process_run_control(params, resume); }
