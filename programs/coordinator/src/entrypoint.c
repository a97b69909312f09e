/**
 * Entrypoint: deserializes the loader's input and dispatches on the 8-byte Anchor discriminator.
 * No instruction logic lives here (SPL layout: one processor per file under instructions/).
 */
#include "solana_sdk.h"
#include "error.h"
#include "generated/discriminators.h"
#include "generated/error_log.h"
#include "instructions/instructions.h"

/* SolParameters is ~1 KB: above upstream LLVM's 512-byte BPF stack limit, so it lives at the start of the heap. */
#define PARAMS ((SolParameters *)HEAP_START_ADDRESS)

/** Logs a custom error as Anchor programs do, so Anchor clients raise an AnchorError on any RPC. */
static uint64_t log_error(uint64_t rc) {
  if (rc == SUCCESS) return rc;
  for (uint64_t i = 0; i < sizeof(ERROR_LOG_LINES) / sizeof(ERROR_LOG_LINES[0]); i++)
    if (ERROR_LOG_LINES[i].code == rc) {
      sol_log_(ERROR_LOG_LINES[i].line, ERROR_LOG_LINES[i].len);
      break;
    }
  return rc;
}

static uint64_t dispatch(SolParameters *params) {
  switch (read_u64(params->data)) {
  case IX_VERSION:
    return process_version(params);
  case IX_INITIALIZE_RUN:
    return process_initialize_run(params);
  case IX_EXTEND_RUN:
    return process_extend_run(params);
  case IX_UPDATE_CONFIG:
    return process_update_config(params);
  case IX_PAUSE:
    return process_pause(params);
  case IX_RESUME:
    return process_resume(params);
  case IX_FINISH:
    return process_finish(params);
  case IX_TICK:
    return process_tick(params);
  case IX_FUND:
    return process_fund(params);
  case IX_JOIN:
    return process_join(params);
  case IX_LEAVE:
    return process_leave(params);
  case IX_WITHDRAW:
    return process_withdraw(params);
  case IX_COMMIT:
    return process_commit(params);
  case IX_WITNESS:
    return process_witness(params);
  case IX_CHECKPOINT:
    return process_checkpoint(params);
  case IX_CLAIM:
    return process_claim(params);
  case IX_CHALLENGE:
    return process_challenge(params);
  case IX_RESOLVE_CHALLENGE:
    return process_resolve_challenge(params);
  default:
    sol_log("Error: unknown instruction discriminator");
    return ERROR_INSTRUCTION_FALLBACK_NOT_FOUND;
  }
}

uint64_t entrypoint(const uint8_t *input) {
  SolParameters *params = PARAMS;
  if (!sol_deserialize(input, params)) {
    sol_log("Error: too many accounts");
    return log_error(ConcordError_TooManyAccounts);
  }
  if (params->data_len < 8) {
    sol_log("Error: instruction data shorter than a discriminator");
    return log_error(ERROR_INSTRUCTION_FALLBACK_NOT_FOUND);
  }
  return log_error(dispatch(params));
}
