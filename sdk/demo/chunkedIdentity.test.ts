import { mulberry32 } from "../seededRandom";
import { aggregateUpdates } from "./aggregate";
import { chunkLayout } from "./chunkLayout";
import { chunkedIdentity, gatherChunks, scatterChunks } from "./chunkedIdentity";
import { selectCoefficients } from "./compress";

const random = (n: number, seed = 3) => {
  const u = mulberry32(seed);
  return Float32Array.from({ length: n }, () => u() * 2 - 1);
};

// Vectors, square and non-square tiles, a prime side (chunks of 1), one chunk for the whole tensor.
const LAYOUTS: [number[], number][] = [
  [[64, 64], 64],
  [[128, 192], 64],
  [[65, 128], 64],
  [[12, 10], 4],
  [[12, 10], 5],
  [[7, 5], 64],
  [[6, 9], 3],
  [[1000], 64],
  [[67], 64],
  [[1], 64],
];

describe("chunked identity", () => {
  test.each(LAYOUTS)("shape %j (target %d): inverse(forward(x)) = x, forward(inverse(c)) = c", (shape, target) => {
    const layout = chunkLayout(shape, target);
    const x = random(layout.size);
    const chunks = chunkedIdentity.forward(x, layout);
    expect(chunkedIdentity.inverse(chunks, layout)).toEqual(x);
    expect(chunkedIdentity.forward(chunkedIdentity.inverse(x, layout), layout)).toEqual(x);
    expect(Float32Array.from(chunks).sort()).toEqual(Float32Array.from(x).sort()); // a permutation
  });

  test("chunk q holds its r x c tile row by row, chunk-major over the grid", () => {
    const layout = chunkLayout([12, 10], 5); // tiles 4 x 5, a 3 x 2 grid
    const x = Float32Array.from({ length: layout.size }, (_, i) => i);
    const chunks = gatherChunks(x, layout);
    // Chunk 3 is the grid's second row, second column: rows 4..7, columns 5..9.
    expect(Array.from(chunks.subarray(3 * 20, 4 * 20))).toEqual(
      [4, 5, 6, 7].flatMap((r) => [5, 6, 7, 8, 9].map((c) => r * 10 + c)),
    );
  });

  test("accumulate adds into the output, from float32 or float64 chunks", () => {
    const layout = chunkLayout([12, 10], 5);
    const x = random(layout.size, 5);
    const out = Float32Array.from(x);
    scatterChunks(gatherChunks(x, layout), layout, out, true);
    expect(out).toEqual(x.map((v) => 2 * v));
    scatterChunks(Float64Array.from(gatherChunks(x, layout)), layout, out, true);
    expect(out).toEqual(x.map((v) => Math.fround(2 * v + v)));
  });

  test("through the DeMo path, one peer's update is its top-k entries of each tile, in place", () => {
    const layout = chunkLayout([12, 10], 5);
    const x = random(layout.size, 6);
    const { sparse } = selectCoefficients(chunkedIdentity.forward(x, layout), layout, 3, "f32");
    const [direction] = aggregateUpdates([{ format: "f32", tensors: [sparse] }], { kind: "mean" }, chunkedIdentity);
    // Each 4 x 5 tile keeps its 3 largest |x|; everything else is zero.
    let kept = 0;
    direction.forEach((v, i) => {
      if (v !== 0) expect(v).toBe(x[i]);
      if (v !== 0) kept++;
    });
    expect(kept).toBe(3 * layout.numChunks);
  });
});
