// AdamW (Loshchilov & Hutter) with global-norm clipping and decoupled weight decay on matrices only: the baseline
// optimizer a DeMo run is measured against, the way nanoGPT trains. The arithmetic is ModelOps.adamw (fusable).
import * as tf from "@tensorflow/tfjs";
import type { ModelOps } from "../model/ops";
import { clipScale } from "./gradClip";

export interface AdamWConfig {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** Applied to tensors whose decay flag is set. */
  readonly weightDecay: number;
  /** Global gradient-norm limit; 0 disables clipping. */
  readonly gradClip: number;
}

/** nanoGPT's Shakespeare settings: betas (0.9, 0.99), weight decay 0.1, clip 1.0. */
export const NANOGPT_ADAMW: AdamWConfig = { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, gradClip: 1.0 };

export interface AdamWState {
  readonly m: readonly Float32Array[];
  readonly v: readonly Float32Array[];
  readonly t: number;
}

export class AdamW {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;

  constructor(
    private readonly params: readonly tf.Variable[],
    private readonly decay: readonly boolean[],
    private readonly config: AdamWConfig,
    private readonly ops: ModelOps,
  ) {
    this.m = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
    this.v = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
  }

  /** Applies one step for `grads` (parameter order) at rate `lr`; returns the gradient norm before clipping. */
  step(grads: readonly tf.Tensor[], lr: number): number {
    const { beta1, beta2, eps, weightDecay, gradClip } = this.config;
    this.t++;
    const norm = Math.sqrt(grads.reduce((s, g) => s + this.ops.sumSquares(g), 0));
    const gradScale = clipScale(norm, gradClip);
    const bc1 = 1 - beta1 ** this.t;
    const bc2 = 1 - beta2 ** this.t;
    const step = { lr, beta1, beta2, eps, bc1, bc2, gradScale };
    tf.tidy(() =>
      this.params.forEach((p, i) => {
        const weightDecayHere = this.decay[i] ? weightDecay : 0;
        const [p1, m1, v1] = this.ops.adamw(p, grads[i], this.m[i], this.v[i], {
          ...step,
          weightDecay: weightDecayHere,
        });
        p.assign(p1);
        this.m[i].assign(m1);
        this.v[i].assign(v1);
      }),
    );
    return norm;
  }

  /** Copies of the moments and the step count, to put back with restore(). */
  saveState(): AdamWState {
    const read = (xs: tf.Variable[]) => xs.map((x) => Float32Array.from(x.dataSync() as Float32Array));
    return { m: read(this.m), v: read(this.v), t: this.t };
  }

  restore(state: AdamWState): void {
    tf.tidy(() => {
      this.m.forEach((x, i) => x.assign(tf.tensor(state.m[i], x.shape)));
      this.v.forEach((x, i) => x.assign(tf.tensor(state.v[i], x.shape)));
    });
    this.t = state.t;
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
}
