/**
 * Entrypoint: deserializes the loader's input and dispatches on the 8-byte Anchor discriminator.
 * No instruction logic lives here (SPL layout: one processor per file under instructions/).
 */
#include "solana_sdk.h"
#include "error.h"
#include "generated/discriminators.h"
#include "instructions/instructions.h"

/* SolParameters is ~1 KB: above upstream LLVM's 512-byte BPF stack limit, so it lives at the start of the heap. */
#define PARAMS ((SolParameters *)HEAP_START_ADDRESS)

uint64_t entrypoint(const uint8_t *input) {
  SolParameters *params = PARAMS;
  if (!sol_deserialize(input, params)) {
    sol_log("Error: too many accounts");
    return ConcordError_TooManyAccounts;
  }
  if (params->data_len < 8) {
    sol_log("Error: instruction data shorter than a discriminator");
    return ERROR_INSTRUCTION_FALLBACK_NOT_FOUND;
  }
  switch (read_u64(params->data)) {
  case IX_VERSION:
    return process_version(params);
  default:
    sol_log("Error: unknown instruction discriminator");
    return ERROR_INSTRUCTION_FALLBACK_NOT_FOUND;
  }
}
