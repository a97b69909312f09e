import { decodeUpdate, encodeUpdate } from "../codec/updateCodec";
import { roundToFloat16 } from "../codec/float16";
import { mulberry32 } from "../seededRandom";
import { chunkLayout } from "./chunkLayout";
import { dequantizedValues, quantizeQ2, selectCoefficients } from "./compress";
import type { ChunkSelection } from "./topK";

const selection = (values: number[]): ChunkSelection => ({
  indices: Uint32Array.from(values, (_, j) => j % 4),
  values: Float32Array.from(values),
});

describe("q2 quantization", () => {
  test("scale: the float16 nearest the chunk's mean |v|; values: sign and 1.5 at or above it, else 0.5", () => {
    const { values, scales } = quantizeQ2(selection([1, -2, 0.25, -0.5, 0.1, 0.2, 0.3, -0.4]), 4);
    expect(Array.from(scales)).toEqual([0.9375, roundToFloat16(0.25)]);
    expect(Array.from(values)).toEqual([1.5, -1.5, 0.5, -0.5, 0.5, 0.5, 1.5, -1.5].map((l, j) => l * scales[j >> 2]));
    // |v| equal to the scale takes the outer level; zero counts as positive.
    const edge = quantizeQ2(selection([0.5, 0.5, 0, 1]), 4);
    expect(Array.from(edge.scales)).toEqual([0.5]);
    expect(Array.from(edge.values)).toEqual([0.75, 0.75, 0.25, 0.75]);
  });

  test("the scale stays a positive finite float16 at both ends of the range", () => {
    const zero = quantizeQ2(selection([0, -0, 0, 0]), 4);
    expect(Array.from(zero.scales)).toEqual([2 ** -24]);
    expect(Array.from(zero.values)).toEqual([2 ** -25, 2 ** -25, 2 ** -25, 2 ** -25]);
    expect(Array.from(quantizeQ2(selection([1e-9, 0, 0, 0]), 4).scales)).toEqual([2 ** -24]); // rounds to 0
    expect(Array.from(quantizeQ2(selection([1e6, 1e6, 1e6, 1e6]), 4).scales)).toEqual([65504]); // rounds to infinity
  });

  test("selectCoefficients: q2 tensors encode, and receivers decode exactly the sender's dequantized values", () => {
    const u = mulberry32(11);
    for (const shape of [[64, 128], [1000], [7, 5]]) {
      const layout = chunkLayout(shape, 16);
      const coef = Float32Array.from({ length: layout.size }, () => (u() * 2 - 1) * 10 ** Math.floor(u() * 6 - 3));
      const k = Math.min(3, layout.chunkLen);
      const { sparse, selection: kept } = selectCoefficients(coef, layout, k, "q2");
      expect(sparse.scales).toHaveLength(layout.numChunks);
      // The selection stays unquantized.
      for (let j = 0; j < kept.values.length; j++)
        expect(kept.values[j]).toBe(coef[((j / k) | 0) * layout.chunkLen + kept.indices[j]]);
      const received = decodeUpdate(encodeUpdate({ format: "q2", tensors: [sparse] })).tensors[0];
      expect(received.values).toEqual(dequantizedValues(sparse));
      expect(received.scales).toEqual(sparse.scales);
    }
  });
});
