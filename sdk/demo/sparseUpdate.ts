// A DeMo update as peers exchange it: per model tensor, the k largest DCT coefficients of every chunk of the
// sender's momentum, as chunk-local indices and (quantized) values. updateCodec.ts gives it canonical bytes.

/**
 * How values travel: float32, float16, only their sign (1 bit, +1 or -1), or q2: 2 bits per value, one of four levels
 * of a float16 scale per chunk (SparseLoCo's quantization).
 */
export type ValueFormat = "f32" | "f16" | "sign" | "q2";

/** q2's levels in units of its chunk's scale, by 2-bit code. Times a float16 scale each is exact in float32. */
export const Q2_LEVELS: readonly number[] = [-1.5, -0.5, 0.5, 1.5];

export interface SparseTensor {
  /** Tensor shape: [n] or [rows, cols]. */
  readonly shape: readonly number[];
  /** Chunk sides (see chunkLayout.ts). */
  readonly chunk: readonly number[];
  /** Coefficients kept per chunk. */
  readonly k: number;
  /** numChunks * k chunk-local indices; chunk q's are at [q * k, (q + 1) * k), strictly increasing. */
  readonly indices: Uint32Array;
  /** The matching values as receivers see them, exactly representable in the update's format (q2: level * scale). */
  readonly values: Float32Array;
  /** q2 only, and always with it: one scale per chunk, finite, > 0 and a float16 value. */
  readonly scales?: Float32Array;
}

export interface SparseUpdate {
  readonly format: ValueFormat;
  /** One entry per model tensor, in the model's parameter order. */
  readonly tensors: readonly SparseTensor[];
}
