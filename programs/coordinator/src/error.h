/**
 * @brief Custom program error codes (the lower 32 bits of a result; Anchor clients show them as custom errors).
 *
 * Codes are explicitly numbered, grouped in fives, and never renumbered or reused: clients and the IDL's
 * `errors` table depend on them. Anchor's framework range is used only for InstructionFallbackNotFound (101),
 * which Anchor clients already decode.
 */
#pragma once

#define ERROR_INSTRUCTION_FALLBACK_NOT_FOUND 101

typedef enum {
  /* 6000 */
  ConcordError_TooManyAccounts = 6000, /** the transaction passed more accounts than any instruction takes */
  ConcordError_InvalidInstructionData = 6001, /** instruction arguments are truncated or have trailing bytes */
} ConcordError;
