// A run's training recipe: what every trainer and auditor must agree on that the on-chain RunConfig does not hold
// (the model's architecture and initial-weight seed, the learning-rate schedule's shape, how a round trains and
// applies: trainer/optim/roundConfig.ts).
// The run records sha256 of the recipe's canonical JSON as its model_hash, so a node given a recipe file checks it
// against the chain before training, and anyone can rebuild the initial weights from public data.
import { sha256 } from "@noble/hashes/sha256";
import type { RunConfig } from "./coordinatorAccounts";
import { toBigInt } from "./coordinatorAccounts";
import { canonicalJson } from "./data/datasetManifest";
import type { AggregationRule } from "./demo/aggregate";
import { ConcordError } from "./errors/concordError";
import { CONCORD_ERROR__TRAINER__INVALID_CONFIG, CONCORD_ERROR__TRAINER__RECIPE_MISMATCH } from "./errors/codes";
import type { LrSchedule } from "./lrSchedule";
import { validateLrSchedule } from "./lrSchedule";

export const RECIPE_VERSION = 2;

/** How a member turns a round's H batches into its pseudo-gradient. */
export type InnerOptimizer =
  | { readonly kind: "gradient" }
  | {
      readonly kind: "adamw";
      readonly beta1: number;
      readonly beta2: number;
      readonly eps: number;
      /** Decoupled weight decay of the inner steps (tensors with their decay flag). */
      readonly weightDecay: number;
    };

/** The round's choices the run config does not carry (H, chunk, top-k, decay, value bits and outer lr/μ are on-chain). */
export interface RoundRecipe {
  readonly inner: InnerOptimizer;
  /** Chunked DCT (DeMo) or chunks as they are (SparseLoCo's chunked top-k). */
  readonly transform: "dct" | "none";
  /** DeMo's sign descent, or SGD with the run's outer momentum (Nesterov; none is SparseLoCo's rule). */
  readonly outer: "sign" | "sgd";
  /** Decoupled weight decay of the outer step. */
  readonly weightDecay: number;
  /** Global gradient-norm limit per member (inner steps); 0 disables clipping. */
  readonly gradClip: number;
  readonly aggregation: AggregationRule;
}

/**
 * DeMo's round as Psyche runs it (the clipped gradient, the chunked DCT, sign descent), aggregated by the clipped mean:
 * the rule that bounds every attack bench:audit tries (BENCHMARKS.md); with sign values it is the plain mean.
 */
export const DEMO_ROUND: RoundRecipe = {
  inner: { kind: "gradient" },
  transform: "dct",
  outer: "sign",
  weightDecay: 0,
  gradClip: 1,
  aggregation: { kind: "clippedMean" },
};

export interface TrainingRecipe {
  readonly version: number;
  /** The transformer's shape (trainer/model/transformer.ts TransformerConfig). */
  readonly model: {
    readonly vocabSize: number;
    readonly contextLength: number;
    readonly layers: number;
    readonly heads: number;
    readonly width: number;
  };
  /** Seed of the initial weights. */
  readonly initSeed: number;
  /** Its `lr` must be the run's learning_rate and its `totalSteps` (when it has one) the run's total_steps. */
  readonly schedule: LrSchedule;
  readonly round: RoundRecipe;
}

/** `field` names the recipe field at fault (a path such as `model.layers`), so a config file can name its own key. */
const invalid = (reason: string, field?: string) =>
  new ConcordError(CONCORD_ERROR__TRAINER__INVALID_CONFIG, { what: "recipe", reason, field });

const isProbability = (v: unknown) => typeof v === "number" && v >= 0 && v < 1;

/** Checks a parsed recipe's fields (not against a run: see checkRecipeAgainstRun). */
export function validateRecipe(value: unknown): TrainingRecipe {
  const r = value as TrainingRecipe;
  if (typeof r !== "object" || r === null) throw invalid("not an object");
  if (r.version !== RECIPE_VERSION)
    throw invalid(`version ${String(r.version)}, this client reads ${RECIPE_VERSION}`, "version");
  const m = r.model as Record<string, unknown> | undefined;
  for (const k of ["vocabSize", "contextLength", "layers", "heads", "width"]) {
    const v = m?.[k];
    if (!Number.isInteger(v) || (v as number) < 1) throw invalid(`model.${k} must be a positive integer`, `model.${k}`);
  }
  if ((m!.width as number) % (m!.heads as number) !== 0)
    throw invalid("model.width must be a multiple of model.heads", "model.width");
  if (!Number.isInteger(r.initSeed) || r.initSeed < 0 || r.initSeed > 0xffffffff)
    throw invalid("initSeed must be a 32-bit unsigned integer", "initSeed");
  if (typeof r.schedule !== "object" || r.schedule === null) throw invalid("schedule missing", "schedule");
  validateLrSchedule(r.schedule);
  const d = r.round;
  if (typeof d !== "object" || d === null) throw invalid("round missing", "round");
  const inner = d.inner as { kind?: unknown } | undefined;
  if (inner?.kind !== "gradient" && inner?.kind !== "adamw")
    throw invalid(`round.inner.kind must be gradient or adamw`, "round.inner.kind");
  if (d.inner.kind === "adamw") {
    const a = d.inner;
    if (!isProbability(a.beta1)) throw invalid("round.inner.beta1 must be in [0, 1)", "round.inner.beta1");
    if (!isProbability(a.beta2)) throw invalid("round.inner.beta2 must be in [0, 1)", "round.inner.beta2");
    if (!(a.eps > 0 && Number.isFinite(a.eps))) throw invalid("round.inner.eps must be > 0", "round.inner.eps");
    if (!(a.weightDecay >= 0)) throw invalid("round.inner.weightDecay must be >= 0", "round.inner.weightDecay");
  }
  if (d.transform !== "dct" && d.transform !== "none")
    throw invalid(`round.transform must be dct or none`, "round.transform");
  if (d.outer !== "sign" && d.outer !== "sgd") throw invalid(`round.outer must be sign or sgd`, "round.outer");
  if (!(d.weightDecay >= 0)) throw invalid("round.weightDecay must be >= 0", "round.weightDecay");
  if (!(d.gradClip >= 0)) throw invalid("round.gradClip must be >= 0", "round.gradClip");
  if (typeof d.aggregation !== "object" || d.aggregation === null)
    throw invalid("round.aggregation missing", "round.aggregation");
  if (d.aggregation.kind === "trimmedMean" && !(Number.isInteger(d.aggregation.trim) && d.aggregation.trim >= 0))
    throw invalid("round.aggregation.trim must be a natural number", "round.aggregation.trim");
  return r;
}

/** The recipe's bytes as the chain commits to them. */
export function recipeBytes(recipe: TrainingRecipe): Uint8Array {
  return new TextEncoder().encode(canonicalJson(validateRecipe(recipe)));
}

/** sha256 of the canonical recipe: the run's model_hash. */
export function recipeHash(recipe: TrainingRecipe): Uint8Array {
  return sha256(recipeBytes(recipe));
}

/** Parses a recipe file's text. */
export function parseRecipe(json: string): TrainingRecipe {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw invalid("not JSON");
  }
  return validateRecipe(value);
}

/** Throws RECIPE_MISMATCH unless `recipe` is the one run `config` committed to and agrees with its fields. */
export function checkRecipeAgainstRun(recipe: TrainingRecipe, config: RunConfig): void {
  const fail = (reason: string) => new ConcordError(CONCORD_ERROR__TRAINER__RECIPE_MISMATCH, { reason });
  if (!Buffer.from(recipeHash(recipe)).equals(Buffer.from(config.modelHash)))
    throw fail("its sha256 is not the run's model_hash");
  if (Math.fround(recipe.schedule.lr) !== config.learningRate)
    throw fail(`schedule lr ${recipe.schedule.lr}, run learning_rate ${config.learningRate}`);
  if ("totalSteps" in recipe.schedule && BigInt(recipe.schedule.totalSteps) !== toBigInt(config.totalSteps))
    throw fail(`schedule totalSteps ${recipe.schedule.totalSteps}, run total_steps ${config.totalSteps.toString()}`);
  if (recipe.model.contextLength !== config.sequenceLength)
    throw fail(`model contextLength ${recipe.model.contextLength}, run sequence_length ${config.sequenceLength}`);
}
