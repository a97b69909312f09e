import { CONCORD_ERROR__CODEC__LAYOUT_MISMATCH } from "../errors/codes";
import { mulberry32 } from "../seededRandom";
import { aggregateCoefficients, aggregateUpdates } from "./aggregate";
import { chunkLayout } from "./chunkLayout";
import { chunkedDct, chunkedIdct } from "./chunkedDct";
import { compressTensor, dequantizedValues, scatterSelection } from "./compress";
import { decodeUpdate, encodeUpdate } from "../codec/updateCodec";
import type { SparseTensor, SparseUpdate, ValueFormat } from "./sparseUpdate";
import { expectConcordError } from "../../tests/helpers/expectConcordError";

const layout = chunkLayout([64, 128]);
function peer(seed: number, format: ValueFormat = "f32", k = 16, scale = 1): SparseTensor {
  const u = mulberry32(seed);
  const x = Float32Array.from({ length: layout.size }, () => (u() - 0.5) * scale);
  return compressTensor(x, layout, k, format).sparse;
}

describe("aggregation", () => {
  test("mean: the average of dense coefficients (missing entries count as zero), then one inverse DCT", () => {
    const peers = [peer(1), peer(2), peer(3)];
    const mean = aggregateCoefficients(peers, { kind: "mean" });
    const dense = peers.map((p) => scatterSelection(p, layout, p.k));
    for (let i = 0; i < layout.size; i++)
      expect(mean[i]).toBeCloseTo((dense[0][i] + dense[1][i] + dense[2][i]) / 3, 12);
    const [direction] = aggregateUpdates(
      peers.map((t) => ({ format: "f32", tensors: [t] })),
      { kind: "mean" },
    );
    const expected = chunkedIdct(mean, layout);
    for (let i = 0; i < layout.size; i++) expect(direction[i]).toBe(expected[i]);
    // Linear: the mean of the decompressed updates is the decompressed mean.
    const each = dense.map((d) => chunkedIdct(d, layout));
    for (let i = 0; i < layout.size; i += 97)
      expect(direction[i]).toBeCloseTo((each[0][i] + each[1][i] + each[2][i]) / 3, 5);
    // And the round trip is exact enough: DCT of the direction gives back the mean coefficients.
    const back = chunkedDct(direction, layout);
    for (let i = 0; i < layout.size; i += 31) expect(back[i]).toBeCloseTo(mean[i], 5);
  });

  test("clippedMean scales a peer with an outsized norm down to the median norm", () => {
    const honest = [peer(1), peer(2), peer(3)];
    const attacker = peer(4, "f32", 16, 1000);
    const clipped = aggregateCoefficients([...honest, attacker], { kind: "clippedMean" });
    const plain = aggregateCoefficients([...honest, attacker], { kind: "mean" });
    const norm = (a: Float64Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
    expect(norm(plain)).toBeGreaterThan(100 * norm(clipped));
    // With 1-bit values every norm is equal, and clipping changes nothing.
    const signs = [1, 2, 3].map((s) => peer(s, "sign"));
    expect(aggregateCoefficients(signs, { kind: "clippedMean" })).toEqual(
      aggregateCoefficients(signs, { kind: "mean" }),
    );
  });

  test("q2 updates aggregate as their dequantized values; clippedMean compares their magnitudes", () => {
    const peers = [1, 2, 3].map((s) => peer(s, "q2"));
    const mean = aggregateCoefficients(peers, { kind: "mean" });
    const dense = peers.map((p) => scatterSelection({ indices: p.indices, values: dequantizedValues(p) }, layout, p.k));
    for (let i = 0; i < layout.size; i++) expect(mean[i]).toBe(dense.reduce((s, d) => s + d[i] * (1 / 3), 0));
    // Through the codec: what receivers decode aggregates to the same bits.
    const received = peers.map((t) => decodeUpdate(encodeUpdate({ format: "q2", tensors: [t] })));
    expect(aggregateUpdates(received, { kind: "mean" })[0]).toEqual(chunkedIdct(mean, layout));
    // A peer whose momentum is 1000x larger has 1000x larger scales, and is clipped back to the median norm.
    const attacker = peer(4, "q2", 16, 1000);
    expect(attacker.scales?.[0]).toBeGreaterThan(100 * (peers[0].scales?.[0] ?? 0));
    const norm = (a: Float64Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
    const clipped = aggregateCoefficients([...peers, attacker], { kind: "clippedMean" });
    expect(norm(aggregateCoefficients([...peers, attacker], { kind: "mean" }))).toBeGreaterThan(100 * norm(clipped));
  });

  test("trimmedMean drops the extremes of every coefficient", () => {
    const one = (index: number, value: number): SparseTensor => ({
      shape: [8],
      chunk: [8],
      k: 1,
      indices: Uint32Array.of(index),
      values: Float32Array.of(value),
    });
    const peers = [one(0, 1), one(0, 2), one(0, 1000), one(3, -5)];
    const out = aggregateCoefficients(peers, { kind: "trimmedMean", trim: 1 });
    expect(out[0]).toBe(1.5); // [0, 1, 2, 1000] -> mean of 1 and 2
    expect(out[3]).toBe(0); // [-5, 0, 0, 0] -> 0
    // Trim is clamped so something always remains.
    expect(aggregateCoefficients(peers.slice(0, 2), { kind: "trimmedMean", trim: 5 })[0]).toBe(1.5);
  });

  test("updates with different layouts are refused", () => {
    const a: SparseUpdate = { format: "f32", tensors: [peer(1)] };
    const b: SparseUpdate = { format: "f32", tensors: [peer(2, "f32", 8)] };
    const c: SparseUpdate = { format: "sign", tensors: [peer(2, "sign")] };
    for (const set of [[a, b], [a, c], []]) {
      expectConcordError(() => aggregateUpdates(set, { kind: "mean" }), CONCORD_ERROR__CODEC__LAYOUT_MISMATCH);
    }
  });
});
