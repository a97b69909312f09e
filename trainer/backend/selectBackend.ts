// Picks the tfjs backend at start: tfjs-node-gpu when it is installed and its native binary loads, else the wasm
// backend with SIMD plus our native kernels (C over OpenBLAS, trainer/native/) when the addon loads, else plain wasm
// (one log line says why the kernels are off and how to enable them), else the JS cpu backend. Audits reproduce an
// update bit for bit only on the same backend, tfjs version and kernel set, so the choice is recorded in every
// receipt's metadata.
import * as tf from "@tensorflow/tfjs";
import { ConcordError } from "../../sdk/errors/concordError";
import type { ComputeBackendName, ComputeDescriptor } from "../../sdk/receiptMetadata";
import { CONCORD_ERROR__TRAINER__BACKEND_UNAVAILABLE } from "../../sdk/errors/codes";
import type { NativeInfo } from "../native/nativeAddon";
import { loadNativeAddon, NATIVE_ENABLE_HINT } from "../native/nativeAddon";
import {
  installNativeKernels,
  NATIVE_KERNEL_SET,
  nativeKernelsInstalled,
  removeNativeKernels,
} from "../native/nativeKernels";
import { installWasmSlicePatch, wasmSlicePatched } from "./wasmSlicePatch";

export type BackendChoice = "node-gpu" | "wasm+native" | "wasm" | "cpu";
const CHOICES: readonly BackendChoice[] = ["node-gpu", "wasm+native", "wasm", "cpu"];

/**
 * The native kernel set in use: what an auditor needs to reproduce the bits (the addon's info without its SIMD clone,
 * which computes the same bits either way).
 */
export interface NativeKernelsInfo extends Omit<NativeInfo, "simd"> {
  /** "concord-native" */
  readonly name: string;
}

/** What a receipt records about the numerics that produced an update. */
export interface BackendInfo {
  /** tfjs backend name: "tensorflow" (tfjs-node-gpu), "wasm" or "cpu". */
  readonly backend: string;
  readonly tfjsVersion: string;
  /** Wasm only: SIMD build loaded; null on other backends. */
  readonly wasmSimd: boolean | null;
  /** Wasm only: our fast Slice kernel is in place; null on other backends. */
  readonly wasmSlicePatch: boolean | null;
  /** wasm+native only: the native kernel set; null otherwise. */
  readonly nativeKernels: NativeKernelsInfo | null;
}

export interface SelectBackendOptions {
  /** Backends to try, in order. Default: the CONCORD_BACKEND environment variable, else node-gpu, wasm+native, wasm, cpu. */
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

/** One line such as "wasm+native (tfjs 4.22.0, SIMD on, fast Slice on, concord-native 1 ab12..., OpenBLAS Zen x1)". */
export function describeBackend(info: BackendInfo): string {
  const wasm =
    info.backend === "wasm" ? `, SIMD ${onOff(info.wasmSimd)}, fast Slice ${onOff(info.wasmSlicePatch)}` : "";
  const k = info.nativeKernels;
  const native = k
    ? `, ${k.name} ${k.version} ${k.sourceHash}, OpenBLAS ${k.blasCore} x${k.blasThreads} thread${k.blasThreads > 1 ? "s" : ""}`
    : "";
  return `${info.backend}${k ? "+native" : ""} (tfjs ${info.tfjsVersion}${wasm}${native})`;
}

const onOff = (b: boolean | null) => (b ? "on" : "off");

function defaultOrder(): BackendChoice[] {
  const env = process.env.CONCORD_BACKEND;
  if (!env) return [...CHOICES];
  if (!(CHOICES as readonly string[]).includes(env))
    throw new ConcordError(CONCORD_ERROR__TRAINER__BACKEND_UNAVAILABLE, {
      reason: `CONCORD_BACKEND=${env} is not one of ${CHOICES.join(", ")}`,
    });
  return [env as BackendChoice];
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
    if (choice === "wasm" || choice === "wasm+native") {
      const native = choice === "wasm+native" ? loadNativeAddon() : null;
      if (native?.reason)
        return `native kernels off: ${native.reason}; ${native.forced ? "unset it to use them" : `to enable them ${NATIVE_ENABLE_HINT}`}`;
      await import("@tensorflow/tfjs-backend-wasm");
      if (!(await tf.setBackend("wasm"))) return "setBackend('wasm') failed";
      installWasmSlicePatch();
      removeNativeKernels();
      if (native?.addon) installNativeKernels(native.addon); // refuses a wasm backend other than the pinned one
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

/** The part of `info` that decides an update's bits, as receipt metadata carries it (sdk/receiptMetadata.ts). */
export function computeDescriptor(info: BackendInfo): ComputeDescriptor {
  const k = info.nativeKernels;
  return {
    backend: info.backend as ComputeBackendName,
    tfjsVersion: info.tfjsVersion,
    wasmSimd: info.wasmSimd,
    nativeKernels: k ? { name: k.name, version: k.version, sourceHash: k.sourceHash, blasCore: k.blasCore } : null,
  };
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
    nativeKernels: wasm ? nativeKernelsInfo() : null,
  };
}

function nativeKernelsInfo(): NativeKernelsInfo | null {
  const { addon } = loadNativeAddon();
  if (!addon || !nativeKernelsInstalled()) return null;
  const i = addon.info();
  return {
    name: NATIVE_KERNEL_SET,
    version: i.version,
    sourceHash: i.sourceHash,
    blasCore: i.blasCore,
    blasConfig: i.blasConfig,
    blasThreads: i.blasThreads,
  };
}
