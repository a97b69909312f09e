import { CONCORD_ERROR__CODEC__LAYOUT_MISMATCH } from "../errors/codes";
import type { SparseUpdate } from "../demo/sparseUpdate";
import { expectConcordError } from "../../tests/helpers/expectConcordError";
import { indexOverlap } from "./updateOverlap";

/** One 8-entry tensor in chunks of 4, k = 2: the given chunk-local indices, values all 1. */
const update = (indices: number[]): SparseUpdate => ({
  format: "f32",
  tensors: [{ shape: [8], chunk: [4], k: 2, indices: Uint32Array.from(indices), values: new Float32Array(4).fill(1) }],
});

test("overlap counts the entries both updates select, chunk by chunk", () => {
  const a = update([0, 1, 2, 3]);
  expect(indexOverlap(a, a)).toBe(1);
  expect(indexOverlap(a, update([0, 1, 0, 1]))).toBe(0.5); // same first chunk, disjoint second
  expect(indexOverlap(a, update([2, 3, 0, 1]))).toBe(0);
  // the same index in another chunk is another entry
  expect(indexOverlap(update([0, 1, 0, 1]), update([2, 3, 0, 1]))).toBe(0.5);
  expect(indexOverlap(a, update([1, 2, 1, 3]))).toBe(0.5);
});

test("updates of different layouts cannot be compared", () => {
  const other: SparseUpdate = { ...update([0, 1, 2, 3]), format: "sign" };
  expectConcordError(() => indexOverlap(update([0, 1, 2, 3]), other), CONCORD_ERROR__CODEC__LAYOUT_MISMATCH);
});
