// DeMo (Peng, Quesnelle, Kingma: "Decoupled Momentum Optimization", 2024), as Psyche's DisTrO runs it. Per tensor,
// each trainer keeps a momentum, sends only the k largest DCT coefficients of every chunk of it, and removes what it
// sent from it; every trainer then applies the same aggregate of all accepted updates: inverse DCT, sign(), SGD.
//
//   worker:  m <- decay * m + s * g            (g clipped by global norm; s = lr / peak lr, see below)
//            q <- topk_per_chunk(DCT(m))       (sent, quantized to the run's value format)
//            m <- m - IDCT(q)                  (the unquantized selection: only the unsent part stays)
//   all:     U <- IDCT(aggregate(q_1 .. q_n)); p <- p (1 - lr wd) - lr sign(U)
//
// The momentum is kept in the DCT domain (m^ = DCT(m)): the chunked transform is orthonormal and tiles tensors
// exactly, so this is the same recurrence with one transform per step instead of three. Psyche accumulates lr * g;
// we accumulate (lr / peak lr) * g, the same direction scaled by a constant, which keeps values in float16's range.
import * as tf from "@tensorflow/tfjs";
import { chunkLayout } from "../../sdk/demo/chunkLayout";
import type { ChunkLayout } from "../../sdk/demo/chunkLayout";
import type { ChunkedDct } from "../../sdk/demo/chunkedDct";
import type { TopKSelector } from "../../sdk/demo/topK";
import { planUpdateLayout, selectCoefficients } from "../../sdk/demo/compress";
import type { AggregationRule } from "../../sdk/demo/aggregate";
import { aggregateUpdates } from "../../sdk/demo/aggregate";
import type { SparseTensor, SparseUpdate, ValueFormat } from "../../sdk/demo/sparseUpdate";
import type { UpdateLayout } from "../../sdk/codec/updateCodec";
import { ConcordError } from "../../sdk/errors/concordError";
import { CONCORD_ERROR__TRAINER__INVALID_CONFIG, CONCORD_ERROR__TRAINER__NON_FINITE } from "../../sdk/errors/codes";
import type { ModelOps } from "../model/ops";
import { defaultChunkedDct } from "../native/nativeDct";
import { defaultTopK } from "../native/nativeTopK";
import { clipScale, globalNorm } from "./gradClip";

export interface DemoConfig {
  /** Target chunk side (64: 64x64 tiles for matrices, runs of 64 for vectors). */
  readonly chunk: number;
  /** Coefficients sent per chunk. */
  readonly topK: number;
  /** Momentum decay per step. */
  readonly decay: number;
  /** Value format on the wire: "sign" is 1 bit per value. */
  readonly format: ValueFormat;
  /** Decoupled weight decay (tensors with their decay flag). */
  readonly weightDecay: number;
  /** Global gradient-norm limit per worker; 0 disables clipping. */
  readonly gradClip: number;
  readonly aggregation: AggregationRule;
}

/** Psyche's Consilience-40B settings (top-4, chunk 64, decay 0.995, 1-bit), our defaults for the rest. */
export const PSYCHE_DEMO: DemoConfig = {
  chunk: 64,
  topK: 4,
  decay: 0.995,
  format: "sign",
  weightDecay: 0,
  gradClip: 1,
  aggregation: { kind: "mean" },
};

export function validateDemoConfig(c: DemoConfig): DemoConfig {
  const bad = (reason: string): never => {
    throw new ConcordError(CONCORD_ERROR__TRAINER__INVALID_CONFIG, { what: "DeMo", reason });
  };
  if (!Number.isInteger(c.chunk) || c.chunk < 1 || c.chunk > 0xffff) bad(`chunk ${c.chunk} outside 1..65535`);
  if (!Number.isInteger(c.topK) || c.topK < 1) bad(`topK ${c.topK} must be a positive integer`);
  if (!(c.decay >= 0 && c.decay <= 1)) bad(`decay ${c.decay} outside [0, 1]`);
  if (!(c.weightDecay >= 0 && c.gradClip >= 0)) bad(`weightDecay and gradClip must be >= 0`);
  if (!["f32", "f16", "sign"].includes(c.format)) bad(`unknown value format ${String(c.format)}`);
  return c;
}

/** One trainer's DeMo state: its momentum, in the DCT domain. */
export class DemoWorker {
  readonly layout: UpdateLayout;
  private readonly chunks: ChunkLayout[];
  private readonly momentum: Float32Array[];
  /** Scratch for each tensor's DCT coefficients, reused every step. */
  private readonly coef: Float32Array[];

  /**
   * `transform` and `topK`: the chunked DCT and top-k implementations (default: native when the addon loads; the
   * same bits either way).
   */
  constructor(
    shapes: readonly (readonly number[])[],
    private readonly config: DemoConfig,
    private readonly transform: ChunkedDct = defaultChunkedDct(),
    private readonly topK: TopKSelector = defaultTopK(),
  ) {
    validateDemoConfig(config);
    this.layout = planUpdateLayout(shapes, config.chunk, config.topK, config.format);
    this.chunks = shapes.map((s) => chunkLayout(s, config.chunk));
    this.momentum = this.chunks.map((c) => new Float32Array(c.size));
    this.coef = this.chunks.map((c) => new Float32Array(c.size));
  }

  /**
   * Folds this step's gradients (parameter order, row-major) into the momentum at `lrScale` (lr / peak lr), and
   * returns the update to send; the sent part leaves the momentum.
   */
  step(grads: readonly Float32Array[], lrScale: number): SparseUpdate {
    const norm = globalNorm(grads);
    if (!Number.isFinite(norm))
      throw new ConcordError(CONCORD_ERROR__TRAINER__NON_FINITE, { what: "gradient", reason: `global norm ${norm}` });
    const s = lrScale * clipScale(norm, this.config.gradClip);
    const decay = this.config.decay;
    const tensors: SparseTensor[] = grads.map((g, i) => {
      const layout = this.chunks[i];
      const { k } = this.layout.tensors[i];
      const m = this.momentum[i];
      const coef = this.transform.forward(g, layout, this.coef[i]);
      for (let j = 0; j < m.length; j++) m[j] = decay * m[j] + s * coef[j];
      const { sparse } = selectCoefficients(m, layout, k, this.config.format, this.topK);
      // Subtracting the unquantized selection from a DCT-domain momentum zeroes those coefficients exactly.
      for (let j = 0; j < sparse.indices.length; j++) m[Math.floor(j / k) * layout.chunkLen + sparse.indices[j]] = 0;
      return sparse;
    });
    return { format: this.config.format, tensors };
  }

  /** Copies of the momentum (DCT domain), for checkpoints and tests. */
  momentumState(): Float32Array[] {
    return this.momentum.map((m) => Float32Array.from(m));
  }
}

/**
 * Applies the aggregate of `updates` (same layout, a fixed order every trainer agrees on) to the parameters:
 * p <- p (1 - lr wd) - lr sign(U). Weight decay applies where `decay` is set.
 */
export function applyDemoUpdates(
  params: readonly tf.Variable[],
  decay: readonly boolean[],
  updates: readonly SparseUpdate[],
  lr: number,
  config: DemoConfig,
  ops: ModelOps,
  transform: ChunkedDct = defaultChunkedDct(),
): void {
  const directions = aggregateUpdates(updates, config.aggregation, transform);
  tf.tidy(() =>
    params.forEach((p, i) => {
      const u = tf.tensor(directions[i], p.shape);
      p.assign(ops.signDescent(p, u, lr, decay[i] ? config.weightDecay : 0));
    }),
  );
}
