// DeMo's compression of one tensor's momentum: chunked DCT, top-k per chunk, quantization of the values for the wire.
// The unquantized selection is returned too: the sender subtracts exactly that part from its momentum.
import { chunkLayout, layoutOf } from "./chunkLayout";
import type { ChunkLayout } from "./chunkLayout";
import { chunkedDct } from "./chunkedDct";
import type { SparseTensor, ValueFormat } from "./sparseUpdate";
import { jsTopK } from "./topK";
import type { ChunkSelection, TopKSelector } from "./topK";
import type { UpdateLayout } from "../codec/updateCodec";
import { roundToFloat16 } from "../codec/float16";

/** The update layout of a model: chunk sides from `chunkTarget`, k clamped to each tensor's chunk length. */
export function planUpdateLayout(
  shapes: readonly (readonly number[])[],
  chunkTarget: number,
  k: number,
  format: ValueFormat,
): UpdateLayout {
  return {
    format,
    tensors: shapes.map((shape) => {
      const layout = chunkLayout(shape, chunkTarget);
      return { shape: layout.shape, chunk: layout.chunk, k: Math.min(k, layout.chunkLen) };
    }),
  };
}

/** A value as the format carries it: float32, nearest float16, or its sign (zero counts as +1). */
export function quantizeValue(v: number, format: ValueFormat): number {
  if (format === "sign") return v < 0 ? -1 : 1;
  return format === "f16" ? roundToFloat16(v) : Math.fround(v);
}

/**
 * Selects the k largest coefficients per chunk (chunk-major `coef`) and quantizes them for the wire; the
 * unquantized selection is what the sender removes from its momentum.
 */
export function selectCoefficients(
  coef: Float32Array,
  layout: ChunkLayout,
  k: number,
  format: ValueFormat,
  topK: TopKSelector = jsTopK,
): { sparse: SparseTensor; selection: ChunkSelection } {
  const selection = topK.select(coef, layout.chunkLen, k);
  const values = selection.values.map((v) => quantizeValue(v, format));
  return { sparse: { shape: layout.shape, chunk: layout.chunk, k, indices: selection.indices, values }, selection };
}

/** selectCoefficients of the chunked DCT of tensor values `x`. */
export function compressTensor(x: Float32Array, layout: ChunkLayout, k: number, format: ValueFormat) {
  return selectCoefficients(chunkedDct(x, layout), layout, k, format);
}

/** Dense chunk-major coefficients holding only the selected entries (k per chunk). */
export function scatterSelection(
  selection: ChunkSelection,
  layout: ChunkLayout,
  k: number,
  out = new Float64Array(layout.size),
): Float64Array {
  for (let j = 0; j < selection.indices.length; j++)
    out[Math.floor(j / k) * layout.chunkLen + selection.indices[j]] = selection.values[j];
  return out;
}

/** The layout of a sparse tensor as carried in an update. */
export function layoutOfSparse(t: SparseTensor): ChunkLayout {
  return layoutOf(t.shape, t.chunk);
}
