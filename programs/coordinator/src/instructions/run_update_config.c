/**
 * update_config(config: RunConfig)
 *
 * Accounts:
 *   0. [signer] authority
 *   1. [writable] run
 *
 * Only while the run is halted (WaitingForMembers or Paused): no epoch is in flight, so no receipt, witness or
 * reward computation can straddle two configurations.
 */
#include "instructions.h"
#include "shared/args.h"
#include "shared/run_config_check.h"
#include "shared/authority.h"
#include "shared/events.h"
#include "../error.h"
#include "../generated/discriminators.h"

uint64_t process_update_config(SolParameters *params) {
  Run *run;
  uint64_t rc = load_authority_run(params, &run);
  if (rc) return rc;
  Args args = args_start(params);
  const uint8_t *bytes = args_take(&args, sizeof(RunConfig));
  rc = args_finish(&args);
  if (rc) return rc;
  rc = check_not_finished(run);
  if (rc) return rc;
  if (run->state != RunState_WaitingForMembers && run->state != RunState_Paused) {
    sol_log("Error: the configuration changes only while waiting for members or paused");
    return ConcordError_RunNotHalted;
  }
  const RunConfig *config = (const RunConfig *)bytes; /* sBPF loads need no alignment */
  rc = check_run_config(config);
  if (rc) return rc;
  run->config = *config;
  ConfigUpdatedEvent e;
  e.config = *config;
  e.discriminator = EVENT_CONFIG_UPDATED;
  __builtin_memcpy(e.run, params->ka[1].key->x, 32);
  emit_event(&e, sizeof(e));
  return SUCCESS;
}
