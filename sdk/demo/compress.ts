// DeMo's compression of one tensor's momentum: chunked DCT, top-k per chunk, quantization of the values for the wire.
// The unquantized selection is returned too: the sender subtracts exactly that part from its momentum.
import { chunkLayout, layoutOf } from "./chunkLayout";
import type { ChunkLayout } from "./chunkLayout";
import { chunkedDct, chunkedIdct } from "./chunkedDct";
import type { SparseTensor, ValueFormat } from "./sparseUpdate";
import { topKPerChunk } from "./topK";
import type { ChunkSelection } from "./topK";
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

/** Selects the k largest DCT coefficients per chunk of `momentum` and quantizes them for the wire. */
export function compressTensor(
  momentum: Float32Array,
  layout: ChunkLayout,
  k: number,
  format: ValueFormat,
): { sparse: SparseTensor; selection: ChunkSelection } {
  const selection = topKPerChunk(chunkedDct(momentum, layout), layout.chunkLen, k);
  const values = selection.values.map((v) => quantizeValue(v, format));
  return { sparse: { shape: layout.shape, chunk: layout.chunk, k, indices: selection.indices, values }, selection };
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

/** The tensor-space value of a selection: what leaves the momentum once it has been sent. */
export function expandSelection(selection: ChunkSelection, layout: ChunkLayout, k: number): Float32Array {
  return chunkedIdct(scatterSelection(selection, layout, k), layout);
}

/** The layout of a sparse tensor as carried in an update. */
export function layoutOfSparse(t: SparseTensor): ChunkLayout {
  return layoutOf(t.shape, t.chunk);
}
