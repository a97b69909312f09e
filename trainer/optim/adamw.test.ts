import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../backend/selectBackend";
import { stockOps, wasmOps } from "../model/ops";
import { AdamW } from "./adamw";
import { clipScale, globalNorm } from "./gradClip";

beforeAll(() => selectBackend({ order: ["wasm"], log: () => {} }));

describe("AdamW", () => {
  test.each([wasmOps, stockOps])("two steps match the textbook update (%s ops)", (ops) => {
    const config = { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, gradClip: 1 };
    const p0 = [Float32Array.of(0.5, -0.25), Float32Array.of(1)];
    const params = p0.map((w) => tf.variable(tf.tensor(w)));
    const opt = new AdamW(params, [true, false], config, ops);
    const steps = [
      [Float32Array.of(3, 4), Float32Array.of(0)], // norm 5: clipped to 1
      [Float32Array.of(0.1, -0.2), Float32Array.of(0.3)],
    ];
    // Reference in float64.
    const p = p0.map((w) => Array.from(w));
    const m = p.map((w) => w.map(() => 0));
    const v = p.map((w) => w.map(() => 0));
    steps.forEach((g, t) => {
      const scale = clipScale(globalNorm(g), 1);
      const grads = g.map((x) => tf.tensor(x));
      expect(opt.step(grads, 0.01)).toBeCloseTo(globalNorm(g), 5);
      tf.dispose(grads);
      p.forEach((w, i) =>
        w.forEach((x, j) => {
          const gs = g[i][j] * scale;
          m[i][j] = 0.9 * m[i][j] + 0.1 * gs;
          v[i][j] = 0.99 * v[i][j] + 0.01 * gs * gs;
          const update = m[i][j] / (1 - 0.9 ** (t + 1)) / (Math.sqrt(v[i][j] / (1 - 0.99 ** (t + 1))) + 1e-8);
          w[j] = x - 0.01 * (update + (i === 0 ? 0.1 * x : 0)); // decay on the first tensor only
        }),
      );
    });
    params.forEach((q, i) => Array.from(q.dataSync()).forEach((x, j) => expect(x).toBeCloseTo(p[i][j], 6)));
    opt.dispose();
    tf.dispose(params);
  });

  test("clip scale", () => {
    expect(clipScale(0.5, 1)).toBe(1);
    expect(clipScale(4, 1)).toBeCloseTo(0.25, 6);
    expect(clipScale(4, 0)).toBe(1);
    expect(globalNorm([Float32Array.of(3), Float32Array.of(4)])).toBe(5);
  });
});
