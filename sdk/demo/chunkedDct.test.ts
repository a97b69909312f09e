import { mulberry32 } from "../seededRandom";
import { chunkLayout, largestDivisorAtMost } from "./chunkLayout";
import { chunkedDct, chunkedIdct } from "./chunkedDct";
import { dctBasis } from "./dct";

const random = (n: number, seed = 3) => {
  const u = mulberry32(seed);
  return Float32Array.from({ length: n }, () => u() * 2 - 1);
};

describe("chunk layout", () => {
  test("chunk sides are the largest divisors not above the target (Psyche's rule)", () => {
    expect(largestDivisorAtMost(128, 64)).toBe(64);
    expect(largestDivisorAtMost(65, 64)).toBe(13);
    expect(largestDivisorAtMost(100, 26)).toBe(25);
    expect(largestDivisorAtMost(67, 64)).toBe(1);
    expect(largestDivisorAtMost(12, 5)).toBe(4);
    expect(chunkLayout([65, 128])).toMatchObject({ chunk: [13, 64], chunkLen: 832, numChunks: 10, size: 8320 });
    expect(chunkLayout([384])).toMatchObject({ chunk: [64], numChunks: 6 });
    expect(chunkLayout([])).toMatchObject({ shape: [1], chunk: [1], numChunks: 1 });
  });
});

describe("chunked DCT", () => {
  test.each([[[64, 64]], [[128, 192]], [[65, 128]], [[7, 5]], [[1000]], [[67]]])("shape %j round-trips", (shape) => {
    const layout = chunkLayout(shape);
    const x = random(layout.size);
    const back = chunkedIdct(chunkedDct(x, layout), layout);
    for (let i = 0; i < x.length; i++) expect(Math.abs(back[i] - x[i])).toBeLessThan(1e-6);
  });

  test("a 2-D chunk holds C X C^T of its tile, chunk-major over the grid", () => {
    const layout = chunkLayout([128, 64]);
    const x = random(layout.size, 4);
    const coef = chunkedDct(x, layout);
    const c = dctBasis(64);
    // Chunk 1 is the lower tile (rows 64..127).
    for (const [u, v] of [
      [0, 0],
      [3, 17],
      [63, 63],
    ]) {
      let s = 0;
      for (let r = 0; r < 64; r++)
        for (let q = 0; q < 64; q++) s += c[u * 64 + r] * x[(64 + r) * 64 + q] * c[v * 64 + q];
      expect(coef[4096 + u * 64 + v]).toBeCloseTo(s, 5);
    }
  });

  test("accumulate adds into the output", () => {
    const layout = chunkLayout([64, 128]);
    const x = random(layout.size, 5);
    const out = Float32Array.from(x);
    chunkedIdct(chunkedDct(x, layout), layout, out, true);
    for (let i = 0; i < x.length; i++) expect(out[i]).toBeCloseTo(2 * x[i], 5);
  });
});

test("golden values: DCT of 0..7 as in Psyche's distro.rs test_encode_1d", () => {
  const coef = chunkedDct(
    Float32Array.from({ length: 8 }, (_, i) => i),
    chunkLayout([8]),
  );
  const golden = [9.8995, -6.4423, 0, -0.67345, 0, -0.2009, 0, -0.050702];
  golden.forEach((g, i) => expect(coef[i]).toBeCloseTo(g, 4));
});
