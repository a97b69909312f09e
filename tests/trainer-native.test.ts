// The native kernels inside the trainer: the same state and batch give the same bits (run to run, and with 1 or 2
// OpenBLAS threads), the whole model's loss and gradients match the wasm-tuned ops, and DeMo updates are the same
// bytes with the native and the JavaScript DCT.
import * as tf from "@tensorflow/tfjs";
import { aggregateUpdates } from "../sdk/demo/aggregate";
import { jsChunkedDct } from "../sdk/demo/chunkedDct";
import { encodeUpdate } from "../sdk/codec/updateCodec";
import { mulberry32 } from "../sdk/seededRandom";
import { selectBackend } from "../trainer/backend/selectBackend";
import { nativeOps } from "../trainer/model/nativeOps";
import { wasmOps } from "../trainer/model/ops";
import { BABY_GPT, Transformer } from "../trainer/model/transformer";
import { AdamW, NANOGPT_ADAMW } from "../trainer/optim/adamw";
import type { RoundConfig } from "../trainer/optim/roundConfig";
import { PSYCHE_DEMO } from "../trainer/optim/roundConfig";
import { UpdateCompressor } from "../trainer/optim/updateCompressor";
import type { NativeAddon } from "../trainer/native/nativeAddon";
import { loadNativeAddon } from "../trainer/native/nativeAddon";
import { nativeChunkedDct } from "../trainer/native/nativeDct";
import { nativeTopK } from "../trainer/native/nativeTopK";
import { jsTopK } from "../sdk/demo/topK";
import { SeededRandom } from "./helpers/seededRandom";

let addon: NativeAddon;
beforeAll(async () => {
  const info = await selectBackend({ order: ["wasm+native"], log: () => {} });
  expect(info.nativeKernels).not.toBeNull();
  addon = loadNativeAddon().addon as NativeAddon;
});

/** Batches of the baby GPT's shape (12 x 64) drawn from a seed. */
function batches(count: number, seed: number): [tf.Tensor2D, tf.Tensor2D][] {
  const u = mulberry32(seed);
  const ids = () =>
    tf.tensor2d(
      Int32Array.from({ length: 12 * 64 }, () => Math.floor(u() * 65)),
      [12, 64],
      "int32",
    );
  return Array.from({ length: count }, () => [ids(), ids()]);
}

/** Weights (as bytes) and losses after AdamW steps from seed 1337 on the baby GPT with the native kernels. */
function train(threads: number, data: [tf.Tensor2D, tf.Tensor2D][]): { weights: Buffer; losses: number[] } {
  addon.setThreads(threads);
  const model = new Transformer(BABY_GPT);
  expect(model.ops.name).toBe("native");
  const opt = new AdamW(
    model.params,
    model.specs.map((s) => s.decay),
    NANOGPT_ADAMW,
    model.ops,
  );
  const losses = data.map(([x, y]) => {
    const { loss, grads } = model.lossAndGrads(x, y);
    opt.step(grads, 1e-3);
    const value = loss.dataSync()[0];
    tf.dispose([loss, ...grads]);
    return value;
  });
  const weights = Buffer.concat(model.getWeights().map((w) => Buffer.from(w.buffer)));
  opt.dispose();
  model.dispose();
  return { weights, losses };
}

describe("trainer on wasm+native", () => {
  test("the same state and batches give the same bits, run to run and with 1 or 2 BLAS threads", () => {
    const data = batches(3, 5);
    const [a, b, c] = [train(1, data), train(1, data), train(2, data)];
    expect(a.weights.equals(b.weights)).toBe(true);
    expect(a.weights.equals(c.weights)).toBe(true);
    expect(a.losses).toEqual(c.losses);
    expect(a.losses[0]).toBeCloseTo(Math.log(65), 1);
    addon.setThreads(1);
    tf.dispose(data.flat());
  });

  test("the whole model's loss and every gradient match the wasm-tuned ops", () => {
    const [[x, y]] = batches(1, 9);
    const [n, w] = [nativeOps, wasmOps].map((ops) => new Transformer(BABY_GPT, { seed: 4, ops }));
    const [gn, gw] = [n, w].map((m) => m.lossAndGrads(x, y));
    expect(Math.abs(gn.loss.dataSync()[0] - gw.loss.dataSync()[0])).toBeLessThan(1e-5);
    gn.grads.forEach((g, i) => {
      const [p, q] = [g.dataSync(), gw.grads[i].dataSync()];
      const scale = Math.max(...Array.from(q, Math.abs));
      let worst = 0;
      for (let j = 0; j < p.length; j++) worst = Math.max(worst, Math.abs(p[j] - q[j]));
      expect(worst).toBeLessThanOrEqual(1e-4 * scale);
    });
    tf.dispose([x, y, gn.loss, gw.loss, ...gn.grads, ...gw.grads]);
    n.dispose();
    w.dispose();
  });

  test("DeMo: the native DCT selects the same coefficients and encodes the same bytes as the JavaScript DCT", () => {
    const config: RoundConfig = { ...PSYCHE_DEMO, topK: 32, decay: 0.999, format: "f32" };
    const model = new Transformer(BABY_GPT, { seed: 2 });
    const shapes = model.specs.map((s) => s.shape);
    const native = new UpdateCompressor(shapes, config, nativeChunkedDct(addon), nativeTopK(addon));
    const js = new UpdateCompressor(shapes, config, jsChunkedDct, jsTopK);
    for (const [x, y] of batches(2, 3)) {
      const { loss, grads } = model.lossAndGrads(x, y);
      const arrays = grads.map((g) => Float32Array.from(g.dataSync()));
      const [a, b] = [native.compress(arrays, 1), js.compress(arrays, 0.5 + 0.5)];
      expect(Buffer.from(encodeUpdate(a)).equals(encodeUpdate(b))).toBe(true);
      const [da, db] = [
        aggregateUpdates([a, b], config.aggregation, nativeChunkedDct(addon)),
        aggregateUpdates([a, b], config.aggregation),
      ];
      da.forEach((d, i) => expect(Buffer.from(d.buffer).equals(Buffer.from(db[i].buffer))).toBe(true));
      tf.dispose([x, y, loss, ...grads]);
    }
    native.bufferState().forEach((m, i) => expect(m).toEqual(js.bufferState()[i]));
    model.dispose();
  });

  test("DeMo top-k: the native selection is the JavaScript one, ties and edge sizes included", () => {
    const r = new SeededRandom(11);
    const cases: [number, number, number][] = [
      [4096, 32, 5],
      [4096, 1, 3],
      [4096, 4096, 1],
      [832, 32, 2],
      [64, 64, 4],
      [1, 1, 7],
    ];
    for (const [chunkLen, k, chunks] of cases)
      for (const levels of [0, 3, 1000]) {
        // levels 0: distinct magnitudes; otherwise a few magnitudes, so the threshold is tied
        const coef = Float32Array.from({ length: chunkLen * chunks }, () =>
          levels === 0 ? r.int(2_000_001) / 1000 - 1000 : (r.int(levels) - levels / 2) / 4,
        );
        const [a, b] = [nativeTopK(addon).select(coef, chunkLen, k), jsTopK.select(coef, chunkLen, k)];
        expect(Buffer.from(a.indices.buffer).equals(Buffer.from(b.indices.buffer))).toBe(true);
        expect(Buffer.from(a.values.buffer).equals(Buffer.from(b.values.buffer))).toBe(true);
      }
  });
});
