import { Keypair } from "@solana/web3.js";
import { FLOAT32_OPTIONS, Packr } from "msgpackr";
import {
  CONCORD_ERROR__CODEC__MALFORMED_RECEIPT_METADATA,
  CONCORD_ERROR__CODEC__RECEIPT_METADATA_MISMATCH,
} from "./errors/codes";
import type { CommittedReceipt, ReceiptMetadata } from "./receiptMetadata";
import {
  checkReceiptMetadata,
  decodeReceiptMetadata,
  encodeReceiptMetadata,
  MAX_RECEIPT_METADATA_BYTES,
  sameCompute,
} from "./receiptMetadata";
import { expectConcordError } from "../tests/helpers/expectConcordError";
import { SeededRandom } from "../tests/helpers/seededRandom";

const [run, member] = [Keypair.generate().publicKey, Keypair.generate().publicKey];
const META: ReceiptMetadata = {
  run,
  member,
  epoch: 3,
  step: 41,
  updateHash: Uint8Array.from({ length: 32 }, (_, i) => i * 7),
  updateBytes: 14_933,
  loss: Math.fround(2.4181),
  compute: {
    backend: "wasm",
    tfjsVersion: "4.22.0",
    wasmSimd: true,
    nativeKernels: { name: "concord-native", version: "1", sourceHash: "1e1b69fcf95611e9", blasCore: "Zen" },
  },
};
const raw = new Packr({ useRecords: false });
const float32 = new Packr({ useRecords: false, useFloat32: FLOAT32_OPTIONS.ALWAYS });

describe("receipt metadata", () => {
  test("round-trips, with and without native kernels, and on every backend", () => {
    const variants: ReceiptMetadata[] = [
      META,
      { ...META, compute: { ...META.compute, nativeKernels: null } },
      { ...META, compute: { backend: "cpu", tfjsVersion: "4.22.0", wasmSimd: null, nativeKernels: null } },
      { ...META, epoch: 2 ** 40, step: 2 ** 33, loss: 0 },
    ];
    for (const m of variants) {
      const bytes = encodeReceiptMetadata(m);
      expect(bytes.length).toBeLessThan(MAX_RECEIPT_METADATA_BYTES);
      const back = decodeReceiptMetadata(bytes);
      expect(back.run.equals(m.run) && back.member.equals(m.member)).toBe(true);
      expect({ ...back, run: 0, member: 0 }).toEqual({ ...m, run: 0, member: 0 });
      expect(Buffer.from(encodeReceiptMetadata(back)).equals(bytes)).toBe(true);
    }
  });

  test("encoding refuses records that could not describe a real update", () => {
    const bad: [Partial<ReceiptMetadata> | { compute: unknown }, RegExp][] = [
      [{ epoch: -1 }, /epoch and step/],
      [{ step: 1.5 }, /epoch and step/],
      [{ updateHash: new Uint8Array(31) }, /updateHash must be 32 bytes/],
      [{ updateBytes: 0 }, /updateBytes/],
      [{ loss: NaN }, /loss/],
      [{ loss: 0.1 }, /f32/],
      [{ compute: { ...META.compute, backend: "tpu" } }, /backend must be one of/],
      [{ compute: { ...META.compute, wasmSimd: null } }, /wasmSimd is set exactly/],
      [{ compute: { ...META.compute, backend: "cpu", wasmSimd: null } }, /native kernels run only on the wasm/],
      [{ compute: { ...META.compute, tfjsVersion: "x".repeat(161) } }, /tfjsVersion/],
      [
        { compute: { ...META.compute, nativeKernels: { ...META.compute.nativeKernels, blasCore: "" } } },
        /native kernel/,
      ],
    ];
    for (const [patch, message] of bad) {
      const e = expectConcordError(
        () => encodeReceiptMetadata({ ...META, ...patch } as ReceiptMetadata),
        CONCORD_ERROR__CODEC__MALFORMED_RECEIPT_METADATA,
      );
      expect(e.message).toMatch(message);
    }
  });

  test("decoding refuses oversized, non-msgpack, wrong-shape, wrong-version and non-canonical bytes", () => {
    const good = encodeReceiptMetadata(META);
    const fields = raw.unpack(good) as unknown[];
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(MAX_RECEIPT_METADATA_BYTES + 1), /limit 1024/],
      [good.subarray(0, 20), /not msgpack/],
      [raw.pack({ run: 1 }), /array of 9 fields/],
      [raw.pack([2, ...fields.slice(1)]), /version 2/],
      [raw.pack([1, new Uint8Array(31), ...fields.slice(2)]), /32-byte keys/],
      [raw.pack([...fields.slice(0, 8), ["wasm", "4.22.0", true]]), /compute must be an array of 4/],
      [raw.pack([...fields.slice(0, 8), ["wasm", "4.22.0", true, ["a", "b"]]]), /nativeKernels must be null or 4/],
      // the same values in another encoding: the loss as float32 (canonical is float64), the array as array16
      [float32.pack([...fields.slice(0, 7), 0.5, fields[8]]), /not in canonical form/],
      [Buffer.concat([Buffer.from([0xdc, 0x00, 0x09]), Buffer.from(good).subarray(1)]), /not in canonical form/],
    ];
    for (const [bytes, message] of cases) {
      const e = expectConcordError(
        () => decodeReceiptMetadata(bytes),
        CONCORD_ERROR__CODEC__MALFORMED_RECEIPT_METADATA,
      );
      expect(e.message).toMatch(message);
    }
  });

  test("random and truncated bytes never crash: each decodes or throws MALFORMED_RECEIPT_METADATA", () => {
    const r = new SeededRandom(17);
    const good = encodeReceiptMetadata(META);
    for (let i = 0; i < 3000; i++) {
      const bytes =
        i % 3 === 0
          ? good.subarray(0, r.int(good.length))
          : i % 3 === 1
            ? Uint8Array.from(good, (b) => (r.chance(0.02) ? r.int(256) : b))
            : r.bytes(r.int(400));
      try {
        const m = decodeReceiptMetadata(bytes);
        expect(Buffer.from(encodeReceiptMetadata(m)).equals(Buffer.from(bytes))).toBe(true);
      } catch (e) {
        expect((e as { code?: number }).code).toBe(CONCORD_ERROR__CODEC__MALFORMED_RECEIPT_METADATA);
      }
    }
  });

  test("checkReceiptMetadata binds the record to the on-chain receipt", () => {
    const receipt: CommittedReceipt = { hash: Array.from(META.updateHash), size: META.updateBytes, loss: META.loss };
    const expected = { run, member, step: META.step, receipt };
    expect(() => checkReceiptMetadata(META, expected)).not.toThrow();
    const other = Keypair.generate().publicKey;
    const mismatches: [typeof expected, RegExp][] = [
      [{ ...expected, run: other }, /^receipt metadata does not match the receipt: run /],
      [{ ...expected, member: other }, /member /],
      [{ ...expected, step: 42 }, /step 41, expected 42/],
      [{ ...expected, receipt: { ...receipt, hash: new Uint8Array(32) } }, /updateHash differs/],
      [{ ...expected, receipt: { ...receipt, size: 1 } }, /updateBytes 14933, receipt size 1/],
      [{ ...expected, receipt: { ...receipt, loss: 2.5 } }, /loss/],
    ];
    for (const [e, message] of mismatches)
      expect(
        expectConcordError(() => checkReceiptMetadata(META, e), CONCORD_ERROR__CODEC__RECEIPT_METADATA_MISMATCH)
          .message,
      ).toMatch(message);
  });

  test("sameCompute: every field of the descriptor, the kernel set's included", () => {
    const c = META.compute;
    expect(sameCompute(c, { ...c, nativeKernels: { ...c.nativeKernels! } })).toBe(true);
    for (const other of [
      { ...c, backend: "cpu" as const },
      { ...c, tfjsVersion: "4.21.0" },
      { ...c, wasmSimd: false },
      { ...c, nativeKernels: null },
      { ...c, nativeKernels: { ...c.nativeKernels!, blasCore: "Haswell" } },
    ])
      expect([sameCompute(c, other), sameCompute(other, c)]).toEqual([false, false]);
  });
});
