// ModelOps on the native kernel set (trainer/native/): tfjs ops whose kernels run in C over OpenBLAS on the wasm
// heap. Matmuls are plain tf.matMul (the native BatchMatMul takes transpose flags, so tfjs's own gradients are fast);
// attention, GELU, LayerNorm, softmax, cross-entropy and the embedding are fused kernels with their own gradients;
// the optimizer steps update variables in place. Only valid while the kernels are installed on the wasm backend.
import * as tf from "@tensorflow/tfjs";
import { installedAddon, nativeKernelsInstalled, runKernel as run } from "../native/nativeKernels";
import { activeWasmBackend, heapAndOffsets } from "../native/wasmHeap";
import type { ModelOps } from "./ops";
import { tfMatmuls, wasmOps } from "./ops";

export const nativeOps: ModelOps = {
  name: "native",
  ...tfMatmuls,
  gelu: (x) => run("ConcordGelu", { x }),
  layerNorm: (x, gain) => run("ConcordLayerNorm", { x, gain }, { eps: 1e-5 }),
  causalSoftmax: (scores, scale) => run("ConcordCausalSoftmax", { x: scores }, { scale }),
  causalSelfAttention: (qkv, batch, heads) =>
    run<tf.Tensor[]>("ConcordAttention", { qkv }, { batch, heads })[0] as tf.Tensor2D,
  embed: (ids, table) => run("ConcordEmbedding", { ids, table }, { vocab: table.shape[0] }),
  crossEntropy: (logits, targets) => run<tf.Tensor[]>("ConcordCrossEntropy", { logits, targets })[0] as tf.Scalar,
  sumSquares: (x) => {
    const [heap, offset] = heapAndOffsets(activeWasmBackend(), x);
    return installedAddon().sumSquares(heap, offset, x.size);
  },
  adamw: (p, g, m, v, s) =>
    run<tf.Tensor[]>("ConcordAdamW", { p, g, m, v }, { ...s }) as [tf.Tensor, tf.Tensor, tf.Tensor],
  signDescent: (p, direction, lr, weightDecay) => run("ConcordSignDescent", { p, direction }, { lr, weightDecay }),
};

/** nativeOps while the native kernels are installed on the active wasm backend, else wasmOps. */
export function defaultOps(): ModelOps {
  return tf.getBackend() === "wasm" && nativeKernelsInstalled() ? nativeOps : wasmOps;
}
