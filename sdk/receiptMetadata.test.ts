import type { PublicKey } from "@solana/web3.js";
import { Keypair } from "@solana/web3.js";
import { FLOAT32_OPTIONS, Packr } from "msgpackr";
import {
  CONCORD_ERROR__CODEC__MALFORMED_RECEIPT_METADATA,
  CONCORD_ERROR__CODEC__RECEIPT_METADATA_BAD_SIGNATURE,
  CONCORD_ERROR__CODEC__RECEIPT_METADATA_MISMATCH,
} from "./errors/codes";
import type { CommittedReceipt, ReceiptMetadata } from "./receiptMetadata";
import {
  checkReceiptMetadata,
  decodeReceiptMetadata,
  encodeReceiptMetadata,
  MAX_RECEIPT_METADATA_BYTES,
  metadataKey,
  sameCompute,
} from "./receiptMetadata";
import { expectConcordError } from "../tests/helpers/expectConcordError";
import { SeededRandom } from "../tests/helpers/seededRandom";

const signer = Keypair.generate();
const [run, member] = [Keypair.generate().publicKey, signer.publicKey];
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
      const bytes = encodeReceiptMetadata(m, signer.secretKey);
      expect(bytes.length).toBeLessThan(MAX_RECEIPT_METADATA_BYTES);
      const back = decodeReceiptMetadata(bytes);
      expect(back.run.equals(m.run) && back.member.equals(m.member)).toBe(true);
      expect({ ...back, run: 0, member: 0, signature: 0 }).toEqual({ ...m, run: 0, member: 0, signature: 0 });
      expect(back.signature).toHaveLength(64);
      // ed25519 signatures are deterministic: the same record signs to the same bytes
      expect(Buffer.from(encodeReceiptMetadata(back, signer.secretKey)).equals(bytes)).toBe(true);
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
        () => encodeReceiptMetadata({ ...META, ...patch } as ReceiptMetadata, signer.secretKey),
        CONCORD_ERROR__CODEC__MALFORMED_RECEIPT_METADATA,
      );
      expect(e.message).toMatch(message);
    }
    // and signing with a key that is not the member's
    const e = expectConcordError(
      () => encodeReceiptMetadata(META, Keypair.generate().secretKey),
      CONCORD_ERROR__CODEC__MALFORMED_RECEIPT_METADATA,
    );
    expect(e.message).toMatch(/the signing key does not belong to member/);
  });

  test("decoding refuses oversized, non-msgpack, wrong-shape, wrong-version and non-canonical bytes", () => {
    const good = encodeReceiptMetadata(META, signer.secretKey);
    const fields = raw.unpack(good) as unknown[];
    const signature = fields[9];
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(MAX_RECEIPT_METADATA_BYTES + 1), /limit 1024/],
      [good.subarray(0, 20), /not msgpack/],
      [raw.pack({ run: 1 }), /array of 10 fields/],
      [raw.pack(fields.slice(0, 9)), /array of 10 fields/], // version 1's shape: unsigned
      [raw.pack([1, ...fields.slice(1)]), /version 1 \(this code reads 2\)/],
      [raw.pack([2, new Uint8Array(31), ...fields.slice(2)]), /32-byte keys/],
      [raw.pack([...fields.slice(0, 9), new Uint8Array(63)]), /signature must be 64 bytes/],
      [raw.pack([...fields.slice(0, 8), ["wasm", "4.22.0", true], signature]), /compute must be an array of 4/],
      [
        raw.pack([...fields.slice(0, 8), ["wasm", "4.22.0", true, ["a", "b"]], signature]),
        /nativeKernels must be null or 4/,
      ],
      // the same values in another encoding: the loss as float32 (canonical is float64), the array as array16
      [float32.pack([...fields.slice(0, 7), 0.5, fields[8], signature]), /not in canonical form/],
      [Buffer.concat([Buffer.from([0xdc, 0x00, 0x0a]), Buffer.from(good).subarray(1)]), /not in canonical form/],
    ];
    for (const [bytes, message] of cases) {
      const e = expectConcordError(
        () => decodeReceiptMetadata(bytes),
        CONCORD_ERROR__CODEC__MALFORMED_RECEIPT_METADATA,
      );
      expect(e.message).toMatch(message);
    }
  });

  test("a record changed after signing, or signed by another key, is refused with BAD_SIGNATURE", () => {
    const good = encodeReceiptMetadata(META, signer.secretKey);
    const fields = raw.unpack(good) as unknown[];
    const other = Keypair.generate();
    const forged: Uint8Array[] = [
      // another compute descriptor under the member's signature (what a forger serving the update would change)
      raw.pack([...fields.slice(0, 8), ["wasm", "4.21.0", true, fields[8] && (fields[8] as unknown[])[3]], fields[9]]),
      raw.pack([...fields.slice(0, 7), 2.5, ...fields.slice(8)]), // another loss
      // a signature by another key over the same record
      raw.pack([
        ...fields.slice(0, 9),
        (raw.unpack(encodeReceiptMetadata({ ...META, member: other.publicKey }, other.secretKey)) as unknown[])[9],
      ]),
    ];
    for (const bytes of forged) {
      const e = expectConcordError(
        () => decodeReceiptMetadata(bytes),
        CONCORD_ERROR__CODEC__RECEIPT_METADATA_BAD_SIGNATURE,
      );
      expect(e.message).toBe(`receipt metadata of ${member.toBase58()} at step 41 is not signed by that member`);
    }
  });

  test("random and truncated bytes never crash: each is the signed record or throws MALFORMED or BAD_SIGNATURE", () => {
    const r = new SeededRandom(17);
    const good = encodeReceiptMetadata(META, signer.secretKey);
    for (let i = 0; i < 3000; i++) {
      const bytes =
        i % 3 === 0
          ? good.subarray(0, r.int(good.length))
          : i % 3 === 1
            ? Uint8Array.from(good, (b) => (r.chance(0.02) ? r.int(256) : b))
            : r.bytes(r.int(400));
      try {
        decodeReceiptMetadata(bytes);
        // only the signed bytes themselves decode: any change breaks the form or the signature
        expect(Buffer.from(bytes).equals(Buffer.from(good))).toBe(true);
      } catch (e) {
        expect([
          CONCORD_ERROR__CODEC__MALFORMED_RECEIPT_METADATA,
          CONCORD_ERROR__CODEC__RECEIPT_METADATA_BAD_SIGNATURE,
        ]).toContain((e as { code?: number }).code);
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

  test("metadataKey names one receipt: it changes with the run, the member, the step and the update's hash", () => {
    const key = (o: Partial<{ run: PublicKey; member: PublicKey; step: number; hash: Uint8Array }> = {}) =>
      Buffer.from(metadataKey(o.run ?? run, o.member ?? member, o.step ?? 41, o.hash ?? META.updateHash)).toString(
        "hex",
      );
    expect(key()).toMatch(/^[0-9a-f]{64}$/);
    expect(key()).toBe(Buffer.from(metadataKey(run, member, 41n, META.updateHash)).toString("hex"));
    const other = Keypair.generate().publicKey;
    const keys = [
      key(),
      key({ run: other }),
      key({ member: other }),
      key({ step: 42 }),
      key({ hash: new Uint8Array(32) }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
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
