/**
 * checkpoint(epoch: u64, hash: [u8; 32], uri: string)
 *
 * Accounts:
 *   0. [signer] authority
 *   1. [writable] run
 *
 * Records the content hash and location of the model checkpoint new members start from. Epochs only move forward:
 * the epoch must not be in the future and must be newer than the last checkpoint's.
 */
#include "instructions.h"
#include "shared/args.h"
#include "shared/authority.h"
#include "shared/events.h"
#include "../error.h"
#include "../generated/discriminators.h"

uint64_t process_checkpoint(SolParameters *params) {
  Run *run;
  uint64_t rc = load_authority_run(params, &run);
  if (rc) return rc;
  Args args = args_start(params);
  uint64_t epoch = args_u64(&args);
  const uint8_t *hash = args_take(&args, 32);
  uint32_t uri_len;
  const uint8_t *uri = args_bytes(&args, &uri_len);
  rc = args_finish(&args);
  if (rc) return rc;
  if (uri_len == 0 || uri_len > MAX_URI_LEN) {
    sol_log("Error: the checkpoint URI must be 1 to 127 bytes");
    return ConcordError_UriTooLong;
  }
  bool has_previous = run->checkpoint.uri_len != 0;
  if (epoch > run->epoch || (has_previous && epoch <= run->checkpoint.epoch)) {
    sol_log("Error: the checkpoint epoch is in the future or not newer than the last one");
    sol_log_64_(epoch, run->epoch, run->checkpoint.epoch, has_previous, 0);
    return ConcordError_InvalidCheckpoint;
  }
  Checkpoint *c = &run->checkpoint;
  c->epoch = epoch;
  c->step = run->step;
  __builtin_memcpy(c->hash, hash, 32);
  store_text(c->uri, MAX_URI_LEN, uri, uri_len);
  c->uri_len = (uint8_t)uri_len;

  CheckpointRecordedEvent e;
  e.discriminator = EVENT_CHECKPOINT_RECORDED;
  __builtin_memcpy(e.run, params->ka[1].key->x, 32);
  e.epoch = epoch;
  e.step = run->step;
  __builtin_memcpy(e.hash, hash, 32);
  emit_event(&e, sizeof(e));
  return SUCCESS;
}
