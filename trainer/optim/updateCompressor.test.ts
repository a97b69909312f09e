import * as codes from "../../sdk/errors/codes";
import { chunkLayout } from "../../sdk/demo/chunkLayout";
import { chunkedDct, chunkedIdct } from "../../sdk/demo/chunkedDct";
import { scatterSelection } from "../../sdk/demo/compress";
import { topKPerChunk } from "../../sdk/demo/topK";
import { mulberry32 } from "../../sdk/seededRandom";
import { PSYCHE_DEMO, validateRoundConfig } from "./roundConfig";
import { UpdateCompressor } from "./updateCompressor";
import { expectConcordError } from "../../tests/helpers/expectConcordError";

const shapes = [[65, 128], [128], [64, 192]];
const config = { ...PSYCHE_DEMO, topK: 8, decay: 0.9, format: "f32" as const, gradClip: 0 };

function grads(seed: number): Float32Array[] {
  const u = mulberry32(seed);
  return shapes.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => u() - 0.5));
}

describe("update compressor (DeMo path)", () => {
  test("matches Psyche's parameter-space recurrence (momentum, top-k of its DCT, subtract what was sent)", () => {
    const worker = new UpdateCompressor(shapes, config);
    const layouts = shapes.map((s) => chunkLayout(s));
    const reference = layouts.map((l) => new Float32Array(l.size)); // momentum in parameter space
    for (let step = 0; step < 4; step++) {
      const g = grads(step);
      const lrScale = 1 - step * 0.2;
      const update = worker.compress(g, lrScale);
      update.tensors.forEach((t, i) => {
        const l = layouts[i];
        const m = reference[i];
        for (let j = 0; j < m.length; j++) m[j] = config.decay * m[j] + lrScale * g[i][j];
        const selection = topKPerChunk(chunkedDct(m, l), l.chunkLen, t.k);
        expect(Array.from(t.indices)).toEqual(Array.from(selection.indices));
        t.values.forEach((v, j) => expect(v).toBeCloseTo(selection.values[j], 5));
        const sent = chunkedIdct(scatterSelection(selection, l, t.k), l);
        for (let j = 0; j < m.length; j++) m[j] -= sent[j];
      });
    }
    // The worker's DCT-domain momentum is the DCT of the reference's.
    worker.bufferState().forEach((m, i) => {
      const expected = chunkedDct(reference[i], layouts[i]);
      for (let j = 0; j < m.length; j += 7) expect(m[j]).toBeCloseTo(expected[j], 5);
    });
  });

  test("k is clamped per tensor to the chunk length; values are quantized to the format", () => {
    const worker = new UpdateCompressor([[3], [64, 64]], { ...config, topK: 5, format: "sign" });
    expect(worker.layout.tensors.map((t) => t.k)).toEqual([3, 5]);
    const update = worker.compress([Float32Array.of(1, -2, 3), new Float32Array(4096).fill(0.5)], 1);
    expect(update.tensors[0].values.every((v) => v === 1 || v === -1)).toBe(true);
    expect(update.tensors[1].indices[0]).toBe(0); // a constant tile is all DC
  });

  test("the same state and gradients give the same update", () => {
    const a = new UpdateCompressor(shapes, config);
    const b = new UpdateCompressor(shapes, config);
    for (let s = 0; s < 3; s++) expect(a.compress(grads(s), 1)).toEqual(b.compress(grads(s), 1));
  });

  test("non-finite gradients and bad settings are refused", () => {
    const worker = new UpdateCompressor(shapes, config);
    const g = grads(1);
    g[1][3] = NaN;
    expectConcordError(() => worker.compress(g, 1), codes.CONCORD_ERROR__TRAINER__NON_FINITE);
    for (const bad of [{ topK: 0 }, { decay: 1.5 }, { chunk: 0 }, { format: "f8" }, { weightDecay: -1 }]) {
      expectConcordError(
        () => validateRoundConfig({ ...config, ...bad } as typeof config),
        codes.CONCORD_ERROR__TRAINER__INVALID_CONFIG,
      );
    }
  });
});
