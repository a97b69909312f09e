// The safetensors layout (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of JSON header
// naming each tensor's dtype, shape and [begin, end) byte range in the data that follows, then the raw little-endian
// tensor bytes, contiguous and in header order. Concord writes and reads float32 tensors only, so a checkpoint opens
// in any safetensors reader. Decoding is strict: the bytes may come from anyone, so every offset, size and shape is
// checked before a tensor is built, and nothing is left unaccounted for.
import { ConcordError } from "../errors/concordError";
import { CONCORD_ERROR__CODEC__MALFORMED_CHECKPOINT } from "../errors/codes";

export interface NamedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface Safetensors {
  readonly tensors: NamedTensor[];
  /** The header's `__metadata__`: strings only, as the format requires. */
  readonly metadata: Readonly<Record<string, string>>;
}

const METADATA_KEY = "__metadata__";
/** The reference implementation's limit on the header. */
const MAX_HEADER_BYTES = 100_000_000;
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

const malformed = (reason: string) => new ConcordError(CONCORD_ERROR__CODEC__MALFORMED_CHECKPOINT, { reason });

const elements = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The safetensors bytes of `tensors` in the order given, with `metadata` in the header. */
export function encodeSafetensors(tensors: readonly NamedTensor[], metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = { [METADATA_KEY]: metadata };
  let offset = 0;
  for (const t of tensors) {
    if (t.name === METADATA_KEY || t.name in header) throw malformed(`tensor name ${t.name} is reserved or repeated`);
    if (elements(t.shape) !== t.data.length)
      throw malformed(`tensor ${t.name}: shape [${t.shape.join(", ")}] does not hold ${t.data.length} values`);
    header[t.name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + t.data.length * 4] };
    offset += t.data.length * 4;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  // The header is padded with spaces to 8 bytes, so the tensors start aligned (as the reference writer does)
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(padded), true);
  out.fill(0x20, 8, 8 + padded);
  out.set(json, 8);
  let at = 8 + padded;
  for (const t of tensors) {
    writeF32(out, at, t.data);
    at += t.data.length * 4;
  }
  return out;
}

/** Parses safetensors bytes of float32 tensors; anything else throws MALFORMED_CHECKPOINT. */
export function decodeSafetensors(bytes: Uint8Array): Safetensors {
  if (bytes.length < 8) throw malformed(`${bytes.length} bytes: shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(Math.min(MAX_HEADER_BYTES, bytes.length - 8)))
    throw malformed(`header length ${n} exceeds the ${bytes.length - 8} bytes after it (or ${MAX_HEADER_BYTES})`);
  const headerEnd = 8 + Number(n);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, headerEnd)));
  } catch (e) {
    throw malformed(`the header is not UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header))
    throw malformed("the header is not a JSON object");
  const { [METADATA_KEY]: metadata = {}, ...entries } = header as Record<string, unknown>;
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata))
    throw malformed(`${METADATA_KEY} is not an object`);
  for (const [k, v] of Object.entries(metadata))
    if (typeof v !== "string") throw malformed(`${METADATA_KEY}.${k} is not a string`);
  const dataLength = bytes.length - headerEnd;
  const ranges = Object.entries(entries).map(([name, e]) => ({ name, ...tensorEntry(name, e, dataLength) }));
  // The data must be exactly the tensors' ranges, back to back: no hole, no overlap, nothing after
  ranges.sort((a, b) => a.begin - b.begin);
  let expected = 0;
  for (const r of ranges) {
    if (r.begin !== expected) throw malformed(`tensor ${r.name} starts at byte ${r.begin}, expected ${expected}`);
    expected = r.end;
  }
  if (expected !== dataLength) throw malformed(`${dataLength - expected} bytes after the last tensor`);
  const tensors = ranges.map((r) => ({
    name: r.name,
    shape: r.shape,
    data: readF32(bytes.subarray(headerEnd + r.begin, headerEnd + r.end)),
  }));
  return { tensors, metadata: metadata as Record<string, string> };
}

function tensorEntry(name: string, e: unknown, dataLength: number) {
  const fail = (reason: string) => malformed(`tensor ${name}: ${reason}`);
  if (typeof e !== "object" || e === null) throw fail("its entry is not an object");
  const { dtype, shape, data_offsets: offsets } = e as Record<string, unknown>;
  if (dtype !== "F32") throw fail(`dtype ${String(dtype)} (only F32 is read)`);
  const isDim = (d: unknown): d is number => Number.isSafeInteger(d) && (d as number) >= 0;
  if (!Array.isArray(shape) || shape.length > 8 || !shape.every(isDim)) throw fail("shape is not a list of sizes");
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isDim))
    throw fail("data_offsets is not [begin, end]");
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLength)
    throw fail(`data_offsets [${begin}, ${end}] outside the ${dataLength} data bytes`);
  if (elements(shape) * 4 !== end - begin) throw fail(`shape [${shape.join(", ")}] does not fill ${end - begin} bytes`);
  return { shape: shape as number[], begin, end };
}

function writeF32(out: Uint8Array, at: number, data: Float32Array): void {
  if (LITTLE_ENDIAN) out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
  else {
    const view = new DataView(out.buffer, out.byteOffset + at);
    data.forEach((x, i) => view.setFloat32(i * 4, x, true));
  }
}

/** A copy: the tensors outlive the bytes, and a subarray need not be 4-byte aligned. */
function readF32(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length / 4);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(bytes);
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  }
  return out;
}
