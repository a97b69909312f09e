// The chunked orthonormal DCT-II of a tensor (and its inverse) in the chunk-major layout of chunkLayout.ts.
import type { ChunkLayout } from "./chunkLayout";
import { dct } from "./dct";

// A chunk is an r x c tile of the row-major tensor (a vector's chunk is 1 x c). The 2-D transform is separable:
// the tile is gathered transposed (c x r) so one pass transforms along its rows for all of them at once, then it is
// transposed back (r x c) and transformed along its columns. The inverse runs the same steps backwards.

/**
 * A chunked transform implementation. jsChunkedDct (below) is the reference; another (the trainer's native DCT)
 * must give the same bits, since update bytes and hashes depend on them.
 */
export interface ChunkedDct {
  readonly name: string;
  forward(x: Float32Array, layout: ChunkLayout, out?: Float32Array): Float32Array;
  inverse(
    coef: Float32Array | Float64Array,
    layout: ChunkLayout,
    out?: Float32Array,
    accumulate?: boolean,
  ): Float32Array;
}

/** Tensor rows and columns (a vector is one row) and tile sides r x c, as every implementation walks them. */
export function tileGeometry(layout: ChunkLayout): { rows: number; cols: number; r: number; c: number } {
  const [r, c] = tileSides(layout);
  const cols = rowLength(layout);
  return { rows: layout.size / cols, cols, r, c };
}

/** Coefficients of `x` (row-major tensor values), chunk-major. Computed in float64, stored as float32. */
export function chunkedDct(x: Float32Array, layout: ChunkLayout, out = new Float32Array(layout.size)): Float32Array {
  const w = tileWork(layout);
  const { r, c, cols, rowT, colT, tile, spare } = w;
  for (let q = 0; q < layout.numChunks; q++) {
    const base = tileBase(w, q);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) spare[j * r + i] = x[base + i * cols + j];
    rowT.forward(spare, r);
    for (let j = 0; j < c; j++) for (let i = 0; i < r; i++) tile[i * c + j] = spare[j * r + i];
    if (r > 1) colT.forward(tile, c);
    out.set(tile, q * layout.chunkLen);
  }
  return out;
}

/** Tensor values (row-major) from chunk-major coefficients; adds into `out` when `accumulate`. */
export function chunkedIdct(
  coef: Float32Array | Float64Array,
  layout: ChunkLayout,
  out = new Float32Array(layout.size),
  accumulate = false,
): Float32Array {
  const w = tileWork(layout);
  const { r, c, cols, rowT, colT, tile, spare } = w;
  for (let q = 0; q < layout.numChunks; q++) {
    tile.set(coef.subarray(q * layout.chunkLen, (q + 1) * layout.chunkLen));
    if (r > 1) colT.inverse(tile, c);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) spare[j * r + i] = tile[i * c + j];
    rowT.inverse(spare, r);
    const base = tileBase(w, q);
    if (accumulate)
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[base + i * cols + j] += spare[j * r + i];
    else for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[base + i * cols + j] = spare[j * r + i];
  }
  return out;
}

export const jsChunkedDct: ChunkedDct = { name: "js", forward: chunkedDct, inverse: chunkedIdct };

/** tileGeometry plus the two transforms and scratch tiles. */
function tileWork(layout: ChunkLayout) {
  const g = tileGeometry(layout);
  const scratch = () => new Float64Array(layout.chunkLen);
  return { ...g, rowT: dct(g.c), colT: dct(g.r), tile: scratch(), spare: scratch() };
}

/** [rows, cols] of a chunk; a vector's chunk is one row. */
function tileSides(layout: ChunkLayout): [number, number] {
  return layout.chunk.length === 2 ? [layout.chunk[0], layout.chunk[1]] : [1, layout.chunk[0]];
}

function rowLength(layout: ChunkLayout): number {
  return layout.shape.length === 2 ? layout.shape[1] : layout.size;
}

/** Offset in the row-major tensor of chunk q's first element (`w` from tileGeometry). */
export function tileBase(w: { r: number; c: number; cols: number }, q: number): number {
  const gridCols = w.cols / w.c;
  return Math.floor(q / gridCols) * w.r * w.cols + (q % gridCols) * w.c;
}
