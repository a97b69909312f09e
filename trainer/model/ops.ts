// The model's building blocks (matmuls, GELU, LayerNorm, causal softmax, embedding, loss) and the optimizers' fused
// updates, behind one interface: the model file only calls these, so a faster set (native kernels) can replace them
// without touching it.
//
// wasmOps is written around measured tfjs-backend-wasm 4.22 behaviour (../shared/reference/tfjs-wasm):
// - BatchMatMul uses XNNPACK only without transposes and with batch 1; tf.matMul's own gradient (dy @ B^T, A^T @ dy)
//   falls into a scalar loop 10-25x slower. So matmuls carry a custom gradient with explicit tf.transpose, and
//   attention runs as one 2-D matmul per (batch, head) (fast only with the Slice patch, see backend/).
// - No UnsortedSegmentSum kernel, so tf.gather has no gradient: the embedding is one-hot @ table.
// - Tanh and Pow are slow scalar kernels: GELU's 0.5 (1 + tanh z) is written as the identical sigmoid(2z), x^3 as x*x*x.
import * as tf from "@tensorflow/tfjs";

/** AdamW hyper-parameters of one update; bc1/bc2 are the bias corrections 1 - beta^t. */
export interface AdamWStep {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** Decoupled weight decay for this tensor (0 for gains and other 1-D tensors). */
  readonly weightDecay: number;
  readonly bc1: number;
  readonly bc2: number;
  /** Multiplies the gradient first (global-norm clipping). */
  readonly gradScale: number;
}

export interface ModelOps {
  readonly name: string;
  /** (M, K) @ (K, N) */
  matmul(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D;
  /** (M, K) @ (N, K)^T */
  matmulBT(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D;
  /** (G, M, K) @ (G, K, N) */
  batchMatmul(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D;
  /** (G, M, K) @ (G, N, K)^T */
  batchMatmulBT(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D;
  /** GELU, tanh approximation (GPT-2). */
  gelu(x: tf.Tensor2D): tf.Tensor2D;
  /** LayerNorm over the last axis with a gain and no bias, eps 1e-5. */
  layerNorm(x: tf.Tensor2D, gain: tf.Tensor1D): tf.Tensor2D;
  /** softmax(scale * scores) over the last axis with positions after the query masked out. (G, T, T) */
  causalSoftmax(scores: tf.Tensor3D, scale: number): tf.Tensor3D;
  /**
   * Causal multi-head self-attention from the packed projections qkv (B*T, 3C) = [q | k | v] of `batch` sequences:
   * (B*T, C) with the heads merged back, scores scaled by 1/sqrt(C / heads).
   */
  causalSelfAttention(qkv: tf.Tensor2D, batch: number, heads: number): tf.Tensor2D;
  /** Rows of `table` (V, C) for int32 ids (N,). */
  embed(ids: tf.Tensor1D, table: tf.Tensor2D): tf.Tensor2D;
  /** Mean cross-entropy of logits (N, V) against int32 targets (N,). */
  crossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar;
  /** Sum of squares of a tensor, as a number (gradient clipping). */
  sumSquares(x: tf.Tensor): number;
  /** One AdamW update: new (param, m, v). */
  adamw(p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, step: AdamWStep): [tf.Tensor, tf.Tensor, tf.Tensor];
  /** DeMo's parameter step: p (1 - lr wd) - lr sign(direction). */
  signDescent(p: tf.Tensor, direction: tf.Tensor, lr: number, weightDecay: number): tf.Tensor;
}

const GELU_C = Math.sqrt(2 / Math.PI);

/** Additive causal masks (0 on and below the diagonal, -1e9 above), one per (length, backend), kept for reuse. */
const masks = new Map<string, tf.Tensor2D>();
function causalMask(t: number): tf.Tensor2D {
  const key = `${t}:${tf.getBackend()}`;
  let mask = masks.get(key);
  if (!mask) {
    const m = new Float32Array(t * t);
    for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) m[i * t + j] = -1e9;
    mask = tf.keep(tf.tensor2d(m, [t, t]));
    masks.set(key, mask);
  }
  return mask;
}

// 2-D matmul whose gradient uses explicit transposes and non-transposed matmuls.
const matmulFast = tf.customGrad((a, b, save) => {
  (save as tf.GradSaveFunc)([a as tf.Tensor2D, b as tf.Tensor2D]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy, saved) => {
      const [sa, sb] = saved as tf.Tensor2D[];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy as tf.Tensor2D)];
    },
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/** (G, M, K) @ (G, K, N) as G separate 2-D matmuls. */
function batchMatmulLoop(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  const [g, m, k] = a.shape;
  const n = b.shape[2];
  const out: tf.Tensor3D[] = [];
  for (let i = 0; i < g; i++) {
    const ai = tf.reshape(tf.slice(a, [i, 0, 0], [1, m, k]), [m, k]) as tf.Tensor2D;
    const bi = tf.reshape(tf.slice(b, [i, 0, 0], [1, k, n]), [k, n]) as tf.Tensor2D;
    out.push(tf.reshape(tf.matMul(ai, bi), [1, m, n]));
  }
  return tf.concat(out, 0);
}

const batchMatmulFast = tf.customGrad((a, b, save) => {
  (save as tf.GradSaveFunc)([a as tf.Tensor3D, b as tf.Tensor3D]);
  return {
    value: batchMatmulLoop(a as tf.Tensor3D, b as tf.Tensor3D),
    gradFunc: (dy, saved) => {
      const [sa, sb] = saved as tf.Tensor3D[];
      return [
        batchMatmulLoop(dy as tf.Tensor3D, tf.transpose(sb, [0, 2, 1])),
        batchMatmulLoop(tf.transpose(sa, [0, 2, 1]), dy as tf.Tensor3D),
      ];
    },
  };
}) as (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor3D;

function layerNorm(x: tf.Tensor2D, gain: tf.Tensor1D): tf.Tensor2D {
  const centered = tf.sub(x, tf.mean(x, -1, true));
  const variance = tf.mean(tf.square(centered), -1, true);
  return tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, 1e-5))), gain);
}

function crossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  const logProbs = tf.logSoftmax(logits, -1);
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(targets, logits.shape[1]), logProbs), -1))) as tf.Scalar;
}

function adamw(
  p: tf.Tensor,
  g: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  s: AdamWStep,
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const gs = tf.mul(g, s.gradScale);
  const m1 = tf.add(tf.mul(m, s.beta1), tf.mul(gs, 1 - s.beta1));
  const v1 = tf.add(tf.mul(v, s.beta2), tf.mul(tf.square(gs), 1 - s.beta2));
  let update = tf.div(tf.div(m1, s.bc1), tf.add(tf.sqrt(tf.div(v1, s.bc2)), s.eps));
  if (s.weightDecay !== 0) update = tf.add(update, tf.mul(p, s.weightDecay));
  return [tf.sub(p, tf.mul(update, s.lr)), m1, v1];
}

/** causalSelfAttention through the set's own batched matmuls and softmax: heads split out and merged by transposes. */
function splitHeadsAttention(this: ModelOps, qkv: tf.Tensor2D, batch: number, heads: number): tf.Tensor2D {
  const [N, C3] = qkv.shape;
  const [B, T, C, nh] = [batch, N / batch, C3 / 3, heads];
  const hs = C / nh;
  // (N, C) -> (B, T, nh, hs) -> (B, nh, T, hs) -> (B*nh, T, hs)
  const toHeads = (t: tf.Tensor) =>
    tf.reshape(tf.transpose(tf.reshape(t, [B, T, nh, hs]), [0, 2, 1, 3]), [B * nh, T, hs]) as tf.Tensor3D;
  const [q, k, v] = tf.split(qkv, 3, 1).map(toHeads);
  const att = this.causalSoftmax(this.batchMatmulBT(q, k), 1 / Math.sqrt(hs)); // (B*nh, T, T)
  const y = this.batchMatmul(att, v); // (B*nh, T, hs)
  return tf.reshape(tf.transpose(tf.reshape(y, [B, nh, T, hs]), [0, 2, 1, 3]), [N, C]) as tf.Tensor2D;
}

const shared = {
  causalSelfAttention: splitHeadsAttention,
  causalSoftmax: (scores: tf.Tensor3D, scale: number) =>
    tf.softmax(tf.add(tf.mul(scores, scale), causalMask(scores.shape[1]))) as tf.Tensor3D,
  layerNorm,
  crossEntropy,
  adamw,
  sumSquares: (x: tf.Tensor) => tf.tidy(() => tf.sum(tf.square(x)).dataSync()[0]),
  signDescent: (p: tf.Tensor, direction: tf.Tensor, lr: number, weightDecay: number) =>
    tf.sub(weightDecay === 0 ? p : tf.mul(p, 1 - lr * weightDecay), tf.mul(tf.sign(direction), lr)),
};

/** The matmuls as plain tf.matMul with transpose flags (tfjs's own gradients): stockOps, and nativeOps, whose
 * native BatchMatMul kernel makes them fast. */
export const tfMatmuls: Pick<ModelOps, "matmul" | "matmulBT" | "batchMatmul" | "batchMatmulBT"> = {
  matmul: (a, b) => tf.matMul(a, b),
  matmulBT: (a, b) => tf.matMul(a, b, false, true),
  batchMatmul: (a, b) => tf.matMul(a, b),
  batchMatmulBT: (a, b) => tf.matMul(a, b, false, true),
};

/** The default set, tuned for tfjs-backend-wasm; correct on every backend. */
export const wasmOps: ModelOps = {
  name: "wasm-tuned",
  ...shared,
  matmul: matmulFast,
  matmulBT: (a, b) => matmulFast(a, tf.transpose(b)),
  batchMatmul: batchMatmulFast,
  batchMatmulBT: (a, b) => batchMatmulFast(a, tf.transpose(b, [0, 2, 1])),
  gelu: (x) => tf.mul(x, tf.sigmoid(tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), 2 * GELU_C))),
  embed: (ids, table) => matmulFast(tf.oneHot(ids, table.shape[0]) as tf.Tensor2D, table),
};

/**
 * What a plain tfjs program would write: tf.matMul with transpose flags and its own gradients, one batched matmul
 * for attention, tanh-GELU. The benchmark compares it with wasmOps (with the stock Slice kernel put back).
 * The embedding stays one-hot: tf.gather cannot be trained on wasm at all.
 */
export const stockOps: ModelOps = {
  name: "stock",
  ...shared,
  ...tfMatmuls,
  gelu: (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), GELU_C)))),
  embed: (ids, table) => tf.matMul(tf.oneHot(ids, table.shape[0]), table),
};
