// From a run spec (sdk/runSpec.ts) to what the chain and the trainers get: the on-chain RunConfig, the training recipe
// (its hash is the config's model_hash), the run id and the reward pool's funding. The rules are the program's
// (runConfigViolation) and the recipe's (validateRecipe); a break is reported against the spec's own key and value.
import { BN } from "@coral-xyz/anchor";
import { hexToBytes } from "@noble/hashes/utils";
import { LAMPORTS_PER_SOL } from "@solana/web3.js";
import type { RunConfig } from "./coordinatorAccounts";
import * as codes from "./errors/codes";
import { ConcordError, isConcordError } from "./errors/concordError";
import type { LrSchedule } from "./lrSchedule";
import { assertValidRunConfig, runConfigViolation } from "./runConfig";
import type { FieldRule, RunSpec } from "./runSpec";
import { RUN_SPEC_FIELDS, specKey, specValue } from "./runSpec";
import type { TrainingRecipe } from "./trainingRecipe";
import { RECIPE_VERSION, recipeHash, validateRecipe } from "./trainingRecipe";

export interface RunPlan {
  readonly runId: bigint;
  readonly config: RunConfig;
  readonly recipe: TrainingRecipe;
  /** Lamports moved into the vault when the run is created (0: none). */
  readonly fundLamports: bigint;
}

/** The dataset as the plan needs it: its hash (the manifest's) and its tokenizer's vocabulary size. */
export interface PlanDataset {
  readonly hash: string;
  readonly vocabSize: number;
}

/** SOL to lamports, rounded to the lamport. */
export const lamportsOf = (sol: number): bigint => BigInt(Math.round(sol * LAMPORTS_PER_SOL));

function recipeOf(s: RunSpec, vocabSize: number): TrainingRecipe {
  const t = s.training;
  const lr = t.learning_rate;
  const total = t.total_steps;
  const schedule: LrSchedule =
    t.lr_schedule === "constant"
      ? { kind: "constant", lr, warmupSteps: t.warmup_steps }
      : t.lr_schedule === "cosine"
        ? { kind: "cosine", lr, minLr: t.min_learning_rate!, warmupSteps: t.warmup_steps, totalSteps: total }
        : {
            kind: "wsd",
            lr,
            minLr: t.min_learning_rate!,
            warmupSteps: t.warmup_steps,
            decayStart: t.decay_start!,
            totalSteps: total,
          };
  const r = s.round;
  return {
    version: RECIPE_VERSION,
    model: {
      vocabSize,
      contextLength: s.model.context_length,
      layers: s.model.layers,
      heads: s.model.heads,
      width: s.model.width,
    },
    initSeed: s.model.init_seed,
    schedule,
    round: {
      inner:
        r.inner_optimizer === "gradient"
          ? { kind: "gradient" }
          : {
              kind: "adamw",
              beta1: r.adamw_beta1!,
              beta2: r.adamw_beta2!,
              eps: r.adamw_eps!,
              weightDecay: r.adamw_weight_decay!,
            },
      transform: r.transform,
      outer: r.outer,
      weightDecay: r.weight_decay,
      gradClip: r.grad_clip,
      aggregation: r.aggregation === "trimmedMean" ? { kind: "trimmedMean", trim: r.trim! } : { kind: r.aggregation },
    },
  };
}

function configOf(s: RunSpec, modelHash: Uint8Array, datasetHash: string): RunConfig {
  const bn = (v: bigint | number) => new BN(v.toString());
  return {
    totalSteps: bn(s.training.total_steps),
    minStake: bn(lamportsOf(s.economics.min_stake)),
    rewardPerEpoch: bn(lamportsOf(s.economics.reward_per_epoch)),
    challengeBond: bn(lamportsOf(s.economics.challenge_bond)),
    modelHash: Array.from(modelHash),
    datasetHash: Array.from(hexToBytes(datasetHash)),
    warmupTime: s.schedule.warmup_time,
    cooldownTime: s.schedule.cooldown_time,
    maxRoundTrainTime: s.schedule.max_round_train_time,
    roundWitnessTime: s.schedule.round_witness_time,
    epochTime: s.schedule.epoch_time,
    globalBatchSize: s.training.global_batch_size,
    sequenceLength: s.model.context_length,
    learningRate: s.training.learning_rate,
    demoDecay: s.round.decay,
    outerLearningRate: s.round.outer_learning_rate,
    outerMomentum: s.round.outer_momentum,
    minClients: s.members.min_clients,
    initMinClients: s.members.init_min_clients,
    witnessNodes: s.members.witness_nodes,
    roundsPerEpoch: s.training.rounds_per_epoch,
    innerSteps: s.round.inner_steps,
    demoChunk: s.round.chunk,
    demoTopK: s.round.top_k,
    slashBps: s.economics.slash_bps,
    valueBits: s.round.value_bits,
    padding: [0, 0, 0],
  };
}

/** The spec's `[section] key` that sets a RunConfig field or a recipe field. */
function keyOf(match: (rule: FieldRule) => boolean): [section: string, key: string] | undefined {
  for (const [section, fields] of Object.entries(RUN_SPEC_FIELDS))
    for (const [key, rule] of Object.entries(fields as Record<string, FieldRule>))
      if (match(rule)) return [section, key];
  return undefined;
}

function outOfRange(s: RunSpec, file: string, at: [string, string], rule: string, cause: unknown): ConcordError {
  const [section, key] = at;
  const value = (s as unknown as Record<string, Record<string, unknown>>)[section][key];
  return new ConcordError(
    codes.CONCORD_ERROR__CLIENT__RUN_FILE_OUT_OF_RANGE,
    { path: file, key: specKey(section, key), value: specValue(value), rule },
    { cause },
  );
}

/**
 * The run a spec describes, or a ConcordError naming the spec's key, its value and the rule it breaks (`file` is
 * how the error names the spec's source). `defaultRunId` is the id when the spec gives none.
 */
export function runPlan(s: RunSpec, dataset: PlanDataset, o: { file: string; defaultRunId: bigint }): RunPlan {
  const recipe = recipeOf(s, dataset.vocabSize);
  // The program's rules first, in its order (the model hash stands in until the recipe passes its own rules).
  const draft = configOf(s, new Uint8Array(32).fill(1), dataset.hash);
  const violation = runConfigViolation(draft);
  const at = violation && keyOf((r) => r.config === violation.field);
  if (violation && at) throw outOfRange(s, o.file, at, violation.rule, undefined);
  assertValidRunConfig(draft); // a field no key sets (the padding): the rule's own error
  try {
    validateRecipe(recipe);
  } catch (e) {
    if (!isConcordError(e, codes.CONCORD_ERROR__TRAINER__INVALID_CONFIG)) throw e;
    const field = String(e.context.field);
    const path = e.context.what === "learning-rate schedule" ? `schedule.${field}` : field;
    const key = keyOf((r) => r.recipe === path);
    throw key ? outOfRange(s, o.file, key, String(e.context.reason), e) : e;
  }
  const config: RunConfig = { ...draft, modelHash: Array.from(recipeHash(recipe)) };
  return { runId: s.run.id ?? o.defaultRunId, config, recipe, fundLamports: lamportsOf(s.run.fund) };
}
