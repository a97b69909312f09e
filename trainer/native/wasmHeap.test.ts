// The native kernels read tfjs-backend-wasm's private internals; this fails loudly, naming what changed, when a tfjs
// upgrade moves them (then update trainer/native/ for the new version before changing the pin).
import * as tf from "@tensorflow/tfjs";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { selectBackend } from "../backend/selectBackend";
import { CONCORD_ERROR__TRAINER__WASM_INTERNALS_CHANGED } from "../../sdk/errors/codes";
import { expectConcordError } from "../../tests/helpers/expectConcordError";
import type { NativeAddon } from "./nativeAddon";
import { loadNativeAddon } from "./nativeAddon";
import { installNativeKernels, nativeKernelsInstalled } from "./nativeKernels";
import { PINNED_TFJS_VERSION, REPLACED_WASM_KERNELS, wasmInternalsProblems } from "./wasmHeap";

const ROOT = join(__dirname, "..", "..");

describe("tfjs wasm internals the native kernels rely on", () => {
  test("package.json pins every tfjs package to the exact version the kernels were written for", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version: string }>;
    };
    for (const name of ["@tensorflow/tfjs", "@tensorflow/tfjs-core", "@tensorflow/tfjs-backend-wasm"]) {
      expect(`${name}@${pkg.dependencies[name]}`).toBe(`${name}@${PINNED_TFJS_VERSION}`);
      expect(`${name}@${lock.packages[`node_modules/${name}`].version}`).toBe(`${name}@${PINNED_TFJS_VERSION}`);
    }
  });

  test("the wasm backend still has dataIdMap/memoryOffset/refCount, HEAPU8, makeOutput and the replaced kernels", async () => {
    await selectBackend({ order: ["wasm"], log: () => {} });
    const problems = wasmInternalsProblems();
    if (problems.length > 0)
      throw new Error(
        `tfjs-backend-wasm internals changed; the native kernels must not run on it:\n${problems.join("\n")}`,
      );
    expect(REPLACED_WASM_KERNELS).toEqual(["BatchMatMul", "_FusedMatMul", "Identity", "SplitV", "Concat"]);
  });

  test("a changed backend makes installing the kernels fail with WASM_INTERNALS_CHANGED, naming the change", async () => {
    await selectBackend({ order: ["wasm"], log: () => {} });
    const backend = tf.backend() as unknown as Record<string, unknown>;
    backend.makeOutput = undefined; // as if an upgrade had renamed it
    try {
      const e = expectConcordError(
        () => installNativeKernels(loadNativeAddon().addon as NativeAddon),
        CONCORD_ERROR__TRAINER__WASM_INTERNALS_CHANGED,
      );
      expect(e.message).toMatch(/backend.makeOutput is not a function/);
      expect(nativeKernelsInstalled()).toBe(false);
    } finally {
      delete backend.makeOutput;
    }
  });

  test("problems are reported, not thrown, when the backend is not wasm", async () => {
    await selectBackend({ order: ["cpu"], log: () => {} });
    expect(wasmInternalsProblems()).toEqual(["the active backend is cpu, not wasm"]);
    await selectBackend({ order: ["wasm"], log: () => {} });
  });
});
