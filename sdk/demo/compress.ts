// DeMo's compression of one tensor's momentum: chunked DCT, top-k per chunk, quantization of the values for the wire.
// The unquantized selection is returned too, and dequantizedValues gives what receivers see: the sender chooses which
// to subtract from its momentum (DeMo removes the selection; error feedback removes what was sent).
import { chunkLayout, layoutOf } from "./chunkLayout";
import type { ChunkLayout } from "./chunkLayout";
import { chunkedDct } from "./chunkedDct";
import type { SparseTensor, ValueFormat } from "./sparseUpdate";
import { jsTopK } from "./topK";
import type { ChunkSelection, TopKSelector } from "./topK";
import type { UpdateLayout } from "../codec/updateCodec";
import { fromFloat16Bits, roundToFloat16 } from "../codec/float16";

/** The smallest and largest positive finite float16 values, the range of a q2 scale. */
const F16_MIN = 2 ** -24;
const F16_MAX = fromFloat16Bits(0x7bff);

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

/**
 * A value as the format carries it: float32, nearest float16, or its sign (zero counts as +1). q2 depends on the
 * chunk's other values, see selectCoefficients.
 */
export function quantizeValue(v: number, format: Exclude<ValueFormat, "q2">): number {
  if (format === "sign") return v < 0 ? -1 : 1;
  return format === "f16" ? roundToFloat16(v) : Math.fround(v);
}

/**
 * Selects the k largest coefficients per chunk (chunk-major `coef`) and quantizes them for the wire; the unquantized
 * selection comes back with them.
 */
export function selectCoefficients(
  coef: Float32Array,
  layout: ChunkLayout,
  k: number,
  format: ValueFormat,
  topK: TopKSelector = jsTopK,
): { sparse: SparseTensor; selection: ChunkSelection } {
  const selection = topK.select(coef, layout.chunkLen, k);
  const { shape, chunk } = layout;
  if (format === "q2")
    return { sparse: { shape, chunk, k, indices: selection.indices, ...quantizeQ2(selection, k) }, selection };
  const values = selection.values.map((v) => quantizeValue(v, format));
  return { sparse: { shape, chunk, k, indices: selection.indices, values }, selection };
}

/**
 * q2 values of a selection (k per chunk): per chunk, scale s is the float16 nearest the mean |v| (at least the
 * smallest positive one, so it is never 0), and each value becomes sign(v) * (|v| >= s ? 1.5 : 0.5) * s.
 */
export function quantizeQ2(selection: ChunkSelection, k: number): { values: Float32Array; scales: Float32Array } {
  const n = selection.values.length;
  const scales = new Float32Array(n / k);
  const values = new Float32Array(n);
  for (let q = 0; q < scales.length; q++) {
    let sum = 0;
    for (let j = q * k; j < (q + 1) * k; j++) sum += Math.abs(selection.values[j]);
    const mean = sum / k;
    // Rounding alone gives 0 or infinity at the ends of the range; a non-finite mean stays, for the codec to refuse.
    const s = Number.isFinite(mean) ? Math.min(F16_MAX, Math.max(F16_MIN, roundToFloat16(mean))) : mean;
    scales[q] = s;
    for (let j = q * k; j < (q + 1) * k; j++) {
      const v = selection.values[j];
      const level = (Math.abs(v) >= s ? 1.5 : 0.5) * (v < 0 ? -1 : 1);
      values[j] = level * s;
    }
  }
  return { values, scales };
}

/**
 * The values of `t` as receivers decode and aggregate them, to subtract exactly what was sent: every format carries
 * them as they are (q2's are level * scale already), so this is `t.values` itself, not a copy.
 */
export function dequantizedValues(t: SparseTensor): Float32Array {
  return t.values;
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
