// A DeMo update as peers exchange it: per model tensor, the k largest DCT coefficients of every chunk of the
// sender's momentum, as chunk-local indices and (quantized) values. updateCodec.ts gives it canonical bytes.

/** How values travel: float32, float16, or only their sign (1 bit, +1 or -1). */
export type ValueFormat = "f32" | "f16" | "sign";

export interface SparseTensor {
  /** Tensor shape: [n] or [rows, cols]. */
  readonly shape: readonly number[];
  /** Chunk sides (see chunkLayout.ts). */
  readonly chunk: readonly number[];
  /** Coefficients kept per chunk. */
  readonly k: number;
  /** numChunks * k chunk-local indices; chunk q's are at [q * k, (q + 1) * k), strictly increasing. */
  readonly indices: Uint32Array;
  /** The matching values, exactly representable in the update's format. */
  readonly values: Float32Array;
}

export interface SparseUpdate {
  readonly format: ValueFormat;
  /** One entry per model tensor, in the model's parameter order. */
  readonly tensors: readonly SparseTensor[];
}
