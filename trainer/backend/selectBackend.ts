// Picks the tfjs backend at start: tfjs-node-gpu when it is installed and its native binary loads, else the wasm
// backend with SIMD (the embedded default, no native install), else the plain JS cpu backend. Audits reproduce an
// update bit for bit only on the same backend and tfjs version, so the choice is recorded in every receipt's metadata.
import * as tf from "@tensorflow/tfjs";
import { ConcordError } from "../../sdk/errors/concordError";
import { CONCORD_ERROR__TRAINER__BACKEND_UNAVAILABLE } from "../../sdk/errors/codes";
import { installWasmSlicePatch, wasmSlicePatched } from "./wasmSlicePatch";

export type BackendChoice = "node-gpu" | "wasm" | "cpu";

/** What a receipt records about the numerics that produced an update. */
export interface BackendInfo {
  /** tfjs backend name: "tensorflow" (tfjs-node-gpu), "wasm" or "cpu". */
  readonly backend: string;
  readonly tfjsVersion: string;
  /** Wasm only: SIMD build loaded; null on other backends. */
  readonly wasmSimd: boolean | null;
  /** Wasm only: our fast Slice kernel is in place; null on other backends. */
  readonly wasmSlicePatch: boolean | null;
}

export interface SelectBackendOptions {
  /** Backends to try, in order. Default: the CONCORD_BACKEND environment variable, else node-gpu, wasm, cpu. */
  readonly order?: readonly BackendChoice[];
  /** Where the one line per decision goes (default: console.error). */
  readonly log?: (line: string) => void;
}

const NODE_GPU_PACKAGE = "@tensorflow/tfjs-node-gpu";

/** Starts the first backend of the order that works and returns its metadata. */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendInfo> {
  const log = options.log ?? ((line: string) => console.error(line));
  const order = options.order ?? defaultOrder();
  const failures: string[] = [];
  for (const choice of order) {
    const reason = await tryBackend(choice);
    if (reason === null) {
      const info = await backendInfo();
      log(`[backend] ${describeBackend(info)}`);
      return info;
    }
    failures.push(`${choice}: ${reason}`);
    log(`[backend] ${choice} unavailable (${reason}); trying the next`);
  }
  throw new ConcordError(CONCORD_ERROR__TRAINER__BACKEND_UNAVAILABLE, { reason: failures.join("; ") });
}

/** One line such as "wasm (tfjs 4.22.0, SIMD on, fast Slice on)". */
export function describeBackend(info: BackendInfo): string {
  const wasm =
    info.backend === "wasm" ? `, SIMD ${onOff(info.wasmSimd)}, fast Slice ${onOff(info.wasmSlicePatch)}` : "";
  return `${info.backend} (tfjs ${info.tfjsVersion}${wasm})`;
}

const onOff = (b: boolean | null) => (b ? "on" : "off");

function defaultOrder(): BackendChoice[] {
  const env = process.env.CONCORD_BACKEND;
  return env === "node-gpu" || env === "wasm" || env === "cpu" ? [env] : ["node-gpu", "wasm", "cpu"];
}

/** null when the backend is now active, else why not. */
async function tryBackend(choice: BackendChoice): Promise<string | null> {
  try {
    if (choice === "node-gpu") {
      // Loaded by name at run time. It is an optionalDependency whose install script downloads libtensorflow: npm 11
      // leaves it out unless install scripts are allowed, so its absence or a missing native binary is a normal
      // fallback, not an error.
      const name = NODE_GPU_PACKAGE;
      await import(name);
      return (await tf.setBackend("tensorflow")) ? null : "setBackend('tensorflow') failed";
    }
    if (choice === "wasm") {
      await import("@tensorflow/tfjs-backend-wasm");
      if (!(await tf.setBackend("wasm"))) return "setBackend('wasm') failed";
      installWasmSlicePatch();
      return null;
    }
    // the cpu backend is registered by importing @tensorflow/tfjs (above)
    return (await tf.setBackend("cpu")) ? null : "setBackend('cpu') failed";
  } catch (e) {
    const err = e as { code?: string; message?: string };
    // require() says MODULE_NOT_FOUND, the ESM loader (tsx) ERR_MODULE_NOT_FOUND.
    const missing = err.code === "MODULE_NOT_FOUND" || err.code === "ERR_MODULE_NOT_FOUND";
    if (missing && err.message?.includes(NODE_GPU_PACKAGE)) return "not installed";
    return (err.message ?? String(e)).split("\n")[0];
  }
}

async function backendInfo(): Promise<BackendInfo> {
  await tf.ready();
  const backend = tf.getBackend();
  const wasm = backend === "wasm";
  return {
    backend,
    tfjsVersion: tf.version_core,
    wasmSimd: wasm ? Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")) : null,
    wasmSlicePatch: wasm ? wasmSlicePatched() : null,
  };
}
