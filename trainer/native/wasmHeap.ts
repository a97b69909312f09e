// The tfjs-backend-wasm internals the native kernels read and write: every tensor lives in the module's linear
// memory at dataIdMap.get(dataId).memoryOffset, outputs come from makeOutput, and refCount says who shares a buffer.
// None of this is public API, so tfjs is pinned to the exact version below and wasmInternalsProblems() checks each
// piece before any kernel is installed (and in a test that fails loudly when an upgrade changes them).
import * as tf from "@tensorflow/tfjs";
import { version_wasm } from "@tensorflow/tfjs-backend-wasm";

/** The tfjs release whose wasm backend internals the kernels were written against. */
export const PINNED_TFJS_VERSION = "4.22.0";

/** The stock wasm kernels our kernel set replaces or relies on. */
export const REPLACED_WASM_KERNELS = ["BatchMatMul", "_FusedMatMul", "Identity", "SplitV", "Concat"] as const;

interface WasmTensorData {
  memoryOffset: number;
  refCount: number;
}

/** The parts of BackendWasm the kernels use. */
export interface WasmBackend {
  readonly wasm: { readonly HEAPU8: Uint8Array };
  readonly dataIdMap: { get(dataId: unknown): WasmTensorData | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: unknown, force?: boolean): boolean;
  incRef(dataId: unknown): void;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

let cachedBuffer: ArrayBufferLike | null = null;
let cachedView: Float32Array = new Float32Array(0);

/** A Float32Array over the whole wasm memory; take it after the last makeOutput (growing memory replaces it). */
export function heapF32(backend: WasmBackend): Float32Array {
  const buffer = backend.wasm.HEAPU8.buffer;
  if (buffer !== cachedBuffer) {
    cachedBuffer = buffer;
    cachedView = new Float32Array(buffer);
  }
  return cachedView;
}

/** Offset of a tensor's first element, in float32 elements from the start of the heap (int32 data alike). */
export function heapOffset(backend: WasmBackend, t: tf.TensorInfo): number {
  return (backend.dataIdMap.get(t.dataId) as WasmTensorData).memoryOffset / 4;
}

/** The heap and the offsets of `ts` on it; call after the kernel's last makeOutput. */
export function heapAndOffsets(backend: WasmBackend, ...ts: tf.TensorInfo[]): [Float32Array, ...number[]] {
  return [heapF32(backend), ...ts.map((t) => heapOffset(backend, t))];
}

/** A new handle on `t`'s buffer (no copy): the buffer gains a holder. */
export function shareBuffer(backend: WasmBackend, t: tf.TensorInfo): tf.TensorInfo {
  backend.incRef(t.dataId);
  return { dataId: t.dataId, shape: t.shape, dtype: t.dtype };
}

/** How many tensors share this tensor's buffer (1: only this one, so it may be updated in place). */
export function sharers(backend: WasmBackend, t: tf.TensorInfo): number {
  return backend.dataIdMap.get(t.dataId)?.refCount ?? 0;
}

/** The active backend as a WasmBackend (the caller has checked it is "wasm"). */
export function activeWasmBackend(): WasmBackend {
  return tf.backend() as unknown as WasmBackend;
}

/**
 * What differs from the internals the kernels rely on, one line per problem; empty when all is as expected. Needs
 * the wasm backend to be active (it allocates one small tensor to check that memoryOffset addresses HEAPU8).
 */
export function wasmInternalsProblems(): string[] {
  const problems: string[] = [];
  if (tf.version_core !== PINNED_TFJS_VERSION)
    problems.push(`@tensorflow/tfjs-core is ${tf.version_core}, the native kernels need ${PINNED_TFJS_VERSION}`);
  if (version_wasm !== PINNED_TFJS_VERSION)
    problems.push(`@tensorflow/tfjs-backend-wasm is ${version_wasm}, the native kernels need ${PINNED_TFJS_VERSION}`);
  if (tf.getBackend() !== "wasm") return [...problems, `the active backend is ${tf.getBackend()}, not wasm`];
  const b = tf.backend() as unknown as Record<string, unknown>;
  const wasm = b.wasm as Record<string, unknown> | undefined;
  if (!(wasm?.HEAPU8 instanceof Uint8Array)) problems.push("backend.wasm.HEAPU8 is not a Uint8Array");
  const map = b.dataIdMap as { get?: unknown } | undefined;
  if (typeof map?.get !== "function") problems.push("backend.dataIdMap.get is not a function");
  for (const f of ["makeOutput", "disposeData", "incRef", "typedArrayFromHeap"])
    if (typeof b[f] !== "function") problems.push(`backend.${f} is not a function`);
  for (const k of [...REPLACED_WASM_KERNELS, "Reshape"])
    if (!tf.getKernel(k, "wasm")) problems.push(`the wasm backend has no ${k} kernel`);
  if (problems.length > 0) return problems;
  // A known tensor must sit at memoryOffset with refCount 1, and makeOutput must hand back a heap buffer.
  const backend = b as unknown as WasmBackend;
  const probe = tf.tensor1d([1.5, -2.25, 3.125]);
  const data = backend.dataIdMap.get(probe.dataId);
  if (typeof data?.memoryOffset !== "number" || typeof data.refCount !== "number")
    problems.push("dataIdMap entries lack memoryOffset or refCount");
  else {
    const at = heapF32(backend).subarray(data.memoryOffset / 4, data.memoryOffset / 4 + 3);
    if (at[0] !== 1.5 || at[1] !== -2.25 || at[2] !== 3.125) problems.push("memoryOffset does not address the values");
    if (data.refCount !== 1) problems.push(`a new tensor has refCount ${data.refCount}, expected 1`);
  }
  const out = backend.makeOutput([2], "float32");
  if (!backend.dataIdMap.get(out.dataId)) problems.push("makeOutput's tensor is not in dataIdMap");
  backend.disposeData(out.dataId);
  probe.dispose();
  return problems;
}
