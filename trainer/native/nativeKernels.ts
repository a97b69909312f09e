// The native kernel set on tfjs-backend-wasm: kernels that read and write tensors in place on the wasm heap through
// the addon, so tfjs keeps its autograd and our model and optimizers stay tfjs code.
//
// Replaced stock kernels (removeNativeKernels() puts the stock ones back, for side-by-side benchmarks):
//   BatchMatMul, _FusedMatMul  OpenBLAS sgemm with transpose flags and batch broadcasting (stock wasm runs
//                              transposed or batched matmuls in a slow scalar loop)
//   Identity                   shares the buffer (as the cpu backend does) instead of copying it: tfjs clones
//                              every tensor it saves for a gradient, and stock wasm copied each one
//   SplitV, Concat             row copies (stock SplitV on an inner axis copies the whole input per piece)
// Concord kernels, with gradients (nativeOps in trainer/model/nativeOps.ts calls them):
//   ConcordGelu, ConcordLayerNorm, ConcordCausalSoftmax, ConcordAttention (causal self-attention straight from the
//   packed qkv projection, heads addressed by BLAS leading dimensions: no split or transposes), ConcordCrossEntropy,
//   ConcordEmbedding, and the optimizer steps ConcordAdamW and ConcordSignDescent, which update a variable in place
//   when nothing else shares its buffer.
import * as tf from "@tensorflow/tfjs";
import { ConcordError } from "../../sdk/errors/concordError";
import { CONCORD_ERROR__TRAINER__WASM_INTERNALS_CHANGED } from "../../sdk/errors/codes";
import type { NativeAddon } from "./nativeAddon";
import type { WasmBackend } from "./wasmHeap";
import { heapAndOffsets, REPLACED_WASM_KERNELS, shareBuffer, sharers, wasmInternalsProblems } from "./wasmHeap";
import { shapeSize as size } from "../../sdk/shapeSize";

/** Name and version of this kernel set, recorded in receipts (with the addon's source hash and BLAS core). */
export const NATIVE_KERNEL_SET = "concord-native";

type KernelArgs = { inputs: Record<string, tf.TensorInfo>; backend: WasmBackend; attrs: Record<string, unknown> };
type Kernel = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

/** Runs a kernel by name (the Concord kernels have no tfjs op of their own). */
export const runKernel = <T extends tf.Tensor | tf.Tensor[] = tf.Tensor>(
  name: string,
  inputs: tf.NamedTensorMap,
  attrs: object = {},
) => tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as T;

/** A tensor seen as rows of its last axis: [rows, cols]. */
const lastAxis = (t: tf.TensorInfo) => {
  const cols = t.shape[t.shape.length - 1];
  return [size(t.shape) / cols, cols];
};

let addon: NativeAddon | null = null;
const stock = new Map<string, tf.KernelConfig>();

/** Whether the replaced stock kernels are currently the native ones. */
export function nativeKernelsInstalled(): boolean {
  return stock.size > 0;
}

/**
 * Registers the Concord kernels (once) and replaces the stock ones; idempotent. Throws WASM_INTERNALS_CHANGED, and
 * installs nothing, unless the active backend is the wasm backend the kernels were written for.
 */
export function installNativeKernels(native: NativeAddon): void {
  const problems = wasmInternalsProblems();
  if (problems.length > 0)
    throw new ConcordError(CONCORD_ERROR__TRAINER__WASM_INTERNALS_CHANGED, { reason: problems.join("; ") });
  if (!addon) registerConcordKernels();
  addon = native;
  if (stock.size > 0) return;
  const replacements: Record<(typeof REPLACED_WASM_KERNELS)[number], (orig: tf.KernelConfig) => Kernel> = {
    BatchMatMul: batchMatMulKernel,
    _FusedMatMul: fusedMatMulKernel,
    Identity: identityKernel,
    SplitV: splitKernel,
    Concat: concatKernel,
  };
  for (const name of REPLACED_WASM_KERNELS) {
    const orig = tf.getKernel(name, "wasm");
    stock.set(name, orig);
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel({ kernelName: name, backendName: "wasm", kernelFunc: replacements[name](orig) as never });
  }
}

/** Puts the stock kernels back (the Concord kernels stay registered but nothing calls them then). */
export function removeNativeKernels(): void {
  for (const [name, orig] of stock) {
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel(orig);
  }
  stock.clear();
}

/** The addon the kernels run on (set by installNativeKernels before any kernel can run). */
export function installedAddon(): NativeAddon {
  return addon as NativeAddon;
}

const fallback = (orig: tf.KernelConfig, args: KernelArgs) => orig.kernelFunc(args as never);

/** C = op(A) op(B) with numpy-style broadcasting of the batch dimensions; null when not float32 rank >= 2. */
function matMul(backend: WasmBackend, a: tf.TensorInfo, b: tf.TensorInfo, tA: boolean, tB: boolean) {
  const ar = a.shape.length;
  const br = b.shape.length;
  if (a.dtype !== "float32" || b.dtype !== "float32" || ar < 2 || br < 2) return null;
  const [m, k] = tA ? [a.shape[ar - 1], a.shape[ar - 2]] : [a.shape[ar - 2], a.shape[ar - 1]];
  const [kb, n] = tB ? [b.shape[br - 1], b.shape[br - 2]] : [b.shape[br - 2], b.shape[br - 1]];
  if (k !== kb) return null; // the stock kernel reports the mismatch
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const outBatch = tf.broadcast_util.assertAndGetBroadcastShape(aBatch, bBatch);
  const out = backend.makeOutput([...outBatch, m, n], "float32");
  const batches = size(outBatch);
  if (batches * m * n === 0) return out;
  const [heap, ao, bo, co] = heapAndOffsets(backend, a, b, out); // after makeOutput, which may grow the heap
  const lda = Math.max(1, a.shape[ar - 1]); // an empty row still needs a leading dimension of 1 for BLAS
  const ldb = Math.max(1, b.shape[br - 1]);
  const [na, nb] = [size(aBatch), size(bBatch)];
  const gemm = (aOff: number, sa: number, bOff: number, sb: number, cOff: number, count: number) =>
    installedAddon().sgemm(heap, tA, tB, m, n, k, aOff, lda, sa, bOff, ldb, sb, cOff, n, m * n, count);
  if ((na === batches || na === 1) && (nb === batches || nb === 1)) {
    gemm(ao, na === 1 ? 0 : m * k, bo, nb === 1 ? 0 : k * n, co, batches);
    return out;
  }
  // General broadcasting (e.g. [2,1] x [1,3] batches): one gemm per output matrix.
  const outStrides = [...tf.util.computeStrides(outBatch), 1];
  const index = (shape: readonly number[], i: number) => {
    let flat = 0;
    const lead = outBatch.length - shape.length;
    for (let d = 0; d < shape.length; d++) {
      const coord = Math.floor(i / outStrides[d + lead]) % outBatch[d + lead];
      flat = flat * shape[d] + (shape[d] === 1 ? 0 : coord);
    }
    return flat;
  };
  for (let i = 0; i < batches; i++)
    gemm(ao + index(aBatch, i) * m * k, 0, bo + index(bBatch, i) * k * n, 0, co + i * m * n, 1);
  return out;
}

function batchMatMulKernel(orig: tf.KernelConfig): Kernel {
  return (args) => {
    const { a, b } = args.inputs;
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    return matMul(args.backend, a, b, transposeA, transposeB) ?? fallback(orig, args);
  };
}

function fusedMatMulKernel(orig: tf.KernelConfig): Kernel {
  return (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs;
    const { transposeA, transposeB, activation } = args.attrs as {
      transposeA: boolean;
      transposeB: boolean;
      activation?: string;
    };
    const act = activation ?? "linear";
    const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
    const biasLen = bias ? size(bias.shape) : 0;
    const biasOk = !bias || (bias.dtype === "float32" && (biasLen === 1 || (biasLen === n && bias.shape.at(-1) === n)));
    if (preluActivationWeights || !biasOk || (act !== "linear" && act !== "relu")) return fallback(orig, args);
    const out = matMul(args.backend, a, b, transposeA, transposeB);
    if (!out) return fallback(orig, args);
    const total = size(out.shape);
    if ((bias || act === "relu") && total > 0) {
      const [heap, outOff, biasOff = 0] = heapAndOffsets(args.backend, out, ...(bias ? [bias] : []));
      installedAddon().biasAct(heap, outOff, total, biasOff, biasLen, act === "relu");
    }
    return out;
  };
}

function identityKernel(orig: tf.KernelConfig): Kernel {
  return (args) => {
    const { x } = args.inputs;
    if (x.dtype === "string" || x.dtype === "complex64") return fallback(orig, args);
    return shareBuffer(args.backend, x);
  };
}

function splitKernel(orig: tf.KernelConfig): Kernel {
  return (args) => {
    const { x } = args.inputs;
    const { numOrSizeSplits, axis } = args.attrs as { numOrSizeSplits: number | number[]; axis: number };
    if (x.dtype === "string" || x.dtype === "complex64") return fallback(orig, args);
    const ax = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, ax);
    const outer = size(x.shape.slice(0, ax));
    const inner = size(x.shape.slice(ax + 1));
    const rowIn = x.shape[ax] * inner;
    const outs = sizes.map((s) =>
      args.backend.makeOutput(
        x.shape.map((d, i) => (i === ax ? s : d)),
        x.dtype,
      ),
    );
    const src = args.backend.typedArrayFromHeap(x); // views after every makeOutput
    let start = 0;
    outs.forEach((o, j) => {
      const dst = args.backend.typedArrayFromHeap(o);
      const w = sizes[j] * inner;
      for (let r = 0; r < outer; r++) dst.set(src.subarray(r * rowIn + start, r * rowIn + start + w), r * w);
      start += w;
    });
    return outs;
  };
}

function concatKernel(orig: tf.KernelConfig): Kernel {
  return (args) => {
    const inputs = Object.values(args.inputs);
    const { axis } = args.attrs as { axis: number };
    const parts = inputs.filter((t) => size(t.shape) > 0);
    const dtype = parts[0]?.dtype;
    if (!dtype || dtype === "string" || dtype === "complex64" || parts.some((t) => t.dtype !== dtype))
      return fallback(orig, args);
    const ax = tf.util.parseAxisParam(axis, parts[0].shape)[0];
    const outShape = tf.backend_util.computeOutShape(
      parts.map((t) => t.shape),
      ax,
    );
    const out = args.backend.makeOutput(outShape, dtype);
    const dst = args.backend.typedArrayFromHeap(out);
    const outer = size(outShape.slice(0, ax));
    const rowOut = size(outShape.slice(ax));
    let start = 0;
    for (const t of parts) {
      const src = args.backend.typedArrayFromHeap(t);
      const w = size(t.shape.slice(ax));
      for (let r = 0; r < outer; r++) dst.set(src.subarray(r * w, (r + 1) * w), r * rowOut + start);
      start += w;
    }
    return out;
  };
}

function register(name: string, kernelFunc: Kernel): void {
  if (!tf.getKernel(name, "wasm"))
    tf.registerKernel({ kernelName: name, backendName: "wasm", kernelFunc: kernelFunc as never });
}

function registerConcordKernels(): void {
  const n = installedAddon;
  register("ConcordGelu", ({ inputs: { x }, backend }) => {
    const y = backend.makeOutput(x.shape, "float32");
    const [h, xo, yo] = heapAndOffsets(backend, x, y);
    n().gelu(h, xo, yo, size(x.shape));
    return y;
  });
  register("ConcordGeluGrad", ({ inputs: { x, dy }, backend }) => {
    const dx = backend.makeOutput(x.shape, "float32");
    const [h, xo, dyo, dxo] = heapAndOffsets(backend, x, dy, dx);
    n().geluGrad(h, xo, dyo, dxo, size(x.shape));
    return dx;
  });
  tf.registerGradient({
    kernelName: "ConcordGelu",
    inputsToSave: ["x"],
    gradFunc: (dy, [x]) => ({ x: () => runKernel("ConcordGeluGrad", { x, dy: dy as tf.Tensor }) as tf.Tensor }),
  });

  register("ConcordLayerNorm", ({ inputs: { x, gain }, backend, attrs }) => {
    const [rows, cols] = lastAxis(x);
    const y = backend.makeOutput(x.shape, "float32");
    const [h, xo, go, yo] = heapAndOffsets(backend, x, gain, y);
    n().layerNorm(h, xo, go, yo, rows, cols, attrs.eps as number);
    return y;
  });
  register("ConcordLayerNormGrad", ({ inputs: { x, gain, dy }, backend, attrs }) => {
    const [rows, cols] = lastAxis(x);
    const dx = backend.makeOutput(x.shape, "float32");
    const dg = backend.makeOutput(gain.shape, "float32");
    const [h, xo, go, dyo, dxo, dgo] = heapAndOffsets(backend, x, gain, dy, dx, dg);
    n().layerNormGrad(h, xo, go, dyo, dxo, dgo, rows, cols, attrs.eps as number);
    return [dx, dg];
  });
  tf.registerGradient({
    kernelName: "ConcordLayerNorm",
    inputsToSave: ["x", "gain"],
    gradFunc: (dy, [x, gain], attrs) => {
      // one kernel call gives both gradients; the thunks only hand them out
      const [dx, dg] = runKernel("ConcordLayerNormGrad", { x, gain, dy: dy as tf.Tensor }, attrs) as tf.Tensor[];
      return { x: () => dx, gain: () => dg };
    },
  });

  register("ConcordCausalSoftmax", ({ inputs: { x }, backend, attrs }) => {
    const [rows, t] = lastAxis(x);
    const y = backend.makeOutput(x.shape, "float32");
    const [h, xo, yo] = heapAndOffsets(backend, x, y);
    n().causalSoftmax(h, xo, yo, rows, t, attrs.scale as number);
    return y;
  });
  register("ConcordCausalSoftmaxGrad", ({ inputs: { y, dy }, backend, attrs }) => {
    const [rows, t] = lastAxis(y);
    const dx = backend.makeOutput(y.shape, "float32");
    const [h, yo, dyo, dxo] = heapAndOffsets(backend, y, dy, dx);
    n().causalSoftmaxGrad(h, yo, dyo, dxo, rows, t, attrs.scale as number);
    return dx;
  });
  tf.registerGradient({
    kernelName: "ConcordCausalSoftmax",
    outputsToSave: [true],
    gradFunc: (dy, [y], attrs) => ({
      x: () => runKernel("ConcordCausalSoftmaxGrad", { y, dy: dy as tf.Tensor }, attrs) as tf.Tensor,
    }),
  });

  // qkv (B*T, 3C) -> [y (B*T, C), probabilities (B*heads, T, T)]
  const attnShape = (qkv: tf.TensorInfo, attrs: Record<string, unknown>) => {
    const { batch, heads } = attrs as { batch: number; heads: number };
    const [rows, c3] = qkv.shape;
    const hs = c3 / 3 / heads;
    return { batch, heads, t: rows / batch, hs, c: c3 / 3, scale: 1 / Math.sqrt(hs) };
  };
  register("ConcordAttention", ({ inputs: { qkv }, backend, attrs }) => {
    const s = attnShape(qkv, attrs);
    const y = backend.makeOutput([qkv.shape[0], s.c], "float32");
    const p = backend.makeOutput([s.batch * s.heads, s.t, s.t], "float32");
    const [h, qo, yo, po] = heapAndOffsets(backend, qkv, y, p);
    n().attention(h, qo, yo, po, s.batch, s.t, s.heads, s.hs, s.scale);
    return [y, p];
  });
  register("ConcordAttentionGrad", ({ inputs: { qkv, p, dy }, backend, attrs }) => {
    const s = attnShape(qkv, attrs);
    const dqkv = backend.makeOutput(qkv.shape, "float32");
    const [h, qo, po, dyo, dqo] = heapAndOffsets(backend, qkv, p, dy, dqkv);
    n().attentionGrad(h, qo, po, dyo, dqo, s.batch, s.t, s.heads, s.hs, s.scale);
    return dqkv;
  });
  tf.registerGradient({
    kernelName: "ConcordAttention",
    inputsToSave: ["qkv"],
    outputsToSave: [false, true],
    gradFunc: (dys, [qkv, p], attrs) => ({
      qkv: () => runKernel("ConcordAttentionGrad", { qkv, p, dy: (dys as tf.Tensor[])[0] }, attrs) as tf.Tensor,
    }),
  });

  // logits (N, V), int32 targets (N) -> [mean loss (scalar), probabilities (N, V)]
  register("ConcordCrossEntropy", ({ inputs: { logits, targets }, backend }) => {
    const [rows, v] = logits.shape;
    const loss = backend.makeOutput([], "float32");
    const probs = backend.makeOutput(logits.shape, "float32");
    const [h, lo, to, po, lso] = heapAndOffsets(backend, logits, targets, probs, loss);
    n().crossEntropy(h, lo, to, po, lso, rows, v);
    return [loss, probs];
  });
  register("ConcordCrossEntropyGrad", ({ inputs: { probs, targets, dy }, backend }) => {
    const [rows, v] = probs.shape;
    const dx = backend.makeOutput(probs.shape, "float32");
    const [h, po, to, dyo, dxo] = heapAndOffsets(backend, probs, targets, dy, dx);
    n().crossEntropyGrad(h, po, to, dyo, dxo, rows, v);
    return dx;
  });
  tf.registerGradient({
    kernelName: "ConcordCrossEntropy",
    inputsToSave: ["targets"],
    outputsToSave: [false, true],
    gradFunc: (dys, [targets, probs]) => ({
      logits: () => runKernel("ConcordCrossEntropyGrad", { probs, targets, dy: (dys as tf.Tensor[])[0] }) as tf.Tensor,
    }),
  });

  // int32 ids (N), table (V, C) -> rows (N, C)
  register("ConcordEmbedding", ({ inputs: { ids, table }, backend }) => {
    const [v, c] = table.shape;
    const out = backend.makeOutput([ids.shape[0], c], "float32");
    const [h, io, to, oo] = heapAndOffsets(backend, ids, table, out);
    n().embedding(h, io, to, oo, ids.shape[0], v, c);
    return out;
  });
  register("ConcordEmbeddingGrad", ({ inputs: { ids, dy }, backend, attrs }) => {
    const c = dy.shape[1];
    const v = attrs.vocab as number;
    const dt = backend.makeOutput([v, c], "float32");
    const [h, io, dyo, dto] = heapAndOffsets(backend, ids, dy, dt);
    n().embeddingGrad(h, io, dyo, dto, ids.shape[0], v, c);
    return dt;
  });
  tf.registerGradient({
    kernelName: "ConcordEmbedding",
    inputsToSave: ["ids"],
    gradFunc: (dy, [ids], attrs) => ({
      table: () => runKernel("ConcordEmbeddingGrad", { ids, dy: dy as tf.Tensor }, attrs) as tf.Tensor,
    }),
  });

  // Optimizer steps: in place when the only holder of each buffer is its variable, else into new buffers.
  const reuse = (backend: WasmBackend, t: tf.TensorInfo) =>
    sharers(backend, t) === 1 ? shareBuffer(backend, t) : backend.makeOutput(t.shape, "float32");
  register("ConcordAdamW", ({ inputs: { p, g, m, v }, backend, attrs }) => {
    const outs = [p, m, v].map((t) => reuse(backend, t));
    const [h, po, go, mo, vo, p1, m1, v1] = heapAndOffsets(backend, p, g, m, v, ...outs);
    const a = attrs as Record<string, number>;
    n().adamw(
      h,
      po,
      go,
      mo,
      vo,
      p1,
      m1,
      v1,
      size(p.shape),
      a.lr,
      a.beta1,
      a.beta2,
      a.eps,
      a.weightDecay,
      a.bc1,
      a.bc2,
      a.gradScale,
    );
    return outs;
  });
  register("ConcordSignDescent", ({ inputs: { p, direction }, backend, attrs }) => {
    const out = reuse(backend, p);
    const [h, po, d, o] = heapAndOffsets(backend, p, direction, out);
    n().signDescent(h, po, d, o, size(p.shape), attrs.lr as number, attrs.weightDecay as number);
    return out;
  });
}
