// The chunked orthonormal DCT-II of a tensor (and its inverse) in the chunk-major layout of chunkLayout.ts.
import type { ChunkLayout } from "./chunkLayout";
import { dct } from "./dct";

/** Coefficients of `x` (row-major tensor values), chunk-major. Computed in float64, stored as float32. */
export function chunkedDct(x: Float32Array, layout: ChunkLayout, out = new Float32Array(layout.size)): Float32Array {
  const [r, c] = tileSides(layout);
  const tile = new Float64Array(layout.chunkLen);
  const spare = new Float64Array(layout.chunkLen);
  for (let q = 0; q < layout.numChunks; q++) {
    const base = tileBase(layout, q);
    const cols = rowLength(layout);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) tile[i * c + j] = x[base + i * cols + j];
    // Along the rows axis for every column at once, transpose, again for the other axis, transpose back.
    dct(r).forward(tile, c);
    if (r > 1) {
      transpose(tile, spare, r, c);
      dct(c).forward(spare, r);
      transpose(spare, tile, c, r);
    } else dct(c).forward(tile, 1);
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
  const [r, c] = tileSides(layout);
  const tile = new Float64Array(layout.chunkLen);
  const spare = new Float64Array(layout.chunkLen);
  const cols = rowLength(layout);
  for (let q = 0; q < layout.numChunks; q++) {
    tile.set(coef.subarray(q * layout.chunkLen, (q + 1) * layout.chunkLen));
    if (r > 1) {
      transpose(tile, spare, r, c);
      dct(c).inverse(spare, r);
      transpose(spare, tile, c, r);
    } else dct(c).inverse(tile, 1);
    dct(r).inverse(tile, c);
    const base = tileBase(layout, q);
    for (let i = 0; i < r; i++)
      for (let j = 0; j < c; j++) {
        const o = base + i * cols + j;
        out[o] = accumulate ? out[o] + tile[i * c + j] : tile[i * c + j];
      }
  }
  return out;
}

/** [rows, cols] of a chunk; a vector's chunk is one row. */
function tileSides(layout: ChunkLayout): [number, number] {
  return layout.chunk.length === 2 ? [layout.chunk[0], layout.chunk[1]] : [1, layout.chunk[0]];
}

function rowLength(layout: ChunkLayout): number {
  return layout.shape.length === 2 ? layout.shape[1] : layout.size;
}

/** Offset in the row-major tensor of chunk q's first element. */
function tileBase(layout: ChunkLayout, q: number): number {
  const [r, c] = tileSides(layout);
  const cols = rowLength(layout);
  const gridCols = cols / c;
  return Math.floor(q / gridCols) * r * cols + (q % gridCols) * c;
}

function transpose(src: Float64Array, dst: Float64Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) dst[j * rows + i] = src[i * cols + j];
}
