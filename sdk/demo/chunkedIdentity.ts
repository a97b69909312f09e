// The chunked identity: tensor values in the chunk-major layout of chunkLayout.ts, untransformed. With it, top-k per
// chunk selects the largest values of each tile directly (SparseLoCo's chunked top-k, no DCT), and the rest of the
// DeMo path (selection, codec, aggregation) is unchanged.
import type { ChunkLayout } from "./chunkLayout";
import type { ChunkedDct } from "./chunkedDct";
import { tileBase, tileGeometry } from "./chunkedDct";

/** Gathers each r x c tile of `x` (row-major) into its chunk, in the same walk as chunkedDct. */
export function gatherChunks(x: Float32Array, layout: ChunkLayout, out = new Float32Array(layout.size)): Float32Array {
  const g = tileGeometry(layout);
  const { r, c, cols } = g;
  for (let q = 0; q < layout.numChunks; q++) {
    const base = tileBase(g, q);
    const o = q * layout.chunkLen;
    for (let i = 0; i < r; i++) out.set(x.subarray(base + i * cols, base + i * cols + c), o + i * c);
  }
  return out;
}

/** Scatters chunk-major values back to the row-major tensor; adds into `out` when `accumulate`. */
export function scatterChunks(
  chunks: Float32Array | Float64Array,
  layout: ChunkLayout,
  out = new Float32Array(layout.size),
  accumulate = false,
): Float32Array {
  const g = tileGeometry(layout);
  const { r, c, cols } = g;
  for (let q = 0; q < layout.numChunks; q++) {
    const base = tileBase(g, q);
    const o = q * layout.chunkLen;
    if (accumulate)
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[base + i * cols + j] += chunks[o + i * c + j];
    else for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[base + i * cols + j] = chunks[o + i * c + j];
  }
  return out;
}

export const chunkedIdentity: ChunkedDct = { name: "identity", forward: gatherChunks, inverse: scatterChunks };
