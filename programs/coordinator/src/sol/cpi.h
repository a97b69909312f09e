/** @brief Cross-program invocation and program-derived addresses (the C ABI of sol_invoke_signed_c). */
#pragma once
#include "entrypoint.h"

typedef struct {
  SolPubkey *pubkey;
  bool is_writable;
  bool is_signer;
} SolAccountMeta;

typedef struct {
  SolPubkey *program_id;
  SolAccountMeta *accounts;
  uint64_t account_len;
  uint8_t *data;
  uint64_t data_len;
} SolInstruction;

typedef struct {
  const uint8_t *addr;
  uint64_t len;
} SolSignerSeed;

typedef struct {
  const SolSignerSeed *addr;
  uint64_t len;
} SolSignerSeeds;

/** Invokes another program; `account_infos` must contain every account the instruction names. */
extern uint64_t sol_invoke_signed_c(const SolInstruction *instruction, const SolAccountInfo *account_infos,
                                    int account_infos_len, const SolSignerSeeds *signers_seeds, int signers_seeds_len);
/** @return 0 when the seeds (bump included) give an off-curve address, written to `address`. */
extern uint64_t sol_create_program_address(const SolSignerSeed *seeds, int seeds_len, const SolPubkey *program_id,
                                           SolPubkey *address);
/** Finds the canonical (highest valid) bump: about 1,500 CU per bump tried. */
extern uint64_t sol_try_find_program_address(const SolSignerSeed *seeds, int seeds_len, const SolPubkey *program_id,
                                             SolPubkey *address, uint8_t *bump_seed);
