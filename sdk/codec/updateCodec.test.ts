import { sha256 } from "@noble/hashes/sha256";
import { bytesToHex } from "@noble/hashes/utils";
import { ConcordError, isConcordError } from "../errors/concordError";
import * as codes from "../errors/codes";
import { uintWidth } from "../uintWidth";
import { chunkLayout } from "../demo/chunkLayout";
import { compressTensor } from "../demo/compress";
import type { SparseTensor, SparseUpdate, ValueFormat } from "../demo/sparseUpdate";
import { mulberry32 } from "../seededRandom";
import { decodeUpdate, DEFAULT_UPDATE_LIMITS, encodedUpdateSize, encodeUpdate, updateHash } from "./updateCodec";
import { expectConcordError } from "../../tests/helpers/expectConcordError";

const FORMATS: ValueFormat[] = ["f32", "f16", "sign", "q2"];

/** A valid update over random tensors, compressed the way DeMo does it. */
function randomUpdate(seed: number, format: ValueFormat = FORMATS[seed % FORMATS.length]): SparseUpdate {
  const u = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(u() * (hi - lo + 1));
  const tensors: SparseTensor[] = [];
  for (let t = int(1, 4); t > 0; t--) {
    const shape = u() < 0.5 ? [int(1, 130)] : [int(1, 70), int(1, 70)];
    const layout = chunkLayout(shape, int(1, 64));
    const k = int(1, Math.min(layout.chunkLen, 8));
    const x = Float32Array.from({ length: layout.size }, () => (u() * 2 - 1) * 10 ** int(-6, 2));
    tensors.push(compressTensor(x, layout, k, format).sparse);
  }
  return { format, tensors };
}

/** Hand-made single-tensor update: a vector of 8 in one chunk of 8, k 2. */
const small = (values: number[], format: ValueFormat = "f32", indices = [1, 5]): SparseUpdate => ({
  format,
  tensors: [{ shape: [8], chunk: [8], k: 2, indices: Uint32Array.from(indices), values: Float32Array.from(values) }],
});

/** Hand-made q2 update: a vector of 8 in chunks of `8 / scales.length`, k 2 in each, indices 0 and 1. */
const q2 = (values: number[], scales: number[] = [0.5]): SparseUpdate => ({
  format: "q2",
  tensors: [
    {
      shape: [8],
      chunk: [8 / scales.length],
      k: 2,
      indices: Uint32Array.from(scales.flatMap(() => [0, 1])),
      values: Float32Array.from(values),
      scales: Float32Array.from(scales),
    },
  ],
});

describe("update codec", () => {
  test.each(FORMATS)("%s: decode(encode(u)) = u and encode(decode(b)) = b", (format) => {
    for (let seed = 1; seed <= 30; seed++) {
      const update = randomUpdate(seed, format);
      const bytes = encodeUpdate(update);
      expect(bytes.length).toBe(encodedUpdateSize(update));
      const back = decodeUpdate(bytes);
      expect(back.format).toBe(format);
      back.tensors.forEach((t, i) => {
        const o = update.tensors[i];
        expect(t.shape).toEqual([...o.shape]);
        expect(t.chunk).toEqual([...o.chunk]);
        expect(t.k).toBe(o.k);
        expect(Array.from(t.indices)).toEqual(Array.from(o.indices));
        expect(Array.from(t.values)).toEqual(Array.from(o.values));
        expect(t.scales && Array.from(t.scales)).toEqual(o.scales && Array.from(o.scales));
      });
      expect(encodeUpdate(back)).toEqual(bytes);
    }
  });

  test("golden bytes of a small update, and its sha256", () => {
    const bytes = encodeUpdate(small([0.5, -2], "f16"));
    // magic, version 1, format f16, 1 tensor | rank 1, dim 8, chunk 8, k 2 | u8 indices 1 5 | f16 0.5 -2
    expect(bytesToHex(bytes)).toBe("43444d4f0101010001080000000800020000000105003800c0");
    expect(updateHash(bytes)).toEqual(sha256(bytes));
    const sign = encodeUpdate(small([1, -1], "sign"));
    expect(sign[sign.length - 1]).toBe(0b10); // entry 1 is negative: bit 1
    // format q2 | same tensor header, indices 0 1 | f16 scale 0.5 | codes 0 (-1.5 s) and 2 (+0.5 s): 0b10_00
    expect(bytesToHex(encodeUpdate(q2([-0.75, 0.25])))).toBe("43444d4f0103010001080000000800020000000001003808");
  });

  test("q2 packs four codes a byte after one float16 scale per chunk, and decodes to level * scale", () => {
    const levels = [-1.5, -0.5, 0.5, 1.5];
    const scales = [2 ** -24, 3, 65504, 0.1875]; // smallest subnormal, an integer, the largest float16, a fraction
    const values = scales.flatMap((s, q) => [levels[q] * s, levels[3 - q] * s]);
    const update = q2(values, scales);
    const bytes = encodeUpdate(update);
    expect(bytes.length).toBe(8 + 11 + 8 + 2 * 4 + 2);
    // codes 0 3 | 1 2 | 2 1 | 3 0, LSB first
    expect(Array.from(bytes.subarray(-2))).toEqual([0b10_01_11_00, 0b00_11_01_10]);
    const back = decodeUpdate(bytes).tensors[0];
    expect(Array.from(back.values)).toEqual(values);
    expect(Array.from(back.scales ?? [])).toEqual(scales);
    expect(decodeUpdate(encodeUpdate(small([1, 2]))).tensors[0]).not.toHaveProperty("scales");
  });

  test("index width follows the chunk length", () => {
    expect(uintWidth(64)).toBe(1);
    expect(uintWidth(256)).toBe(1);
    expect(uintWidth(4096)).toBe(2);
    expect(uintWidth(65537)).toBe(4);
    const wide: SparseUpdate = {
      format: "f32",
      tensors: [
        { shape: [300, 300], chunk: [300, 300], k: 1, indices: Uint32Array.of(89999), values: Float32Array.of(1) },
      ],
    };
    expect(decodeUpdate(encodeUpdate(wide)).tensors[0].indices[0]).toBe(89999);
  });

  test("a dense fp32 update of a 64x64 tile costs 100x more than top-32 signs", () => {
    const layout = chunkLayout([64, 64]);
    const x = Float32Array.from({ length: layout.size }, (_, i) => Math.sin(i));
    const bytes = encodeUpdate({ format: "sign", tensors: [compressTensor(x, layout, 32, "sign").sparse] });
    expect(bytes.length).toBe(8 + (1 + 8 + 4 + 4) + 32 * 2 + 32 / 8);
    expect((4096 * 4) / bytes.length).toBeGreaterThan(100);
  });

  test("rejects each kind of invalid update with its own code, encoding or decoding", () => {
    const good = encodeUpdate(small([0.5, -2]));
    const patched = (offset: number, ...b: number[]) => {
      const c = Uint8Array.from(good);
      c.set(b, offset);
      return c;
    };
    expectConcordError(() => decodeUpdate(patched(0, 0x58)), codes.CONCORD_ERROR__CODEC__MALFORMED_UPDATE);
    expectConcordError(() => decodeUpdate(patched(4, 2)), codes.CONCORD_ERROR__CODEC__UNSUPPORTED_VERSION);
    expectConcordError(() => decodeUpdate(patched(5, 4)), codes.CONCORD_ERROR__CODEC__MALFORMED_UPDATE);
    expectConcordError(() => decodeUpdate(patched(6, 0, 0)), codes.CONCORD_ERROR__CODEC__MALFORMED_UPDATE);
    expectConcordError(() => decodeUpdate(patched(8, 3)), codes.CONCORD_ERROR__CODEC__INVALID_SHAPE); // rank 3
    expectConcordError(() => decodeUpdate(patched(13, 3)), codes.CONCORD_ERROR__CODEC__INVALID_SHAPE); // chunk 3 of 8
    expectConcordError(() => decodeUpdate(patched(15, 0)), codes.CONCORD_ERROR__CODEC__INVALID_SHAPE); // k 0
    expectConcordError(() => decodeUpdate(patched(15, 9)), codes.CONCORD_ERROR__CODEC__INVALID_SHAPE); // k > chunk
    expectConcordError(() => decodeUpdate(patched(19, 1, 8)), codes.CONCORD_ERROR__CODEC__INVALID_INDEX); // 8 >= 8
    expectConcordError(() => decodeUpdate(patched(19, 5, 1)), codes.CONCORD_ERROR__CODEC__INVALID_INDEX); // decreasing
    expectConcordError(() => decodeUpdate(patched(19, 5, 5)), codes.CONCORD_ERROR__CODEC__INVALID_INDEX); // repeated
    expectConcordError(() => decodeUpdate(patched(21, 0, 0, 0xc0, 0x7f)), codes.CONCORD_ERROR__CODEC__INVALID_VALUE); // NaN
    expectConcordError(() => decodeUpdate(patched(21, 0, 0, 0x80, 0x7f)), codes.CONCORD_ERROR__CODEC__INVALID_VALUE); // +Inf
    expectConcordError(
      () => decodeUpdate(good.subarray(0, good.length - 1)),
      codes.CONCORD_ERROR__CODEC__MALFORMED_UPDATE,
    );
    expectConcordError(() => decodeUpdate(Uint8Array.of(...good, 0)), codes.CONCORD_ERROR__CODEC__MALFORMED_UPDATE);
    const f16 = encodeUpdate(small([1, 1], "f16"));
    f16.set([0x00, 0x7c], f16.length - 2); // f16 infinity
    expectConcordError(() => decodeUpdate(f16), codes.CONCORD_ERROR__CODEC__INVALID_VALUE);
    const sign = encodeUpdate(small([1, -1], "sign"));
    sign[sign.length - 1] |= 0x80; // an unused bit
    expectConcordError(() => decodeUpdate(sign), codes.CONCORD_ERROR__CODEC__NONCANONICAL);

    expectConcordError(() => encodeUpdate(small([0.1, 1], "f16")), codes.CONCORD_ERROR__CODEC__INVALID_VALUE); // not a half
    expectConcordError(() => encodeUpdate(small([0.5, 1], "sign")), codes.CONCORD_ERROR__CODEC__INVALID_VALUE);
    expectConcordError(() => encodeUpdate(small([Infinity, 1])), codes.CONCORD_ERROR__CODEC__INVALID_VALUE);
    expectConcordError(() => encodeUpdate(small([1, 1], "f32", [3, 3])), codes.CONCORD_ERROR__CODEC__INVALID_INDEX);
    expectConcordError(() => encodeUpdate(small([1], "f32", [3])), codes.CONCORD_ERROR__CODEC__INVALID_SHAPE);
    expectConcordError(
      () => encodeUpdate({ format: "f32", tensors: [] }),
      codes.CONCORD_ERROR__CODEC__MALFORMED_UPDATE,
    );
  });

  test("rejects each kind of invalid q2 update, encoding or decoding", () => {
    const good = encodeUpdate(q2([-0.75, 0.25]));
    const patched = (offset: number, ...b: number[]) => {
      const c = Uint8Array.from(good);
      c.set(b, offset);
      return c;
    };
    const { INVALID_SHAPE, INVALID_VALUE, MALFORMED_UPDATE, NONCANONICAL } = {
      INVALID_SHAPE: codes.CONCORD_ERROR__CODEC__INVALID_SHAPE,
      INVALID_VALUE: codes.CONCORD_ERROR__CODEC__INVALID_VALUE,
      MALFORMED_UPDATE: codes.CONCORD_ERROR__CODEC__MALFORMED_UPDATE,
      NONCANONICAL: codes.CONCORD_ERROR__CODEC__NONCANONICAL,
    };
    // The scale (f16 at byte 21): zero, negative zero, negative, infinity, NaN.
    for (const bits of [0x0000, 0x8000, 0xb800, 0x7c00, 0x7e00])
      expectConcordError(() => decodeUpdate(patched(21, bits & 0xff, bits >> 8)), INVALID_VALUE);
    expect(decodeUpdate(patched(21, 0x01, 0x00)).tensors[0].scales?.[0]).toBe(2 ** -24); // subnormal is fine
    expectConcordError(() => decodeUpdate(patched(23, 0x08 | 0x10)), NONCANONICAL); // unused code bits
    expectConcordError(() => decodeUpdate(patched(23, 0x08 | 0x80)), NONCANONICAL);
    expectConcordError(() => decodeUpdate(good.subarray(0, good.length - 1)), MALFORMED_UPDATE); // no codes
    expectConcordError(() => decodeUpdate(good.subarray(0, good.length - 2)), MALFORMED_UPDATE); // half a scale
    expectConcordError(() => decodeUpdate(Uint8Array.of(...good, 0)), MALFORMED_UPDATE);

    for (const scale of [0, -0, -0.5, NaN, Infinity, 0.1, 2 ** -25, 65520])
      expectConcordError(() => encodeUpdate(q2([-1.5 * scale, 0.5 * scale], [scale])), INVALID_VALUE);
    expectConcordError(() => encodeUpdate(q2([0.3, 0.25])), INVALID_VALUE); // not a level
    expectConcordError(() => encodeUpdate(q2([0, 0.25])), INVALID_VALUE);
    expectConcordError(() => encodeUpdate(q2([-0.75, NaN])), INVALID_VALUE);
    expectConcordError(() => encodeUpdate(q2([1.5, 0.5, 1.5, 1], [1, 2])), INVALID_VALUE); // chunk 0's level in chunk 1
    expect(decodeUpdate(encodeUpdate(q2([1.5, 0.5, 3, 1], [1, 2]))).tensors[0].values).toEqual(
      Float32Array.of(1.5, 0.5, 3, 1),
    );
    const without = (u: SparseUpdate, scales?: Float32Array): SparseUpdate => ({
      format: u.format,
      tensors: [{ ...u.tensors[0], scales }],
    });
    expectConcordError(() => encodeUpdate(without(q2([-0.75, 0.25]))), INVALID_SHAPE); // no scales
    expectConcordError(() => encodeUpdate(without(q2([-0.75, 0.25]), Float32Array.of(0.5, 0.5))), INVALID_SHAPE);
    expectConcordError(() => encodeUpdate(without(small([1, 1]), Float32Array.of(1))), INVALID_SHAPE); // not q2
  });

  test("size limits are checked before anything is allocated", () => {
    const bytes = encodeUpdate(randomUpdate(5));
    const limits = { ...DEFAULT_UPDATE_LIMITS, maxBytes: bytes.length - 1 };
    expectConcordError(() => decodeUpdate(bytes, undefined, limits), codes.CONCORD_ERROR__CODEC__UPDATE_TOO_LARGE);
    expectConcordError(() => encodeUpdate(randomUpdate(5), limits), codes.CONCORD_ERROR__CODEC__UPDATE_TOO_LARGE);
    const oneTensor = { ...DEFAULT_UPDATE_LIMITS, maxTensors: 1 };
    const two: SparseUpdate = { format: "f32", tensors: [...small([1, 1]).tensors, ...small([1, 1]).tensors] };
    expectConcordError(
      () => decodeUpdate(encodeUpdate(two), undefined, oneTensor),
      codes.CONCORD_ERROR__CODEC__UPDATE_TOO_LARGE,
    );
    // A header claiming a 2^32 x 2^16 tensor: refused by the element limit, never allocated.
    const huge = encodeUpdate(small([1, 1]));
    huge.set([2, 0xff, 0xff, 0xff, 0xff, 0, 0, 1, 0, 1, 0, 1, 0], 8);
    expect(() => decodeUpdate(huge)).toThrow(ConcordError);
  });

  test("checks the run's expected layout", () => {
    const update = small([0.5, -2]);
    const bytes = encodeUpdate(update);
    const expected = { format: "f32" as const, tensors: [{ shape: [8], chunk: [8], k: 2 }] };
    expect(decodeUpdate(bytes, expected).tensors).toHaveLength(1);
    const mismatch = codes.CONCORD_ERROR__CODEC__LAYOUT_MISMATCH;
    expectConcordError(() => decodeUpdate(bytes, { ...expected, format: "f16" }), mismatch);
    expectConcordError(
      () => decodeUpdate(bytes, { ...expected, tensors: [{ shape: [8], chunk: [4], k: 2 }] }),
      mismatch,
    );
    expectConcordError(
      () => decodeUpdate(bytes, { ...expected, tensors: [{ shape: [2, 4], chunk: [2, 4], k: 2 }] }),
      mismatch,
    );
    expectConcordError(
      () => decodeUpdate(bytes, { ...expected, tensors: [{ shape: [8], chunk: [8], k: 3 }] }),
      mismatch,
    );
    expectConcordError(() => decodeUpdate(bytes, { ...expected, tensors: [] }), mismatch);
  });
});

describe("update codec fuzz (seeded)", () => {
  // Every input either decodes to an update whose canonical encoding is the input itself, or throws a ConcordError.
  const decodesCanonicallyOrRejects = (bytes: Uint8Array): "ok" | "rejected" => {
    try {
      const update = decodeUpdate(bytes);
      expect(Buffer.from(encodeUpdate(update)).equals(bytes)).toBe(true);
      return "ok";
    } catch (e) {
      if (!isConcordError(e) || e.code < 12000 || e.code >= 13000) throw e;
      return "rejected";
    }
  };

  test("random bytes never crash", () => {
    const u = mulberry32(2024);
    for (let i = 0; i < 3000; i++) {
      const bytes = Uint8Array.from({ length: Math.floor(u() * 64) }, () => Math.floor(u() * 256));
      // Half the time start with a valid header so the fuzzing reaches the tensor parser.
      if (i % 2 && bytes.length >= 8) bytes.set([0x43, 0x44, 0x4d, 0x4f, 1, (i >> 1) % FORMATS.length, 1, 0]);
      decodesCanonicallyOrRejects(bytes);
    }
  });

  test("every truncation of valid updates is rejected", () => {
    for (let seed = 1; seed <= 12; seed++) {
      const bytes = encodeUpdate(randomUpdate(seed));
      for (let n = 0; n < bytes.length; n++) expect(decodesCanonicallyOrRejects(bytes.subarray(0, n))).toBe("rejected");
    }
  });

  test("mutated valid updates decode canonically or are rejected", () => {
    const u = mulberry32(99);
    const valid = Array.from({ length: 40 }, (_, i) => encodeUpdate(randomUpdate(i + 1)));
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      const bytes = Uint8Array.from(valid[i % valid.length]);
      for (let m = 1 + Math.floor(u() * 3); m > 0; m--) {
        const at = Math.floor(u() * bytes.length);
        bytes[at] = u() < 0.5 ? bytes[at] ^ (1 << Math.floor(u() * 8)) : Math.floor(u() * 256);
      }
      if (decodesCanonicallyOrRejects(bytes) === "rejected") rejected++;
    }
    expect(rejected).toBeGreaterThan(100);
  });
});
