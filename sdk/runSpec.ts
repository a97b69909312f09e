// A run as its creator describes it in a run config file (TOML; every key documented in examples/run.toml): the
// on-chain RunConfig's fields, the training recipe's, the dataset, the run id and the reward pool's funding, in
// sections. runSpecOf checks a parsed file's shape: no unknown key, every needed key, each value's type and width.
// The rules on values are the program's and the recipe's own, applied by runPlan (sdk/runPlan.ts).
import type { RunConfig } from "./coordinatorAccounts";
import * as codes from "./errors/codes";
import { ConcordError } from "./errors/concordError";

export interface RunSpec {
  readonly run: { readonly id?: bigint; readonly fund: number };
  readonly dataset: { readonly path: string };
  readonly model: {
    readonly context_length: number;
    readonly layers: number;
    readonly heads: number;
    readonly width: number;
    readonly init_seed: number;
  };
  readonly schedule: {
    readonly warmup_time: number;
    readonly cooldown_time: number;
    readonly max_round_train_time: number;
    readonly round_witness_time: number;
    readonly epoch_time: number;
  };
  readonly members: {
    readonly min_clients: number;
    readonly init_min_clients: number;
    readonly witness_nodes: number;
  };
  readonly training: {
    readonly total_steps: number;
    readonly rounds_per_epoch: number;
    readonly global_batch_size: number;
    readonly learning_rate: number;
    readonly lr_schedule: "constant" | "cosine" | "wsd";
    readonly min_learning_rate?: number;
    readonly warmup_steps: number;
    readonly decay_start?: number;
  };
  readonly round: {
    readonly inner_steps: number;
    readonly inner_optimizer: "gradient" | "adamw";
    readonly adamw_beta1?: number;
    readonly adamw_beta2?: number;
    readonly adamw_eps?: number;
    readonly adamw_weight_decay?: number;
    readonly grad_clip: number;
    readonly transform: "dct" | "none";
    readonly chunk: number;
    readonly top_k: number;
    readonly decay: number;
    readonly value_bits: number;
    readonly outer: "sign" | "sgd";
    readonly outer_learning_rate: number;
    readonly outer_momentum: number;
    readonly weight_decay: number;
    readonly aggregation: "mean" | "clippedMean" | "trimmedMean";
    readonly trim?: number;
  };
  readonly economics: {
    readonly min_stake: number;
    readonly reward_per_epoch: number;
    readonly challenge_bond: number;
    readonly slash_bps: number;
  };
}

type Kind =
  /** An integer in [0, max]; a u64 run id as a bigint. */
  | { readonly type: "uint"; readonly max: bigint; readonly bigint?: true }
  /** Any finite number (the value rules come from the program and the recipe). */
  | { readonly type: "float" }
  /** SOL, at least 0, rounded to the lamport. */
  | { readonly type: "sol" }
  | { readonly type: "string" }
  | { readonly type: "enum"; readonly values: readonly string[] };

export interface FieldRule {
  readonly kind: Kind;
  readonly optional?: true;
  /** Needed when, and only when, this key of the same section has one of these values. */
  readonly when?: readonly [key: string, values: readonly string[]];
  /** The RunConfig field and the recipe field (a path) it sets, so their rules' errors name this key. */
  readonly config?: keyof RunConfig;
  readonly recipe?: string;
}

const uint = (bits: 8 | 16 | 32): Kind => ({ type: "uint", max: (1n << BigInt(bits)) - 1n });
const float: Kind = { type: "float" };
const sol: Kind = { type: "sol" };
const oneOf = (...values: string[]): Kind => ({ type: "enum", values });
/** Steps are u64 on-chain and a JS number in the recipe: both hold up to 2^53 - 1. */
const steps: Kind = { type: "uint", max: BigInt(Number.MAX_SAFE_INTEGER) };

export const RUN_SPEC_FIELDS: { readonly [S in keyof RunSpec]: { readonly [K in keyof RunSpec[S]]-?: FieldRule } } = {
  run: {
    id: { kind: { type: "uint", max: (1n << 64n) - 1n, bigint: true }, optional: true },
    fund: { kind: sol },
  },
  dataset: { path: { kind: { type: "string" }, config: "datasetHash", recipe: "model.vocabSize" } },
  model: {
    context_length: { kind: uint(32), config: "sequenceLength", recipe: "model.contextLength" },
    layers: { kind: uint(32), recipe: "model.layers" },
    heads: { kind: uint(32), recipe: "model.heads" },
    width: { kind: uint(32), recipe: "model.width" },
    init_seed: { kind: uint(32), recipe: "initSeed" },
  },
  schedule: {
    warmup_time: { kind: uint(32), config: "warmupTime" },
    cooldown_time: { kind: uint(32), config: "cooldownTime" },
    max_round_train_time: { kind: uint(32), config: "maxRoundTrainTime" },
    round_witness_time: { kind: uint(32), config: "roundWitnessTime" },
    epoch_time: { kind: uint(32), config: "epochTime" },
  },
  members: {
    min_clients: { kind: uint(16), config: "minClients" },
    init_min_clients: { kind: uint(16), config: "initMinClients" },
    witness_nodes: { kind: uint(16), config: "witnessNodes" },
  },
  training: {
    total_steps: { kind: steps, config: "totalSteps", recipe: "schedule.totalSteps" },
    rounds_per_epoch: { kind: uint(16), config: "roundsPerEpoch" },
    global_batch_size: { kind: uint(32), config: "globalBatchSize" },
    learning_rate: { kind: float, config: "learningRate", recipe: "schedule.lr" },
    lr_schedule: { kind: oneOf("constant", "cosine", "wsd") },
    min_learning_rate: { kind: float, when: ["lr_schedule", ["cosine", "wsd"]], recipe: "schedule.minLr" },
    warmup_steps: { kind: steps, recipe: "schedule.warmupSteps" },
    decay_start: { kind: steps, when: ["lr_schedule", ["wsd"]], recipe: "schedule.decayStart" },
  },
  round: {
    inner_steps: { kind: uint(16), config: "innerSteps" },
    inner_optimizer: { kind: oneOf("gradient", "adamw") },
    adamw_beta1: { kind: float, when: ["inner_optimizer", ["adamw"]], recipe: "round.inner.beta1" },
    adamw_beta2: { kind: float, when: ["inner_optimizer", ["adamw"]], recipe: "round.inner.beta2" },
    adamw_eps: { kind: float, when: ["inner_optimizer", ["adamw"]], recipe: "round.inner.eps" },
    adamw_weight_decay: { kind: float, when: ["inner_optimizer", ["adamw"]], recipe: "round.inner.weightDecay" },
    grad_clip: { kind: float, recipe: "round.gradClip" },
    transform: { kind: oneOf("dct", "none") },
    chunk: { kind: uint(16), config: "demoChunk" },
    top_k: { kind: uint(16), config: "demoTopK" },
    decay: { kind: float, config: "demoDecay" },
    value_bits: { kind: uint(8), config: "valueBits" },
    outer: { kind: oneOf("sign", "sgd") },
    outer_learning_rate: { kind: float, config: "outerLearningRate" },
    outer_momentum: { kind: float, config: "outerMomentum" },
    weight_decay: { kind: float, recipe: "round.weightDecay" },
    aggregation: { kind: oneOf("mean", "clippedMean", "trimmedMean") },
    trim: { kind: uint(16), when: ["aggregation", ["trimmedMean"]], recipe: "round.aggregation.trim" },
  },
  economics: {
    min_stake: { kind: sol, config: "minStake" },
    reward_per_epoch: { kind: sol, config: "rewardPerEpoch" },
    challenge_bond: { kind: sol, config: "challengeBond" },
    slash_bps: { kind: uint(16), config: "slashBps" },
  },
};

/** A key as the file spells it: `[section] key`. */
export const specKey = (section: string, key?: string) => (key === undefined ? `[${section}]` : `[${section}] ${key}`);

/** The `[section] key` that sets a RunConfig field; the model's hash is its whole `[model]`/`[training]`/`[round]` recipe. */
export function configFieldKey(field: keyof RunConfig): string {
  for (const [section, fields] of Object.entries(RUN_SPEC_FIELDS))
    for (const [key, rule] of Object.entries(fields as Record<string, FieldRule>))
      if (rule.config === field) return specKey(section, key);
  return field === "modelHash" ? "the recipe (model_hash)" : String(field);
}

/** A value as the file would spell it, for error lines. */
export function specValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return "an array";
  return v instanceof Date ? v.toISOString() : "a table";
}

const isTable = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);

const expectedOf = (k: Kind): string => {
  switch (k.type) {
    case "uint":
      return `an integer in [0, ${k.max}]`;
    case "float":
      return "a number";
    case "sol":
      return "an amount of SOL (a number >= 0)";
    case "string":
      return "a string";
    case "enum":
      return `one of ${k.values.map((v) => JSON.stringify(v)).join(", ")}`;
  }
};

/** The value in the spec's type, or a coded error naming `[section] key`. */
function checkValue(file: string, key: string, k: Kind, v: unknown): unknown {
  const wrongType = () =>
    new ConcordError(codes.CONCORD_ERROR__CLIENT__RUN_FILE_INVALID_TYPE, {
      path: file,
      key,
      value: specValue(v),
      expected: expectedOf(k),
    });
  const outOfRange = (rule: string) =>
    new ConcordError(codes.CONCORD_ERROR__CLIENT__RUN_FILE_OUT_OF_RANGE, {
      path: file,
      key,
      value: specValue(v),
      rule,
    });
  switch (k.type) {
    case "uint": {
      if (typeof v !== "bigint" && !Number.isInteger(v)) throw wrongType();
      const n = BigInt(v as number | bigint);
      if (n < 0n || n > k.max) throw outOfRange(`must be ${expectedOf(k)}`);
      return k.bigint ? n : Number(n);
    }
    case "float":
      if (typeof v === "bigint") return Number(v);
      if (typeof v !== "number") throw wrongType();
      if (!Number.isFinite(v)) throw outOfRange("must be finite");
      return v;
    case "sol":
      if (typeof v !== "number" && typeof v !== "bigint") throw wrongType();
      if (!(Number(v) >= 0) || !Number.isFinite(Number(v))) throw outOfRange("must be a finite amount >= 0 SOL");
      return Number(v);
    case "string":
      if (typeof v !== "string") throw wrongType();
      return v;
    case "enum":
      if (typeof v !== "string") throw wrongType();
      if (!k.values.includes(v)) throw outOfRange(`must be ${expectedOf(k)}`);
      return v;
  }
}

/**
 * The spec a parsed run config file describes (smol-toml's table, integers as bigint where they need it); throws
 * a ConcordError naming the file and the key: an unknown section or key, a missing one, a wrong type or width.
 */
export function runSpecOf(table: unknown, file: string): RunSpec {
  if (!isTable(table))
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__MALFORMED_RUN_FILE, { path: file, reason: "not a table" });
  const unknown = (key: string, known: string[]) =>
    new ConcordError(codes.CONCORD_ERROR__CLIENT__RUN_FILE_UNKNOWN_KEY, { path: file, key, known: known.join(", ") });
  const sections = Object.keys(RUN_SPEC_FIELDS);
  for (const name of Object.keys(table))
    if (!sections.includes(name)) throw unknown(isTable(table[name]) ? specKey(name) : name, sections);
  const spec: Record<string, Record<string, unknown>> = {};
  for (const [section, fields] of Object.entries(RUN_SPEC_FIELDS) as [string, Record<string, FieldRule>][]) {
    const given = table[section];
    if (given === undefined)
      throw new ConcordError(codes.CONCORD_ERROR__CLIENT__RUN_FILE_MISSING_KEY, {
        path: file,
        key: specKey(section),
        reason: "",
      });
    if (!isTable(given))
      throw new ConcordError(codes.CONCORD_ERROR__CLIENT__RUN_FILE_INVALID_TYPE, {
        path: file,
        key: section,
        value: specValue(given),
        expected: "a table",
      });
    for (const key of Object.keys(given))
      if (!(key in fields)) throw unknown(specKey(section, key), Object.keys(fields));
    const out: Record<string, unknown> = {};
    for (const [key, rule] of Object.entries(fields)) {
      const v = given[key];
      const condition = rule.when && `${rule.when[0]} = ${rule.when[1].join(" or ")}`;
      const needed = rule.when ? rule.when[1].includes(out[rule.when[0]] as string) : !rule.optional;
      if (v === undefined) {
        if (needed)
          throw new ConcordError(codes.CONCORD_ERROR__CLIENT__RUN_FILE_MISSING_KEY, {
            path: file,
            key: specKey(section, key),
            reason: condition ? ` (needed with ${condition})` : "",
          });
        continue;
      }
      if (rule.when && !needed)
        throw new ConcordError(codes.CONCORD_ERROR__CLIENT__RUN_FILE_OUT_OF_RANGE, {
          path: file,
          key: specKey(section, key),
          value: specValue(v),
          rule: `applies only with ${condition}, not ${rule.when[0]} = ${specValue(out[rule.when[0]])}`,
        });
      out[key] = checkValue(file, specKey(section, key), rule.kind, v);
    }
    spec[section] = out;
  }
  return spec as unknown as RunSpec;
}
