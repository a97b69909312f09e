/**
 * @brief PDA seeds of every account (mirrored by sdk/coordinatorPdas.ts). Each filler writes the seeds and, when
 * `bump` is given, the bump as the last seed; callers size arrays with the *_SEED_COUNT (bump included).
 *   Run ["run", run_id u64 le]      Vault ["vault", run]          Member ["member", run, key]
 *   EpochReceipts ["receipts", run, member, epoch u64 le]      Challenge ["challenge", run, member, step u64 le]
 */
#pragma once
#include "../../solana_sdk.h"

#define RUN_SEED_COUNT 3
#define VAULT_SEED_COUNT 3
#define MEMBER_SEED_COUNT 4
#define RECEIPTS_SEED_COUNT 5
#define CHALLENGE_SEED_COUNT 5

#define SEED_LITERAL(text) ((SolSignerSeed){(const uint8_t *)(text), sizeof(text) - 1})

static inline void run_seeds(SolSignerSeed *s, const uint8_t *run_id_le, const uint8_t *bump) {
  s[0] = SEED_LITERAL("run");
  s[1] = (SolSignerSeed){run_id_le, 8};
  s[2] = (SolSignerSeed){bump, 1};
}

static inline void vault_seeds(SolSignerSeed *s, const SolPubkey *run, const uint8_t *bump) {
  s[0] = SEED_LITERAL("vault");
  s[1] = (SolSignerSeed){run->x, 32};
  s[2] = (SolSignerSeed){bump, 1};
}

static inline void member_seeds(SolSignerSeed *s, const SolPubkey *run, const SolPubkey *key, const uint8_t *bump) {
  s[0] = SEED_LITERAL("member");
  s[1] = (SolSignerSeed){run->x, 32};
  s[2] = (SolSignerSeed){key->x, 32};
  s[3] = (SolSignerSeed){bump, 1};
}

static inline void receipts_seeds(SolSignerSeed *s, const SolPubkey *run, const SolPubkey *member,
                                  const uint8_t *epoch_le, const uint8_t *bump) {
  s[0] = SEED_LITERAL("receipts");
  s[1] = (SolSignerSeed){run->x, 32};
  s[2] = (SolSignerSeed){member->x, 32};
  s[3] = (SolSignerSeed){epoch_le, 8};
  s[4] = (SolSignerSeed){bump, 1};
}

static inline void challenge_seeds(SolSignerSeed *s, const SolPubkey *run, const SolPubkey *member,
                                   const uint8_t *step_le, const uint8_t *bump) {
  s[0] = SEED_LITERAL("challenge");
  s[1] = (SolSignerSeed){run->x, 32};
  s[2] = (SolSignerSeed){member->x, 32};
  s[3] = (SolSignerSeed){step_le, 8};
  s[4] = (SolSignerSeed){bump, 1};
}
