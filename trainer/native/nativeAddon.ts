// Loads Concord's native kernels (trainer/native/c, built by `npm run build:native` into target/native/) and gives
// them types. The addon checks every argument itself and throws a plain error with code CONCORD_NATIVE_ARGUMENT;
// here each entry point turns that into a ConcordError. Loading never throws: a trainer without the addon (not
// built, OpenBLAS missing, CONCORD_NATIVE=0) gets the reason and runs on plain wasm.
import { join } from "node:path";
import { ConcordError } from "../../sdk/errors/concordError";
import { CONCORD_ERROR__TRAINER__NATIVE_ARGUMENT } from "../../sdk/errors/codes";

export const NATIVE_ADDON_PATH = join(__dirname, "..", "..", "target", "native", "concord_native.node");

/** How to get the native kernels, for the one log line a trainer prints when they are off. */
export const NATIVE_ENABLE_HINT = "run `npm run build:native` (needs gcc and libopenblas-dev)";

export interface NativeInfo {
  /** Kernel set version (bumped when a kernel's arithmetic changes). */
  readonly version: string;
  /** First 16 hex digits of sha256 over the C sources it was built from. */
  readonly sourceHash: string;
  /** openblas_get_config(), e.g. "OpenBLAS 0.3.21 ... DYNAMIC_ARCH ... Zen MAX_THREADS=64". */
  readonly blasConfig: string;
  /** openblas_get_corename(): the CPU kernels OpenBLAS picked; matmul bits depend on it. */
  readonly blasCore: string;
  readonly blasThreads: number;
  /** Which clone of our own loops runs: "avx2" or "x86-64" (both compute the same bits). */
  readonly simd: string;
}

type Heap = Float32Array;
type Plan = Float64Array;

/** The addon's entry points; offsets and lengths count float32 elements of the wasm heap (see c/addon.c). */
export interface NativeAddon {
  sgemm(
    heap: Heap,
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    aOff: number,
    lda: number,
    strideA: number,
    bOff: number,
    ldb: number,
    strideB: number,
    cOff: number,
    ldc: number,
    strideC: number,
    batch: number,
  ): void;
  biasAct(heap: Heap, yOff: number, n: number, biasOff: number, biasLen: number, relu: boolean): void;
  gelu(heap: Heap, xOff: number, yOff: number, n: number): void;
  geluGrad(heap: Heap, xOff: number, dyOff: number, dxOff: number, n: number): void;
  layerNorm(heap: Heap, xOff: number, gOff: number, yOff: number, rows: number, cols: number, eps: number): void;
  layerNormGrad(
    heap: Heap,
    xOff: number,
    gOff: number,
    dyOff: number,
    dxOff: number,
    dgOff: number,
    rows: number,
    cols: number,
    eps: number,
  ): void;
  causalSoftmax(heap: Heap, xOff: number, yOff: number, rows: number, t: number, scale: number): void;
  causalSoftmaxGrad(
    heap: Heap,
    yOff: number,
    dyOff: number,
    dxOff: number,
    rows: number,
    t: number,
    scale: number,
  ): void;
  attention(
    heap: Heap,
    qkvOff: number,
    yOff: number,
    pOff: number,
    batch: number,
    t: number,
    heads: number,
    headSize: number,
    scale: number,
  ): void;
  attentionGrad(
    heap: Heap,
    qkvOff: number,
    pOff: number,
    dyOff: number,
    dqkvOff: number,
    batch: number,
    t: number,
    heads: number,
    headSize: number,
    scale: number,
  ): void;
  crossEntropy(
    heap: Heap,
    logitsOff: number,
    targetsOff: number,
    probsOff: number,
    lossOff: number,
    rows: number,
    v: number,
  ): void;
  crossEntropyGrad(
    heap: Heap,
    probsOff: number,
    targetsOff: number,
    dlossOff: number,
    dlogitsOff: number,
    rows: number,
    v: number,
  ): void;
  embedding(heap: Heap, idsOff: number, tableOff: number, outOff: number, n: number, v: number, c: number): void;
  embeddingGrad(heap: Heap, idsOff: number, dyOff: number, dtableOff: number, n: number, v: number, c: number): void;
  adamw(
    heap: Heap,
    p: number,
    g: number,
    m: number,
    v: number,
    pOut: number,
    mOut: number,
    vOut: number,
    n: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    bc1: number,
    bc2: number,
    gradScale: number,
  ): void;
  signDescent(heap: Heap, pOff: number, dOff: number, outOff: number, n: number, lr: number, weightDecay: number): void;
  sumSquares(heap: Heap, off: number, n: number): number;
  dctForward(
    x: Float32Array,
    out: Float32Array,
    rows: number,
    cols: number,
    r: number,
    c: number,
    rowPlan: Plan,
    colPlan: Plan,
  ): void;
  dctInverse(
    coef: Float32Array | Float64Array,
    out: Float32Array,
    accumulate: boolean,
    rows: number,
    cols: number,
    r: number,
    c: number,
    rowPlan: Plan,
    colPlan: Plan,
  ): void;
  /** DeMo's top-k per chunk of finite `coef` into indices/values (sdk/demo/topK.ts's selection, same entries). */
  topK(coef: Float32Array, chunkLen: number, k: number, indices: Uint32Array, values: Float32Array): void;
  setThreads(threads: number): void;
  info(): NativeInfo;
}

export type NativeLoad =
  | { readonly addon: NativeAddon; readonly reason?: undefined; readonly forced?: undefined }
  /** forced: turned off by CONCORD_NATIVE=0 rather than unavailable */
  | { readonly addon?: undefined; readonly reason: string; readonly forced: boolean };

let loaded: NativeLoad | undefined;

/** Loads the addon once per process; `CONCORD_NATIVE=0` forces it off. */
export function loadNativeAddon(): NativeLoad {
  if (loaded) return loaded;
  if (process.env.CONCORD_NATIVE === "0") return (loaded = { reason: "CONCORD_NATIVE=0", forced: true });
  try {
    const m = { exports: {} as Record<string, unknown> };
    process.dlopen(m, NATIVE_ADDON_PATH);
    loaded = { addon: withConcordErrors(m.exports) };
    const threads = process.env.CONCORD_BLAS_THREADS;
    if (threads !== undefined) loaded.addon.setThreads(Number(threads));
  } catch (e) {
    const err = e as { code?: string; message?: string };
    const missing = err.message?.includes("No such file") || err.code === "ERR_DLOPEN_FAILED";
    loaded = {
      reason: missing && err.message?.includes(NATIVE_ADDON_PATH) ? "the addon is not built" : firstLine(err.message),
      forced: false,
    };
  }
  return loaded;
}

const firstLine = (s: string | undefined) => (s ?? "unknown error").split("\n")[0];

/** Each entry point, rethrowing the addon's argument errors as ConcordErrors. */
function withConcordErrors(raw: Record<string, unknown>): NativeAddon {
  const wrapped: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(raw)) {
    if (typeof f !== "function") continue;
    wrapped[name] = (...args: unknown[]) => {
      try {
        return (f as (...a: unknown[]) => unknown)(...args);
      } catch (e) {
        const err = e as { code?: string; message?: string };
        if (err.code === "CONCORD_NATIVE_ARGUMENT")
          throw new ConcordError(CONCORD_ERROR__TRAINER__NATIVE_ARGUMENT, { reason: firstLine(err.message) });
        throw e;
      }
    };
  }
  return wrapped as unknown as NativeAddon;
}
