#include "run_control.h"
#include "args.h"
#include "authority.h"
#include "events.h"
#include "system.h"
#include "../../error.h"
#include "../../generated/discriminators.h"

static void log_refusal(uint64_t rc) {
  switch (rc) {
  case ConcordError_AlreadyPaused:
    sol_log("Error: the run is paused or a pause is already pending");
    break;
  case ConcordError_NotPaused:
    sol_log("Error: the run is not paused and no pause is pending");
    break;
  case ConcordError_RunFinished:
    sol_log("Error: the run has finished");
    break;
  default:
    sol_log("Error: the run is not ready");
  }
}

uint64_t process_run_control(SolParameters *params, RunControl control) {
  Run *run;
  uint64_t rc = load_authority_run(params, &run);
  if (rc) return rc;
  rc = args_none(params);
  if (rc) return rc;
  SolClock clock;
  clock_read(&clock);
  uint8_t from = run->state, was_pending = run->pending_pause;
  EpochSummary summary;
  rc = control(run, clock.unix_timestamp, &summary);
  if (rc) {
    log_refusal(rc);
    return rc;
  }
  const SolPubkey *key = params->ka[1].key;
  emit_epoch_ended(key, &summary);
  if (run->state != from) emit_state_changed(key, run, from);
  if (run->pending_pause != was_pending) {
    PendingPauseChangedEvent e;
    e.discriminator = EVENT_PENDING_PAUSE_CHANGED;
    __builtin_memcpy(e.run, key->x, 32);
    e.pending = run->pending_pause;
    emit_event(&e, sizeof(e));
  }
  return SUCCESS;
}
