/**
 * tick()
 *
 * Accounts:
 *   0. [writable] run
 *
 * Permissionless: moves the run one step along its state machine (machine/run_transition.c) when the Clock and the
 * run's counters say a transition is due; refuses with NoTransitionDue otherwise, so a crank learns it was early.
 * The commit and witness that complete a round make its transition themselves (shared/advance.c, which also draws
 * the round seed): tick is for the timeouts and the states between epochs.
 */
#include "instructions.h"
#include "shared/accounts.h"
#include "shared/advance.h"
#include "shared/args.h"

uint64_t process_tick(SolParameters *params) {
  uint64_t rc = check_account_count(params, 1);
  if (rc) return rc;
  rc = args_none(params);
  if (rc) return rc;
  Run *run;
  rc = load_run(params, &params->ka[0], &run);
  if (rc) return rc;
  return advance_run(params->ka[0].key, run);
}
