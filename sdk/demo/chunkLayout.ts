// How DeMo cuts a tensor into chunks. As in Psyche's DisTrO, each dimension is split into chunks whose side is the
// largest divisor of the dimension not above the target (64): chunks tile the tensor exactly, so the chunked DCT is
// orthonormal on the whole tensor and nothing is padded. Matrices get (rows/r) x (cols/c) tiles of r x c; vectors get
// runs of c. Coefficients are stored chunk-major: chunk q (row-major over the chunk grid) occupies
// [q * chunkLen, (q + 1) * chunkLen), and within a tile coefficient (u, v) sits at u * c + v.
import { shapeSize } from "../shapeSize";

export interface ChunkLayout {
  /** Tensor shape: [n] or [rows, cols]. */
  readonly shape: readonly number[];
  /** Chunk sides, one per dimension, each dividing its dimension. */
  readonly chunk: readonly number[];
  /** Elements (and coefficients) per chunk. */
  readonly chunkLen: number;
  readonly numChunks: number;
  /** Elements in the tensor (= numChunks * chunkLen). */
  readonly size: number;
}

/** The largest divisor of n that is at most target (1 when none above 1 fits). */
export function largestDivisorAtMost(n: number, target: number): number {
  for (let d = Math.min(n, target); d > 1; d--) if (n % d === 0) return d;
  return 1;
}

/** Layout for a tensor of rank 1 or 2 with chunk sides derived from `target`; rank 0 is treated as [1]. */
export function chunkLayout(shape: readonly number[], target = 64): ChunkLayout {
  const dims = shape.length === 0 ? [1] : shape;
  return layoutOf(
    dims,
    dims.map((d) => largestDivisorAtMost(d, target)),
  );
}

/** Layout with explicit chunk sides (as read from an encoded update); the caller has checked they divide `shape`. */
export function layoutOf(shape: readonly number[], chunk: readonly number[]): ChunkLayout {
  const chunkLen = shapeSize(chunk);
  const size = shapeSize(shape);
  return { shape: [...shape], chunk: [...chunk], chunkLen, numChunks: size / chunkLen, size };
}
