/**
 * Run configuration rules. Psyche's checks are the floor (warmup < epoch time, 0 < max round train time < epoch
 * time, 1 <= min_clients <= init_min_clients <= MAX_MEMBERS, witnesses <= min_clients, batch sizes and total steps
 * > 0); Concord adds the witness window, rounds per epoch (EpochReceipts capacity), DeMo settings, hashes, the
 * rounds of inner steps (H, value width, outer optimizer) and the economics. Mirrored by sdk/runConfig.ts.
 */
#include "run_machine.h"
#include "../error.h"

#define FAIL(code, text)                                                                                        \
  do {                                                                                                          \
    *rule = (ConfigRule){(text), sizeof(text) - 1};                                                            \
    return (code);                                                                                              \
  } while (0)

/** f32 bits of 1.0 and 16.0: positive finite floats order like their bits. */
#define F32_ONE 0x3f800000u
#define F32_SIXTEEN 0x41800000u

static bool all_zero(const uint8_t *bytes, uint64_t n) {
  for (uint64_t i = 0; i < n; i++)
    if (bytes[i]) return false;
  return true;
}

static uint64_t check_timing(const RunConfig *c, ConfigRule *rule) {
  if (c->epoch_time == 0) FAIL(ConcordError_InvalidConfigTiming, "epoch_time must be > 0");
  if (c->warmup_time >= c->epoch_time) FAIL(ConcordError_InvalidConfigTiming, "warmup_time must be < epoch_time");
  if (c->max_round_train_time == 0 || c->max_round_train_time >= c->epoch_time)
    FAIL(ConcordError_InvalidConfigTiming, "max_round_train_time must be in (0, epoch_time)");
  if (c->round_witness_time == 0 || c->round_witness_time >= c->epoch_time)
    FAIL(ConcordError_InvalidConfigTiming, "round_witness_time must be in (0, epoch_time)");
  return 0;
}

static uint64_t check_members(const RunConfig *c, ConfigRule *rule) {
  if (c->min_clients == 0 || c->min_clients > c->init_min_clients || c->init_min_clients > MAX_MEMBERS)
    FAIL(ConcordError_InvalidConfigMembers, "need 1 <= min_clients <= init_min_clients <= 256");
  if (c->witness_nodes == 0 || c->witness_nodes > c->min_clients || c->witness_nodes > MAX_WITNESSES)
    FAIL(ConcordError_InvalidConfigMembers, "need 1 <= witness_nodes <= min(min_clients, 32)");
  return 0;
}

static uint64_t check_training(const RunConfig *c, ConfigRule *rule) {
  if (c->total_steps == 0) FAIL(ConcordError_InvalidConfigTraining, "total_steps must be > 0");
  if (c->rounds_per_epoch == 0 || c->rounds_per_epoch > MAX_ROUNDS_PER_EPOCH)
    FAIL(ConcordError_InvalidConfigTraining, "rounds_per_epoch must be in [1, 64]");
  if (c->global_batch_size == 0 || c->sequence_length == 0)
    FAIL(ConcordError_InvalidConfigTraining, "global_batch_size and sequence_length must be > 0");
  if (!f32_positive_finite(c->learning_rate))
    FAIL(ConcordError_InvalidConfigTraining, "learning_rate must be finite and > 0");
  if (all_zero(c->model_hash, 32) || all_zero(c->dataset_hash, 32))
    FAIL(ConcordError_InvalidConfigTraining, "model_hash and dataset_hash must be set");
  return 0;
}

static uint64_t check_demo(const RunConfig *c, ConfigRule *rule) {
  uint32_t chunk = c->demo_chunk;
  if (chunk < 2 || chunk > 256 || (chunk & (chunk - 1)))
    FAIL(ConcordError_InvalidConfigDemo, "demo_chunk must be a power of two in [2, 256]");
  if (c->demo_top_k == 0 || c->demo_top_k > chunk * chunk)
    FAIL(ConcordError_InvalidConfigDemo, "demo_top_k must be in [1, demo_chunk^2]");
  if (!f32_positive_finite(c->demo_decay) || c->demo_decay >= F32_ONE)
    FAIL(ConcordError_InvalidConfigDemo, "demo_decay must be in (0, 1)");
  return 0;
}

static uint64_t check_rounds(const RunConfig *c, ConfigRule *rule) {
  if (c->inner_steps == 0 || c->inner_steps > MAX_INNER_STEPS)
    FAIL(ConcordError_InvalidConfigInnerSteps, "inner_steps must be in [1, 1024]");
  uint8_t bits = c->value_bits;
  if (bits != 1 && bits != 2 && bits != 16 && bits != 32)
    FAIL(ConcordError_InvalidConfigValueBits, "value_bits must be 1, 2, 16 or 32");
  for (int i = 0; i < 3; i++)
    if (c->_padding[i]) FAIL(ConcordError_InvalidConfigValueBits, "the padding after value_bits must be zero");
  if (!f32_positive_finite(c->outer_learning_rate) || c->outer_learning_rate > F32_SIXTEEN)
    FAIL(ConcordError_InvalidConfigOuterOptimizer, "outer_learning_rate must be in (0, 16]");
  /* below 1.0's bits: +0 up to 1 exclusive, never negative, NaN or infinite; -0 is zero too */
  if (c->outer_momentum >= F32_ONE && c->outer_momentum != 0x80000000u)
    FAIL(ConcordError_InvalidConfigOuterOptimizer, "outer_momentum must be in [0, 1)");
  return 0;
}

static uint64_t check_economics(const RunConfig *c, ConfigRule *rule) {
  if (c->min_stake == 0) FAIL(ConcordError_InvalidConfigEconomics, "min_stake must be > 0");
  if (c->reward_per_epoch > MAX_REWARD_PER_EPOCH)
    FAIL(ConcordError_InvalidConfigEconomics, "reward_per_epoch must be <= 2^56");
  if (c->challenge_bond == 0) FAIL(ConcordError_InvalidConfigEconomics, "challenge_bond must be > 0");
  if (c->slash_bps == 0 || c->slash_bps > BPS_DENOMINATOR)
    FAIL(ConcordError_InvalidConfigEconomics, "slash_bps must be in [1, 10000]");
  return 0;
}

uint64_t run_config_validate(const RunConfig *config, ConfigRule *rule) {
  uint64_t rc = check_timing(config, rule);
  if (!rc) rc = check_members(config, rule);
  if (!rc) rc = check_training(config, rule);
  if (!rc) rc = check_demo(config, rule);
  if (!rc) rc = check_rounds(config, rule);
  if (!rc) rc = check_economics(config, rule);
  return rc;
}
