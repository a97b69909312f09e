// A decoder-only transformer language model (GPT-2 style), the model a Concord run trains.
//
// The architecture of nanoGPT's model.py (Karpathy) and GPT-2 (Radford et al., 2019): token + learned position
// embedding, `layers` pre-LayerNorm blocks of causal multi-head self-attention and a 4x GELU MLP, a final LayerNorm,
// and logits through the token embedding again (tied weights). No biases and no dropout, as nanoGPT's small
// configurations. Every block goes through ModelOps (ops.ts), so faster kernels can be swapped in; this file holds
// only the architecture. Shapes in comments: B batch, T sequence, C width, nh heads, hs = C / nh, V vocabulary.
import * as tf from "@tensorflow/tfjs";
import { ConcordError } from "../../sdk/errors/concordError";
import { CONCORD_ERROR__TRAINER__INVALID_CONFIG } from "../../sdk/errors/codes";
import { fillNormal, mulberry32 } from "../../sdk/seededRandom";
import type { ModelOps } from "./ops";
import { defaultOps } from "./nativeOps";
import { shapeSize } from "../../sdk/shapeSize";

export interface TransformerConfig {
  /** Tokens in the vocabulary: 65 for tiny Shakespeare's characters, 256 for bytes. */
  readonly vocabSize: number;
  /** Longest sequence; each position up to it has a learned embedding. */
  readonly contextLength: number;
  /** Transformer blocks. */
  readonly layers: number;
  /** Attention heads per block; must divide `width`. */
  readonly heads: number;
  /** Embedding width (d_model). */
  readonly width: number;
}

/** nanoGPT's CPU "baby GPT" on tiny Shakespeare: 0.80M parameters. */
export const BABY_GPT: TransformerConfig = { vocabSize: 65, contextLength: 64, layers: 4, heads: 4, width: 128 };

/** Checks a configuration (positive integers, heads dividing width) and returns a clean copy. */
export function validateConfig(config: TransformerConfig): TransformerConfig {
  const keys = ["vocabSize", "contextLength", "layers", "heads", "width"] as const;
  const bad = (reason: string): never => {
    throw new ConcordError(CONCORD_ERROR__TRAINER__INVALID_CONFIG, { what: "transformer", reason });
  };
  for (const k of keys) {
    const v = config[k];
    if (!Number.isInteger(v) || v < 1 || v > 1 << 20) bad(`${k} must be an integer in 1..2^20, got ${String(v)}`);
  }
  if (config.width % config.heads !== 0) bad(`width ${config.width} is not a multiple of heads ${config.heads}`);
  return Object.fromEntries(keys.map((k) => [k, config[k]])) as unknown as TransformerConfig;
}

/** The configuration as JSON (what a run and a checkpoint record). */
export function configToJson(config: TransformerConfig): string {
  return JSON.stringify(validateConfig(config));
}

/** Parses and validates configToJson's output. */
export function configFromJson(json: string): TransformerConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new ConcordError(CONCORD_ERROR__TRAINER__INVALID_CONFIG, { what: "transformer", reason: "not JSON" });
  }
  if (typeof parsed !== "object" || parsed === null)
    throw new ConcordError(CONCORD_ERROR__TRAINER__INVALID_CONFIG, { what: "transformer", reason: "not an object" });
  return validateConfig(parsed as TransformerConfig);
}

export interface ParameterSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** Standard deviation of the normal initialisation; 0 means initialised to ones (LayerNorm gains). */
  readonly initStd: number;
  /** Whether weight decay applies (matrices yes, gains no: nanoGPT's rule of decaying tensors of rank >= 2). */
  readonly decay: boolean;
}

/** Parameters in their fixed order (the order of gradients, optimizer state and update tensors). */
export function parameterSpecs(config: TransformerConfig): ParameterSpec[] {
  const { vocabSize: V, contextLength, layers, width: C } = validateConfig(config);
  const std = 0.02;
  const projStd = 0.02 / Math.sqrt(2 * layers); // GPT-2: residual projections scaled by depth
  const matrix = (name: string, shape: number[], initStd = std) => ({ name, shape, initStd, decay: true });
  const gain = (name: string) => ({ name, shape: [C], initStd: 0, decay: false });
  const specs: ParameterSpec[] = [matrix("wte", [V, C]), matrix("wpe", [contextLength, C])];
  for (let l = 0; l < layers; l++)
    specs.push(
      gain(`h${l}.ln1.g`),
      matrix(`h${l}.attn.wqkv`, [C, 3 * C]),
      matrix(`h${l}.attn.wo`, [C, C], projStd),
      gain(`h${l}.ln2.g`),
      matrix(`h${l}.mlp.w1`, [C, 4 * C]),
      matrix(`h${l}.mlp.w2`, [4 * C, C], projStd),
    );
  specs.push(gain("lnf.g"));
  return specs;
}

export function countParameters(config: TransformerConfig): number {
  return parameterSpecs(config).reduce((n, s) => n + shapeSize(s.shape), 0);
}

export interface LossAndGradArrays {
  readonly loss: number;
  /** One per parameter, in parameter order, row-major. */
  readonly grads: Float32Array[];
}

/** Initial weights, bit-identical for a seed on every machine (drawn in parameter order). */
export function initialWeights(config: TransformerConfig, seed: number): Float32Array[] {
  const uniform = mulberry32(seed);
  return parameterSpecs(config).map((s) => {
    const w = new Float32Array(shapeSize(s.shape));
    return s.initStd === 0 ? w.fill(1) : fillNormal(w, uniform, s.initStd);
  });
}

export interface TransformerOptions {
  /** Seed of the initial weights (default 1337). */
  readonly seed?: number;
  /** Building blocks (default: nativeOps on wasm+native, else wasmOps). */
  readonly ops?: ModelOps;
}

export class Transformer {
  readonly config: TransformerConfig;
  readonly specs: readonly ParameterSpec[];
  /** Trainable variables, in specs order. */
  readonly params: readonly tf.Variable[];
  readonly ops: ModelOps;
  private readonly byName: ReadonlyMap<string, tf.Variable>;

  constructor(config: TransformerConfig, options: TransformerOptions = {}) {
    this.config = validateConfig(config);
    this.specs = parameterSpecs(this.config);
    this.ops = options.ops ?? defaultOps();
    const weights = initialWeights(this.config, options.seed ?? 1337);
    // tfjs names variables globally; leaving names to tfjs lets several models live in one process.
    this.params = this.specs.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(weights[i], [...s.shape]), true)));
    this.byName = new Map(this.specs.map((s, i) => [s.name, this.params[i]]));
  }

  private p<R extends tf.Rank>(name: string): tf.Tensor<R> {
    return this.byName.get(name) as unknown as tf.Tensor<R>;
  }

  /** Next-token logits (B*T, V) for int32 tokens (B, T), T <= contextLength. */
  logits(tokens: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const { layers, heads: nh, width: C } = this.config;
      const [B, T] = tokens.shape;
      const N = B * T;
      const o = this.ops;
      const tok = o.embed(tf.reshape(tokens, [N]), this.p("wte")); // (N, C)
      const pos = tf.slice(this.p<tf.Rank.R2>("wpe"), [0, 0], [T, C]); // (T, C)
      let x = tf.reshape(tf.add(tf.reshape(tok, [B, T, C]), pos), [N, C]) as tf.Tensor2D; // (N, C)
      for (let l = 0; l < layers; l++) {
        const h = o.layerNorm(x, this.p(`h${l}.ln1.g`));
        const qkv = o.matmul(h, this.p(`h${l}.attn.wqkv`)); // (N, 3C)
        const y = o.causalSelfAttention(qkv, B, nh); // (N, C), each head over its hs = C / nh columns
        x = tf.add(x, o.matmul(y, this.p(`h${l}.attn.wo`)));
        const mlp = o.gelu(o.matmul(o.layerNorm(x, this.p(`h${l}.ln2.g`)), this.p(`h${l}.mlp.w1`))); // (N, 4C)
        x = tf.add(x, o.matmul(mlp, this.p(`h${l}.mlp.w2`)));
      }
      return o.matmulBT(o.layerNorm(x, this.p("lnf.g")), this.p("wte")); // (N, V), tied embedding
    });
  }

  /** Mean cross-entropy of predicting targets (B, T) from tokens (B, T), both int32. */
  loss(tokens: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
    return tf.tidy(() => this.ops.crossEntropy(this.logits(tokens), tf.reshape(targets, [targets.size])));
  }

  /** Loss and gradients (in parameter order); the caller disposes them. */
  lossAndGrads(tokens: tf.Tensor2D, targets: tf.Tensor2D): { loss: tf.Scalar; grads: tf.Tensor[] } {
    const { value, grads } = tf.variableGrads(() => this.loss(tokens, targets), [...this.params]);
    return { loss: value, grads: this.params.map((p) => grads[p.name]) };
  }

  /**
   * lossAndGrads of a batch of `rows` windows given as token ids (row-major), read back as plain arrays: what a DeMo
   * worker compresses. The tensors are disposed.
   */
  lossAndGradArrays(batch: { inputs: Int32Array; targets: Int32Array }, rows: number): LossAndGradArrays {
    const shape: [number, number] = [rows, batch.inputs.length / rows];
    const [x, y] = [tf.tensor2d(batch.inputs, shape, "int32"), tf.tensor2d(batch.targets, shape, "int32")];
    const { loss, grads } = this.lossAndGrads(x, y);
    const result = { loss: loss.dataSync()[0], grads: grads.map((g) => g.dataSync() as Float32Array) };
    tf.dispose([x, y, loss, ...grads]);
    return result;
  }

  /** Copies of the current weights, in parameter order. */
  getWeights(): Float32Array[] {
    return this.params.map((p) => p.dataSync() as Float32Array).map((w) => Float32Array.from(w));
  }

  setWeights(weights: readonly Float32Array[]): void {
    this.params.forEach((p, i) => tf.tidy(() => p.assign(tf.tensor(weights[i], p.shape))));
  }

  dispose(): void {
    for (const p of this.params) p.dispose();
  }
}
