// tfjs-backend-wasm 4.22's Slice kernel reads the WHOLE input out of the wasm heap on every call, so splitting a
// 4 MB tensor into 64 slices copies 256 MB (measured: 100 ms -> 1.3 ms per split with this patch). The replacement
// copies a contiguous slice straight from a heap view and hands every other case to the original kernel.
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

let original: tf.KernelConfig | undefined;

/** Whether the fast Slice kernel is registered on the wasm backend. */
export function wasmSlicePatched(): boolean {
  return original !== undefined;
}

/** Replaces the wasm Slice kernel (idempotent). */
export function installWasmSlicePatch(): void {
  const stock = tf.getKernel("Slice", "wasm");
  if (!stock || original) return;
  original = stock;
  tf.unregisterKernel("Slice", "wasm");
  tf.registerKernel({
    kernelName: "Slice",
    backendName: "wasm",
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { begin, size } = args.attrs as unknown as { begin: number[]; size: number[] };
      const backend = args.backend as BackendWasm;
      const [b, sz] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
      if (x.dtype !== "string" && tf.slice_util.isSliceContinous(x.shape, b, sz)) {
        const offset = tf.slice_util.computeFlatOffset(b, tf.util.computeStrides(x.shape));
        const out = backend.makeOutput(sz, x.dtype); // may grow the heap: take views only after this
        const n = tf.util.sizeFromShape(sz);
        backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(x).subarray(offset, offset + n));
        return out;
      }
      return stock.kernelFunc(args);
    },
  });
}

/** Puts the stock Slice kernel back (the benchmark's "plain tfjs" loop runs with it). */
export function removeWasmSlicePatch(): void {
  if (!original) return;
  tf.unregisterKernel("Slice", "wasm");
  tf.registerKernel(original);
  original = undefined;
}
