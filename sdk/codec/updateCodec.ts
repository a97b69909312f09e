// Canonical bytes of a DeMo sparse update, what a trainer hashes into its on-chain receipt and peers exchange.
// Exactly one byte string encodes each update: decode(encode(u)) equals u, encode(decode(b)) equals b, and decode
// rejects everything else with a ConcordError (2000 block) before allocating more than the input's size.
//
// Layout, little-endian:
//   "CDMO"  u8 version (1)  u8 value format (0 f32, 1 f16, 2 sign, 3 q2)  u16 tensor count (>= 1)
//   per tensor, in the model's parameter order:
//     u8 rank (1 or 2)  u32 dims[rank]  u16 chunk sides[rank] (each divides its dim)  u32 k (1..chunkLen)
//     indices: numChunks * k chunk-local indices, u8 if chunkLen <= 256, u16 if <= 65536, else u32,
//              strictly increasing within each chunk
//     values:  f32 or f16 (finite), or sign: one bit per entry, LSB first, 1 = -1, 0 = +1, unused bits zero,
//              or q2: numChunks f16 scales (finite, > 0), then 2 bits per entry, LSB first, code c standing for
//              Q2_LEVELS[c] (-1.5, -0.5, 0.5, 1.5) times its chunk's scale, unused bits zero
// q2 is a new value of the format byte, which decoders before it reject as unknown: the version stays 1.
import { sha256 } from "@noble/hashes/sha256";
import { ConcordError } from "../errors/concordError";
import {
  CONCORD_ERROR__CODEC__INVALID_INDEX,
  CONCORD_ERROR__CODEC__INVALID_SHAPE,
  CONCORD_ERROR__CODEC__INVALID_VALUE,
  CONCORD_ERROR__CODEC__LAYOUT_MISMATCH,
  CONCORD_ERROR__CODEC__MALFORMED_UPDATE,
  CONCORD_ERROR__CODEC__NONCANONICAL,
  CONCORD_ERROR__CODEC__UNSUPPORTED_VERSION,
  CONCORD_ERROR__CODEC__UPDATE_TOO_LARGE,
} from "../errors/codes";
import { Q2_LEVELS } from "../demo/sparseUpdate";
import type { SparseTensor, SparseUpdate, ValueFormat } from "../demo/sparseUpdate";
import { fromFloat16Bits, roundToFloat16, toFloat16Bits } from "./float16";
import { shapeSize } from "../shapeSize";
import { readUint, uintWidth, writeUint } from "../uintWidth";

export const UPDATE_MAGIC = "CDMO";
export const UPDATE_VERSION = 1;
const FORMATS: readonly ValueFormat[] = ["f32", "f16", "sign", "q2"];
const HEADER_BYTES = 8;

export interface UpdateLimits {
  /** Largest accepted encoding in bytes. */
  readonly maxBytes: number;
  /** Most tensors in one update. */
  readonly maxTensors: number;
  /** Largest tensor, in elements. */
  readonly maxTensorSize: number;
}

export const DEFAULT_UPDATE_LIMITS: UpdateLimits = { maxBytes: 64 * 2 ** 20, maxTensors: 4096, maxTensorSize: 2 ** 31 };

/** What the receiver expects: the run's value format and, per tensor, shape, chunk sides and k. */
export interface UpdateLayout {
  readonly format: ValueFormat;
  readonly tensors: readonly {
    readonly shape: readonly number[];
    readonly chunk: readonly number[];
    readonly k: number;
  }[];
}

/** Bytes of a tensor's values; q2's include its chunks' scales. */
function valueBytes(format: ValueFormat, entries: number, numChunks: number): number {
  if (format === "f32") return 4 * entries;
  if (format === "f16") return 2 * entries;
  return format === "sign" ? packedBytes(1, entries) : 2 * numChunks + packedBytes(2, entries);
}

function packedBytes(bits: number, count: number): number {
  return Math.ceil((bits * count) / 8);
}

/** Size of the canonical encoding of `update`. */
export function encodedUpdateSize(update: SparseUpdate): number {
  let n = HEADER_BYTES;
  for (const t of update.tensors) {
    const chunkLen = shapeSize(t.chunk);
    const values = valueBytes(update.format, t.values.length, shapeSize(t.shape) / chunkLen);
    n += 1 + 6 * t.shape.length + 4 + t.indices.length * uintWidth(chunkLen) + values;
  }
  return n;
}

/** The canonical bytes of a valid update; throws the same ConcordErrors decode would for an invalid one. */
export function encodeUpdate(update: SparseUpdate, limits: UpdateLimits = DEFAULT_UPDATE_LIMITS): Uint8Array {
  validateUpdate(update, limits);
  const size = encodedUpdateSize(update);
  if (size > limits.maxBytes) tooLarge(`${size} bytes, limit ${limits.maxBytes}`);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(UPDATE_MAGIC), 0);
  view.setUint8(4, UPDATE_VERSION);
  view.setUint8(5, FORMATS.indexOf(update.format));
  view.setUint16(6, update.tensors.length, true);
  let o = HEADER_BYTES;
  for (const t of update.tensors) {
    view.setUint8(o++, t.shape.length);
    for (const d of t.shape) view.setUint32((o += 4) - 4, d, true);
    for (const c of t.chunk) view.setUint16((o += 2) - 2, c, true);
    view.setUint32(o, t.k, true);
    o += 4;
    const width = uintWidth(shapeSize(t.chunk));
    for (const i of t.indices) {
      writeUint(view, o, width, i);
      o += width;
    }
    if (update.format === "f32") for (const v of t.values) view.setFloat32((o += 4) - 4, v, true);
    else if (update.format === "f16") for (const v of t.values) view.setUint16((o += 2) - 2, toFloat16Bits(v), true);
    else if (update.format === "sign") o = writeCodes(bytes, o, 1, t.values.length, (j) => (t.values[j] < 0 ? 1 : 0));
    else {
      const scales = t.scales ?? new Float32Array(0); // validated: one per chunk
      for (const s of scales) view.setUint16((o += 2) - 2, toFloat16Bits(s), true);
      const code = (j: number) => Q2_LEVELS.indexOf(t.values[j] / scales[Math.floor(j / t.k)]);
      o = writeCodes(bytes, o, 2, t.values.length, code);
    }
  }
  return bytes;
}

/**
 * Parses and fully validates update bytes. With `expected`, also checks the format and every tensor's shape, chunk
 * sides and k against the run's layout.
 */
export function decodeUpdate(
  bytes: Uint8Array,
  expected?: UpdateLayout,
  limits: UpdateLimits = DEFAULT_UPDATE_LIMITS,
): SparseUpdate {
  if (bytes.length > limits.maxBytes) tooLarge(`${bytes.length} bytes, limit ${limits.maxBytes}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 0;
  const need = (n: number, what: string) => {
    if (o + n > bytes.length) malformed(`truncated in ${what} at byte ${o} (needs ${n}, ${bytes.length - o} left)`);
  };
  need(HEADER_BYTES, "the header");
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== UPDATE_MAGIC) malformed("bad magic (not a Concord update)");
  const version = view.getUint8(4);
  if (version !== UPDATE_VERSION)
    throw new ConcordError(CONCORD_ERROR__CODEC__UNSUPPORTED_VERSION, { version, supported: UPDATE_VERSION });
  const format = FORMATS[view.getUint8(5)];
  if (format === undefined) malformed(`unknown value format ${view.getUint8(5)}`);
  const count = view.getUint16(6, true);
  if (count === 0) malformed("no tensors");
  if (count > limits.maxTensors) tooLarge(`${count} tensors, limit ${limits.maxTensors}`);
  o = HEADER_BYTES;
  const tensors: SparseTensor[] = [];
  for (let ti = 0; ti < count; ti++) {
    need(1, `tensor ${ti}'s rank`);
    const rank = view.getUint8(o++);
    if (rank !== 1 && rank !== 2) invalidShape(ti, `rank ${rank} (must be 1 or 2)`);
    need(6 * rank + 4, `tensor ${ti}'s header`);
    const shape: number[] = [];
    const chunk: number[] = [];
    for (let r = 0; r < rank; r++) shape.push(view.getUint32((o += 4) - 4, true));
    for (let r = 0; r < rank; r++) chunk.push(view.getUint16((o += 2) - 2, true));
    const k = view.getUint32(o, true);
    o += 4;
    const { chunkLen, numChunks, entries } = checkTensorHeader(ti, shape, chunk, k, limits);
    const width = uintWidth(chunkLen);
    need(entries * width + valueBytes(format, entries, numChunks), `tensor ${ti}'s entries`);
    const indices = new Uint32Array(entries);
    for (let j = 0; j < entries; j++, o += width) indices[j] = readUint(view, o, width);
    const values = new Float32Array(entries);
    let scales: Float32Array | undefined;
    if (format === "f32") for (let j = 0; j < entries; j++, o += 4) values[j] = view.getFloat32(o, true);
    else if (format === "f16")
      for (let j = 0; j < entries; j++, o += 2) values[j] = fromFloat16Bits(view.getUint16(o, true));
    else if (format === "sign") o = readCodes(bytes, o, 1, entries, ti, (j, c) => (values[j] = c ? -1 : 1));
    else {
      const s = (scales = new Float32Array(numChunks));
      for (let q = 0; q < numChunks; q++, o += 2) s[q] = fromFloat16Bits(view.getUint16(o, true));
      // Exact in float32 for every float16 scale; a bad scale is refused by validateUpdate below.
      o = readCodes(bytes, o, 2, entries, ti, (j, c) => (values[j] = Q2_LEVELS[c] * s[Math.floor(j / k)]));
    }
    tensors.push(scales ? { shape, chunk, k, indices, values, scales } : { shape, chunk, k, indices, values });
  }
  if (o !== bytes.length) malformed(`${bytes.length - o} trailing bytes`);
  const update: SparseUpdate = { format, tensors };
  validateUpdate(update, limits);
  if (expected) checkLayout(update, expected);
  return update;
}

/** sha256 of the canonical bytes: the update's identity in receipts and on the wire. */
export function updateHash(bytes: Uint8Array): Uint8Array {
  return sha256(bytes);
}

/** Throws LAYOUT_MISMATCH unless `update` has the expected format and per-tensor shape, chunk sides and k. */
export function checkLayout(update: SparseUpdate, expected: UpdateLayout): void {
  const mismatch = (reason: string) => {
    throw new ConcordError(CONCORD_ERROR__CODEC__LAYOUT_MISMATCH, { reason });
  };
  if (update.format !== expected.format) mismatch(`value format ${update.format}, expected ${expected.format}`);
  if (update.tensors.length !== expected.tensors.length)
    mismatch(`${update.tensors.length} tensors, expected ${expected.tensors.length}`);
  update.tensors.forEach((t, i) => {
    const e = expected.tensors[i];
    const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, j) => x === b[j]);
    if (!same(t.shape, e.shape)) mismatch(`tensor ${i} has shape [${t.shape}], expected [${e.shape}]`);
    if (!same(t.chunk, e.chunk)) mismatch(`tensor ${i} has chunks [${t.chunk}], expected [${e.chunk}]`);
    if (t.k !== e.k) mismatch(`tensor ${i} has k ${t.k}, expected ${e.k}`);
  });
}

/** Every rule of the format except byte-level ones: what both encode and decode enforce. */
export function validateUpdate(update: SparseUpdate, limits: UpdateLimits = DEFAULT_UPDATE_LIMITS): void {
  if (!FORMATS.includes(update.format)) malformed(`unknown value format ${String(update.format)}`);
  if (update.tensors.length === 0) malformed("no tensors");
  if (update.tensors.length > limits.maxTensors)
    tooLarge(`${update.tensors.length} tensors, limit ${limits.maxTensors}`);
  update.tensors.forEach((t, ti) => {
    if (t.shape.length !== 1 && t.shape.length !== 2) invalidShape(ti, `rank ${t.shape.length} (must be 1 or 2)`);
    if (t.chunk.length !== t.shape.length) invalidShape(ti, `${t.chunk.length} chunk sides for rank ${t.shape.length}`);
    const { chunkLen, numChunks, entries } = checkTensorHeader(ti, t.shape, t.chunk, t.k, limits);
    if (t.indices.length !== entries || t.values.length !== entries)
      invalidShape(ti, `${t.indices.length} indices and ${t.values.length} values, expected ${entries}`);
    const { indices, values, scales, k } = t;
    if (update.format === "q2" ? scales?.length !== numChunks : scales !== undefined)
      invalidShape(
        ti,
        `${scales?.length ?? "no"} scales in format ${update.format} (q2 has one per chunk, here ${numChunks})`,
      );
    for (let j = 0; j < entries; j++) {
      const i = indices[j];
      if (i >= chunkLen || (j % k !== 0 && i <= indices[j - 1]))
        throw new ConcordError(CONCORD_ERROR__CODEC__INVALID_INDEX, { tensor: ti, chunk: Math.floor(j / k), index: i });
    }
    const isF16 = (v: number) => Number.isFinite(v) && roundToFloat16(v) === v;
    scales?.forEach((s, q) => {
      if (!(s > 0 && isF16(s))) invalidValue(ti, `chunk ${q}'s scale`, s, update.format);
    });
    // Products of a float16 scale and 0.5 or 1.5 are exact, so equality decides membership.
    const isQ2Level = (v: number, s: number) => Math.abs(v) === 0.5 * s || Math.abs(v) === 1.5 * s;
    const representable =
      update.format === "sign"
        ? (v: number) => v === 1 || v === -1
        : update.format === "f16"
          ? isF16
          : update.format === "q2"
            ? (v: number, j: number) => scales !== undefined && isQ2Level(v, scales[Math.floor(j / k)])
            : Number.isFinite;
    for (let j = 0; j < entries; j++) if (!representable(values[j], j)) invalidValue(ti, j, values[j], update.format);
  });
}

function checkTensorHeader(
  ti: number,
  shape: readonly number[],
  chunk: readonly number[],
  k: number,
  limits: UpdateLimits,
): { chunkLen: number; numChunks: number; entries: number } {
  shape.forEach((d, r) => {
    if (!Number.isInteger(d) || d < 1) invalidShape(ti, `dimension ${r} is ${d}`);
    const c = chunk[r];
    if (!Number.isInteger(c) || c < 1 || c > 0xffff || d % c !== 0)
      invalidShape(ti, `chunk side ${c} does not divide dimension ${r} (${d})`);
  });
  const size = shapeSize(shape);
  if (size > limits.maxTensorSize) tooLarge(`tensor ${ti} has ${size} elements, limit ${limits.maxTensorSize}`);
  const chunkLen = shapeSize(chunk);
  if (!Number.isInteger(k) || k < 1 || k > chunkLen) invalidShape(ti, `k ${k} outside 1..${chunkLen}`);
  return { chunkLen, numChunks: size / chunkLen, entries: (size / chunkLen) * k };
}

/** Packs `count` codes of `bits` bits each from byte `o`, LSB first; returns the offset after them. */
function writeCodes(bytes: Uint8Array, o: number, bits: number, count: number, code: (j: number) => number): number {
  for (let j = 0; j < count; j++) bytes[o + ((j * bits) >> 3)] |= code(j) << ((j * bits) & 7);
  return o + packedBytes(bits, count);
}

/** Unpacks what writeCodes packed, refusing set unused bits; returns the offset after the codes. */
function readCodes(
  bytes: Uint8Array,
  o: number,
  bits: number,
  count: number,
  ti: number,
  take: (j: number, code: number) => void,
): number {
  const mask = (1 << bits) - 1;
  for (let j = 0; j < count; j++) take(j, (bytes[o + ((j * bits) >> 3)] >> ((j * bits) & 7)) & mask);
  const used = (count * bits) & 7;
  if (used !== 0 && bytes[o + ((count * bits) >> 3)] >> used !== 0)
    throw new ConcordError(CONCORD_ERROR__CODEC__NONCANONICAL, { reason: `tensor ${ti}: unused value bits set` });
  return o + packedBytes(bits, count);
}

function malformed(reason: string): never {
  throw new ConcordError(CONCORD_ERROR__CODEC__MALFORMED_UPDATE, { reason });
}
function tooLarge(reason: string): never {
  throw new ConcordError(CONCORD_ERROR__CODEC__UPDATE_TOO_LARGE, { reason });
}
function invalidShape(tensor: number, reason: string): never {
  throw new ConcordError(CONCORD_ERROR__CODEC__INVALID_SHAPE, { tensor, reason });
}
function invalidValue(tensor: number, entry: number | string, value: number, format: ValueFormat): never {
  throw new ConcordError(CONCORD_ERROR__CODEC__INVALID_VALUE, { tensor, entry, value, format });
}
