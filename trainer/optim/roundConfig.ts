// How a round turns members' work into one step of the shared model. One protocol covers both kinds of round the
// field uses, as settings of the same code:
//
//   member:  from the round's shared parameters p0, run H inner steps on its assigned rows
//              gradient: Δ = s · clip(mean of the H batches' gradients)     (DeMo: H = 1, s = lr / peak lr)
//              adamw:    H AdamW steps at the schedule's rate, Δ = p0 − p_H  (DiLoCo's pseudo-gradient)
//            e <- decay · e + T(Δ)          (error feedback: DeMo's momentum; T = chunked DCT or the identity)
//            q <- topk_per_chunk(e) quantized to the run's value format; e <- e − what was sent
//   all:     U <- T⁻¹(aggregate(q_1 .. q_n))
//              sign: p <- p (1 − η wd) − η sign(U)                        (DeMo, η = outer lr · lr / peak lr)
//              sgd:  v <- μ v + U;  p <- p (1 − η wd) − η (U + μ v)       (Nesterov; μ = 0 is SparseLoCo's rule)
//
// The on-chain RunConfig holds the numbers the program bounds (H, chunk, k, decay, value bits, outer lr and
// momentum); the run's recipe (committed by its hash) holds the choices (inner optimizer, transform, outer rule).
import type { AggregationRule } from "../../sdk/demo/aggregate";
import type { ValueFormat } from "../../sdk/demo/sparseUpdate";
import { ConcordError } from "../../sdk/errors/concordError";
import { CONCORD_ERROR__TRAINER__INVALID_CONFIG } from "../../sdk/errors/codes";
import type { InnerOptimizer } from "../../sdk/trainingRecipe";

export interface RoundConfig {
  /** H: inner steps per round. */
  readonly innerSteps: number;
  readonly inner: InnerOptimizer;
  /** Chunked DCT (DeMo) or chunks as they are (SparseLoCo's chunked top-k). */
  readonly transform: "dct" | "none";
  /** Target chunk side (64: 64x64 tiles for matrices, runs of 64 for vectors). */
  readonly chunk: number;
  /** Entries sent per chunk: the density is topK / chunk length. */
  readonly topK: number;
  /** Error-feedback decay per round (DeMo's momentum decay). */
  readonly decay: number;
  /** Value format on the wire: "sign" is 1 bit per value, "q2" 2 bits with a scale per chunk. */
  readonly format: ValueFormat;
  readonly outer: "sign" | "sgd";
  /** η of the outer step ("sign": at the schedule's peak; it follows lr / peak lr). */
  readonly outerLr: number;
  /** μ of the outer step's Nesterov momentum ("sgd" only). */
  readonly outerMomentum: number;
  /** Decoupled weight decay of the outer step (tensors with their decay flag). */
  readonly weightDecay: number;
  /** Global gradient-norm limit per member; 0 disables clipping. */
  readonly gradClip: number;
  readonly aggregation: AggregationRule;
}

/** Psyche's Consilience-40B settings (top-4, chunk 64, decay 0.995, 1-bit, one step per round), ours for the rest. */
export const PSYCHE_DEMO: RoundConfig = {
  innerSteps: 1,
  inner: { kind: "gradient" },
  transform: "dct",
  chunk: 64,
  topK: 4,
  decay: 0.995,
  format: "sign",
  outer: "sign",
  outerLr: 1,
  outerMomentum: 0,
  weightDecay: 0,
  gradClip: 1,
  aggregation: { kind: "clippedMean" },
};

export function validateRoundConfig(c: RoundConfig): RoundConfig {
  const bad = (reason: string): never => {
    throw new ConcordError(CONCORD_ERROR__TRAINER__INVALID_CONFIG, { what: "round", reason });
  };
  if (!Number.isInteger(c.innerSteps) || c.innerSteps < 1) bad(`innerSteps ${c.innerSteps} must be >= 1`);
  if (c.inner?.kind !== "gradient" && c.inner?.kind !== "adamw") bad(`unknown inner optimizer`);
  if (c.inner.kind === "adamw") {
    const { beta1, beta2, eps, weightDecay } = c.inner;
    if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) bad(`AdamW betas must be in [0, 1)`);
    if (!(eps > 0) || !(weightDecay >= 0)) bad(`AdamW eps must be > 0 and weightDecay >= 0`);
  }
  if (c.transform !== "dct" && c.transform !== "none") bad(`unknown transform ${String(c.transform)}`);
  if (!Number.isInteger(c.chunk) || c.chunk < 1 || c.chunk > 0xffff) bad(`chunk ${c.chunk} outside 1..65535`);
  if (!Number.isInteger(c.topK) || c.topK < 1) bad(`topK ${c.topK} must be a positive integer`);
  if (!(c.decay >= 0 && c.decay <= 1)) bad(`decay ${c.decay} outside [0, 1]`);
  if (!["f32", "f16", "sign", "q2"].includes(c.format)) bad(`unknown value format ${String(c.format)}`);
  if (c.outer !== "sign" && c.outer !== "sgd") bad(`unknown outer rule ${String(c.outer)}`);
  if (!(c.outerLr > 0 && Number.isFinite(c.outerLr))) bad(`outerLr ${c.outerLr} must be positive`);
  if (!(c.outerMomentum >= 0 && c.outerMomentum < 1)) bad(`outerMomentum ${c.outerMomentum} outside [0, 1)`);
  if (!(c.weightDecay >= 0 && c.gradClip >= 0)) bad(`weightDecay and gradClip must be >= 0`);
  return c;
}

/**
 * The outer step's rate for a round whose schedule is at `lrScale` (lr / peak lr). Sign descent has no magnitude of
 * its own, so the schedule lives in its rate; a pseudo-gradient already carries the inner schedule's decay.
 */
export function outerRate(c: RoundConfig, lrScale: number): number {
  return c.outer === "sign" ? c.outerLr * lrScale : c.outerLr;
}
