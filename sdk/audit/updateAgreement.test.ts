import type { SparseUpdate } from "../demo/sparseUpdate";
import { updateAgreement, withinTolerance } from "./updateAgreement";

/** One 8-entry tensor in chunks of 4, k = 2, with the given chunk-local indices and values. */
const update = (indices: number[], values: number[]): SparseUpdate => ({
  format: "f32",
  tensors: [{ shape: [8], chunk: [4], k: 2, indices: Uint32Array.from(indices), values: Float32Array.from(values) }],
});

test("agreement: the overlap of the selections, and the relative error of the shared entries' values", () => {
  const committed = update([0, 1, 2, 3], [3, 4, -3, -4]);
  expect(updateAgreement(committed, committed)).toEqual({ indexOverlap: 1, relativeError: 0 });
  // the shared entries of chunk 0 are exact, chunk 1 selected other indices
  expect(updateAgreement(update([0, 1, 0, 1], [3, 4, 1, 1]), committed)).toEqual({
    indexOverlap: 0.5,
    relativeError: 0,
  });
  const rounded = updateAgreement(update([0, 1, 2, 3], [3, 4, -3, -4.5]), committed);
  expect(rounded.indexOverlap).toBe(1);
  expect(rounded.relativeError).toBeCloseTo(0.5 / Math.sqrt(50));
  expect(updateAgreement(update([2, 3, 0, 1], [1, 1, 1, 1]), committed).relativeError).toBe(0);
});

test("tolerance: 90% of the entries shared and 10% relative error at most", () => {
  expect(withinTolerance({ indexOverlap: 0.9, relativeError: 0.1 })).toBe(true);
  expect(withinTolerance({ indexOverlap: 0.89, relativeError: 0 })).toBe(false);
  expect(withinTolerance({ indexOverlap: 1, relativeError: 0.11 })).toBe(false);
});
