import * as tf from "@tensorflow/tfjs";
import { describeBackend, selectBackend } from "./selectBackend";
import { installWasmSlicePatch, removeWasmSlicePatch, wasmSlicePatched } from "./wasmSlicePatch";

describe("selectBackend", () => {
  test("falls back from an absent tfjs-node-gpu to wasm with SIMD, one log line each, and records it", async () => {
    const lines: string[] = [];
    const info = await selectBackend({ order: ["node-gpu", "wasm", "cpu"], log: (l) => lines.push(l) });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/node-gpu unavailable \(not installed\)/);
    expect(info).toEqual({
      backend: "wasm",
      tfjsVersion: "4.22.0",
      wasmSimd: true,
      wasmSlicePatch: true,
      nativeKernels: null,
    });
    expect(lines[1]).toBe(`[backend] ${describeBackend(info)}`);
    expect(tf.getBackend()).toBe("wasm");
  });

  test("the cpu backend can be chosen explicitly", async () => {
    const info = await selectBackend({ order: ["cpu"], log: () => {} });
    expect(info).toEqual({
      backend: "cpu",
      tfjsVersion: "4.22.0",
      wasmSimd: null,
      wasmSlicePatch: null,
      nativeKernels: null,
    });
    await selectBackend({ order: ["wasm"], log: () => {} });
  });

  test("an unknown CONCORD_BACKEND is refused with the valid choices, and nothing changes", async () => {
    const before = tf.getBackend();
    process.env.CONCORD_BACKEND = "tpu";
    try {
      await expect(selectBackend({ log: () => {} })).rejects.toThrow(
        "CONCORD_BACKEND=tpu is not one of node-gpu, wasm+native, wasm, cpu",
      );
    } finally {
      delete process.env.CONCORD_BACKEND;
    }
    expect(tf.getBackend()).toBe(before);
  });

  test("the fast Slice kernel gives the stock kernel's results", async () => {
    await selectBackend({ order: ["wasm"], log: () => {} });
    const x = tf.tensor3d(
      Float32Array.from({ length: 2 * 5 * 6 }, (_, i) => i),
      [2, 5, 6],
    );
    const cases: [number[], number[]][] = [
      [
        [1, 0, 0],
        [1, 5, 6],
      ], // contiguous: the patched path
      [
        [0, 1, 2],
        [2, 3, 3],
      ], // strided: the stock kernel
    ];
    const run = () => cases.map(([b, s]) => Array.from(tf.slice(x, b, s).dataSync()));
    expect(wasmSlicePatched()).toBe(true);
    const patched = run();
    removeWasmSlicePatch();
    const stock = run();
    installWasmSlicePatch();
    expect(patched).toEqual(stock);
    x.dispose();
  });
});
