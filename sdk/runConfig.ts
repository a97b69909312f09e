// The run configuration rules of programs/coordinator/src/machine/run_config.c, in the same order, so a client
// learns before sending what the program would refuse (tests/coordinator-schedule.test.ts compares the two).
import type { RunConfig } from "./coordinatorAccounts";
import type { CoordinatorErrorName } from "./coordinatorErrors";
import type { ValueFormat } from "./demo/sparseUpdate";
import { CONCORD_ERROR__CLIENT__INVALID_RUN_CONFIG, CONCORD_ERROR__TRAINER__INVALID_CONFIG } from "./errors/codes";
import { ConcordError } from "./errors/concordError";
import { f32Bits, f32PositiveFinite } from "./f32";
import { toBigInt } from "./coordinatorAccounts";

export const MAX_MEMBERS = 256;
export const MAX_WITNESSES = 32;
export const MAX_ROUNDS_PER_EPOCH = 64;
export const MAX_INNER_STEPS = 1024;
/** Widths update values may travel in: sign, 2-bit scaled, f16, f32. */
export const VALUE_BITS = [1, 2, 16, 32] as const;
export const MAX_REWARD_PER_EPOCH = 1n << 56n;
export const BPS_DENOMINATOR = 10_000;

/** The program error a configuration gets, the rule it breaks, and the field whose value breaks it. */
export interface RunConfigViolation {
  error: Extract<CoordinatorErrorName, `invalidConfig${string}`>;
  rule: string;
  field: keyof RunConfig;
}

const isZero = (bytes: number[]) => bytes.every((b) => b === 0);
const F32_ONE = 0x3f800000;
const F32_SIXTEEN = 0x41800000;
const F32_NEGATIVE_ZERO = 0x80000000;

type Field = keyof RunConfig | ((c: RunConfig) => keyof RunConfig);
type Check = [RunConfigViolation["error"], string, (c: RunConfig) => boolean, Field];

/**
 * Each entry: the error, the rule (the program logs the same text), the condition that breaks it (checked in order),
 * and the field to name (where a rule ties two fields, the one whose value is out of its range).
 */
const CHECKS: Check[] = [
  ["invalidConfigTiming", "epoch_time must be > 0", (c) => c.epochTime === 0, "epochTime"],
  ["invalidConfigTiming", "warmup_time must be < epoch_time", (c) => c.warmupTime >= c.epochTime, "warmupTime"],
  [
    "invalidConfigTiming",
    "max_round_train_time must be in (0, epoch_time)",
    (c) => c.maxRoundTrainTime === 0 || c.maxRoundTrainTime >= c.epochTime,
    "maxRoundTrainTime",
  ],
  [
    "invalidConfigTiming",
    "round_witness_time must be in (0, epoch_time)",
    (c) => c.roundWitnessTime === 0 || c.roundWitnessTime >= c.epochTime,
    "roundWitnessTime",
  ],
  [
    "invalidConfigMembers",
    "need 1 <= min_clients <= init_min_clients <= 256",
    (c) => c.minClients === 0 || c.minClients > c.initMinClients || c.initMinClients > MAX_MEMBERS,
    (c) => (c.initMinClients > MAX_MEMBERS ? "initMinClients" : "minClients"),
  ],
  [
    "invalidConfigMembers",
    "need 1 <= witness_nodes <= min(min_clients, 32)",
    (c) => c.witnessNodes === 0 || c.witnessNodes > c.minClients || c.witnessNodes > MAX_WITNESSES,
    "witnessNodes",
  ],
  ["invalidConfigTraining", "total_steps must be > 0", (c) => toBigInt(c.totalSteps) === 0n, "totalSteps"],
  [
    "invalidConfigTraining",
    "rounds_per_epoch must be in [1, 64]",
    (c) => c.roundsPerEpoch === 0 || c.roundsPerEpoch > MAX_ROUNDS_PER_EPOCH,
    "roundsPerEpoch",
  ],
  [
    "invalidConfigTraining",
    "global_batch_size and sequence_length must be > 0",
    (c) => c.globalBatchSize === 0 || c.sequenceLength === 0,
    (c) => (c.globalBatchSize === 0 ? "globalBatchSize" : "sequenceLength"),
  ],
  [
    "invalidConfigTraining",
    "learning_rate must be finite and > 0",
    (c) => !f32PositiveFinite(f32Bits(c.learningRate)),
    "learningRate",
  ],
  [
    "invalidConfigTraining",
    "model_hash and dataset_hash must be set",
    (c) => isZero(c.modelHash) || isZero(c.datasetHash),
    (c) => (isZero(c.modelHash) ? "modelHash" : "datasetHash"),
  ],
  [
    "invalidConfigDemo",
    "demo_chunk must be a power of two in [2, 256]",
    (c) => c.demoChunk < 2 || c.demoChunk > 256 || (c.demoChunk & (c.demoChunk - 1)) !== 0,
    "demoChunk",
  ],
  [
    "invalidConfigDemo",
    "demo_top_k must be in [1, demo_chunk^2]",
    (c) => c.demoTopK === 0 || c.demoTopK > c.demoChunk * c.demoChunk,
    "demoTopK",
  ],
  [
    "invalidConfigDemo",
    "demo_decay must be in (0, 1)",
    (c) => !f32PositiveFinite(f32Bits(c.demoDecay)) || f32Bits(c.demoDecay) >= F32_ONE,
    "demoDecay",
  ],
  [
    "invalidConfigInnerSteps",
    "inner_steps must be in [1, 1024]",
    (c) => c.innerSteps === 0 || c.innerSteps > MAX_INNER_STEPS,
    "innerSteps",
  ],
  [
    "invalidConfigValueBits",
    "value_bits must be 1, 2, 16 or 32",
    (c) => !(VALUE_BITS as readonly number[]).includes(c.valueBits),
    "valueBits",
  ],
  ["invalidConfigValueBits", "the padding after value_bits must be zero", (c) => !isZero(c.padding), "padding"],
  [
    "invalidConfigOuterOptimizer",
    "outer_learning_rate must be in (0, 16]",
    (c) => !f32PositiveFinite(f32Bits(c.outerLearningRate)) || f32Bits(c.outerLearningRate) > F32_SIXTEEN,
    "outerLearningRate",
  ],
  [
    "invalidConfigOuterOptimizer",
    "outer_momentum must be in [0, 1)",
    // on the bits, as the program: below 1.0's bits is +0 up to 1; -0 is zero too
    (c) => f32Bits(c.outerMomentum) >= F32_ONE && f32Bits(c.outerMomentum) !== F32_NEGATIVE_ZERO,
    "outerMomentum",
  ],
  ["invalidConfigEconomics", "min_stake must be > 0", (c) => toBigInt(c.minStake) === 0n, "minStake"],
  [
    "invalidConfigEconomics",
    "reward_per_epoch must be <= 2^56",
    (c) => toBigInt(c.rewardPerEpoch) > MAX_REWARD_PER_EPOCH,
    "rewardPerEpoch",
  ],
  ["invalidConfigEconomics", "challenge_bond must be > 0", (c) => toBigInt(c.challengeBond) === 0n, "challengeBond"],
  [
    "invalidConfigEconomics",
    "slash_bps must be in [1, 10000]",
    (c) => c.slashBps === 0 || c.slashBps > BPS_DENOMINATOR,
    "slashBps",
  ],
];

/** The first rule the configuration breaks, or null when the program would accept it. */
export function runConfigViolation(config: RunConfig): RunConfigViolation | null {
  for (const [error, rule, breaks, field] of CHECKS)
    if (breaks(config)) return { error, rule, field: typeof field === "function" ? field(config) : field };
  return null;
}

/** Throws ConcordError (CLIENT__INVALID_RUN_CONFIG) when the program would refuse the configuration. */
export function assertValidRunConfig(config: RunConfig): void {
  const violation = runConfigViolation(config);
  if (violation)
    throw new ConcordError(CONCORD_ERROR__CLIENT__INVALID_RUN_CONFIG, {
      rule: violation.rule,
      programError: violation.error,
    });
}

/**
 * The update value format a run's value_bits selects. 2-bit scaled values are valid on-chain but this client has no
 * codec for them yet: it refuses such a run rather than train in another format than its peers.
 */
export function valueFormatOf(valueBits: number): ValueFormat {
  switch (valueBits) {
    case 1:
      return "sign";
    case 16:
      return "f16";
    case 32:
      return "f32";
    case 2:
      return "q2";
    default:
      throw new ConcordError(CONCORD_ERROR__TRAINER__INVALID_CONFIG, {
        what: "run",
        reason: `value_bits ${valueBits} is not 1, 2, 16 or 32`,
      });
  }
}
