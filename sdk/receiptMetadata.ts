// What a trainer publishes beside each update it commits. The on-chain receipt holds only the update's hash, size and
// loss; an auditor reproduces the update's bits only on the same compute (backend, tfjs version, kernel set, BLAS
// core), so the metadata names it and binds it to the receipt. Canonical bytes: msgpack of one array in a fixed order
// (msgpackr, no records), so one metadata has exactly one encoding and a hash of it means something. The member signs
// it (version 2): it travels through peers and servers, and a forged compute descriptor would make an honest update
// look irreproducible on the auditor's compute, or hide a dishonest one behind "other compute".
import { PublicKey } from "@solana/web3.js";
import { Packr } from "msgpackr";
import { ConcordError } from "./errors/concordError";
import { f32Bits, f32NonNegativeFinite } from "./f32";
import {
  CONCORD_ERROR__CODEC__MALFORMED_RECEIPT_METADATA,
  CONCORD_ERROR__CODEC__RECEIPT_METADATA_BAD_SIGNATURE,
  CONCORD_ERROR__CODEC__RECEIPT_METADATA_MISMATCH,
} from "./errors/codes";
import { memberSeed, signAsMember, verifyMemberSignature } from "./peer/memberSignature";
import { sha256 } from "@noble/hashes/sha256";

export const RECEIPT_METADATA_VERSION = 2;
const SIGNATURE_DOMAIN = new TextEncoder().encode("concord-receipt-metadata-v2");
/** Far above a real record (~300 bytes); decode refuses anything larger before parsing. */
export const MAX_RECEIPT_METADATA_BYTES = 1024;
const MAX_TEXT = 160;

/** tfjs backend names: "tensorflow" is tfjs-node(-gpu). */
export type ComputeBackendName = "tensorflow" | "wasm" | "cpu";
const BACKENDS: readonly ComputeBackendName[] = ["tensorflow", "wasm", "cpu"];

/** The compute that produced an update: what an audit must match to reproduce its bits. */
export interface ComputeDescriptor {
  readonly backend: ComputeBackendName;
  readonly tfjsVersion: string;
  /** wasm only: whether SIMD was on. */
  readonly wasmSimd: boolean | null;
  /** The native kernel set on wasm, or null. */
  readonly nativeKernels: {
    readonly name: string;
    readonly version: string;
    readonly sourceHash: string;
    readonly blasCore: string;
  } | null;
}

/** Whether two descriptors name the same compute: only then must a re-executed update reproduce the bits. */
export function sameCompute(a: ComputeDescriptor, b: ComputeDescriptor): boolean {
  const [ka, kb] = [a.nativeKernels, b.nativeKernels];
  const sameKernels =
    ka === null || kb === null
      ? ka === kb
      : ka.name === kb.name &&
        ka.version === kb.version &&
        ka.sourceHash === kb.sourceHash &&
        ka.blasCore === kb.blasCore;
  return a.backend === b.backend && a.tfjsVersion === b.tfjsVersion && a.wasmSimd === b.wasmSimd && sameKernels;
}

export interface ReceiptMetadata {
  readonly run: PublicKey;
  readonly member: PublicKey;
  readonly epoch: number;
  readonly step: number;
  /** sha256 of the update's canonical bytes, as committed on-chain. */
  readonly updateHash: Uint8Array;
  readonly updateBytes: number;
  /** The training loss committed on-chain (an f32 there). */
  readonly loss: number;
  readonly compute: ComputeDescriptor;
}

/** Metadata as published: with the member's ed25519 signature over its canonical fields. */
export interface SignedReceiptMetadata extends ReceiptMetadata {
  readonly signature: Uint8Array;
}

// int64AsType "number": epochs and steps past 2^32 decode as numbers (validation then requires safe integers)
const packr = new Packr({ useRecords: false, int64AsType: "number" });

const malformed = (reason: string) => new ConcordError(CONCORD_ERROR__CODEC__MALFORMED_RECEIPT_METADATA, { reason });

function check(ok: boolean, reason: string): void {
  if (!ok) throw malformed(reason);
}

const isText = (v: unknown): v is string => typeof v === "string" && v.length > 0 && v.length <= MAX_TEXT;
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function validate(m: ReceiptMetadata): void {
  check(m.run instanceof PublicKey && m.member instanceof PublicKey, "run and member must be public keys");
  check(isCount(m.epoch) && isCount(m.step), "epoch and step must be non-negative integers");
  check(m.updateHash instanceof Uint8Array && m.updateHash.length === 32, "updateHash must be 32 bytes");
  check(isCount(m.updateBytes) && m.updateBytes > 0, "updateBytes must be a positive integer");
  check(Math.fround(m.loss) === m.loss && f32NonNegativeFinite(f32Bits(m.loss)), "loss must be a finite f32 >= 0");
  checkComputeDescriptor(m.compute);
}

/** Throws MALFORMED_RECEIPT_METADATA unless `c` is a descriptor this code reads (audit reports name one too). */
export function checkComputeDescriptor(c: ComputeDescriptor): void {
  check(typeof c === "object" && c !== null, "compute must be an object");
  check(BACKENDS.includes(c.backend), `backend must be one of ${BACKENDS.join(", ")}`);
  check(isText(c.tfjsVersion), "tfjsVersion must be a short string");
  check(c.wasmSimd === null || typeof c.wasmSimd === "boolean", "wasmSimd must be a boolean or null");
  check((c.wasmSimd === null) === (c.backend !== "wasm"), "wasmSimd is set exactly when the backend is wasm");
  const k = c.nativeKernels;
  check(k === null || c.backend === "wasm", "native kernels run only on the wasm backend");
  if (k)
    check([k.name, k.version, k.sourceHash, k.blasCore].every(isText), "native kernel fields must be short strings");
}

/**
 * The canonical bytes of `m`, signed with the member's 64-byte Solana secret key (validated first: a bad record, or a
 * key that is not the member's, throws MALFORMED_RECEIPT_METADATA).
 */
export function encodeReceiptMetadata(m: ReceiptMetadata, secretKey64: Uint8Array): Uint8Array {
  validate(m);
  const seed = memberSeed(secretKey64, m.member.toBytes(), (reason) => malformed(`the signing key ${reason}`));
  return packr.pack([...fields(m), signAsMember(signedBytes(m), seed)]);
}

/** What the member signs: a domain, then the fields' canonical msgpack. */
const signedBytes = (m: ReceiptMetadata): Uint8Array => {
  const body = packr.pack(fields(m));
  const out = new Uint8Array(SIGNATURE_DOMAIN.length + body.length);
  out.set(SIGNATURE_DOMAIN);
  out.set(body, SIGNATURE_DOMAIN.length);
  return out;
};

/** The fields of a validated record, in wire order. */
function fields(m: ReceiptMetadata): unknown[] {
  const c = m.compute;
  const k = c.nativeKernels;
  return [
    RECEIPT_METADATA_VERSION,
    m.run.toBytes(),
    m.member.toBytes(),
    m.epoch,
    m.step,
    m.updateHash,
    m.updateBytes,
    m.loss,
    [c.backend, c.tfjsVersion, c.wasmSimd, k ? [k.name, k.version, k.sourceHash, k.blasCore] : null],
  ];
}

const isBytes = (v: unknown, n: number): v is Uint8Array => v instanceof Uint8Array && v.length === n;

/**
 * Parses and validates canonical metadata bytes (anything else throws MALFORMED_RECEIPT_METADATA) and checks the
 * member's signature (RECEIPT_METADATA_BAD_SIGNATURE).
 */
export function decodeReceiptMetadata(bytes: Uint8Array): SignedReceiptMetadata {
  check(bytes.length <= MAX_RECEIPT_METADATA_BYTES, `${bytes.length} bytes (limit ${MAX_RECEIPT_METADATA_BYTES})`);
  let v: unknown;
  try {
    v = packr.unpack(bytes);
  } catch (e) {
    throw malformed(`not msgpack (${(e as Error).message})`);
  }
  check(Array.isArray(v) && v.length === 10, "expected an array of 10 fields");
  const [version, run, member, epoch, step, updateHash, updateBytes, loss, compute, signature] = v as unknown[];
  check(
    version === RECEIPT_METADATA_VERSION,
    `version ${String(version)} (this code reads ${RECEIPT_METADATA_VERSION})`,
  );
  check(isBytes(run, 32) && isBytes(member, 32), "run and member must be 32-byte keys");
  check(isBytes(updateHash, 32), "updateHash must be 32 bytes");
  check(isBytes(signature, 64), "signature must be 64 bytes");
  check(Array.isArray(compute) && compute.length === 4, "compute must be an array of 4 fields");
  const [backend, tfjsVersion, wasmSimd, kernels] = compute as unknown[];
  check(kernels === null || (Array.isArray(kernels) && kernels.length === 4), "nativeKernels must be null or 4 fields");
  const [name, kernelVersion, sourceHash, blasCore] = (kernels ?? []) as string[];
  const m: ReceiptMetadata = {
    run: new PublicKey(run as Uint8Array),
    member: new PublicKey(member as Uint8Array),
    epoch: epoch as number,
    step: step as number,
    updateHash: Uint8Array.from(updateHash as Uint8Array),
    updateBytes: updateBytes as number,
    loss: loss as number,
    compute: {
      backend: backend as ComputeBackendName,
      tfjsVersion: tfjsVersion as string,
      wasmSimd: wasmSimd as boolean | null,
      nativeKernels: kernels ? { name, version: kernelVersion, sourceHash, blasCore } : null,
    },
  };
  validate(m);
  check(Buffer.from(packr.pack([...fields(m), signature])).equals(bytes), "not in canonical form");
  if (!verifyMemberSignature(signature as Uint8Array, () => signedBytes(m), m.member.toBytes()))
    throw new ConcordError(CONCORD_ERROR__CODEC__RECEIPT_METADATA_BAD_SIGNATURE, {
      member: m.member.toBase58(),
      step: m.step,
    });
  return { ...m, signature: Uint8Array.from(signature as Uint8Array) };
}

const KEY_DOMAIN = new TextEncoder().encode("concord-receipt-metadata-key-v1");

/**
 * Where a data server files the metadata of one receipt: sha256 of a domain, the run, the member, the step (u64 LE)
 * and the update's hash. Not the update's hash alone: the same bytes may be committed at several steps (a stale
 * re-send) or by several members (a copy), and a copier filing first must not stand in for the original's metadata.
 */
export function metadataKey(
  run: PublicKey,
  member: PublicKey,
  step: number | bigint,
  updateHash: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(KEY_DOMAIN.length + 32 + 32 + 8 + 32);
  let at = 0;
  for (const part of [KEY_DOMAIN, run.toBytes(), member.toBytes()]) {
    out.set(part, at);
    at += part.length;
  }
  new DataView(out.buffer).setBigUint64(at, BigInt(step), true);
  out.set(updateHash, at + 8);
  return sha256(out);
}

/** The on-chain receipt fields the metadata must agree with. */
export interface CommittedReceipt {
  readonly hash: Uint8Array | readonly number[];
  readonly size: number;
  readonly loss: number;
}

/** Throws RECEIPT_METADATA_MISMATCH unless `m` describes `receipt` of `run`/`member` at `step` (and these bytes). */
export function checkReceiptMetadata(
  m: ReceiptMetadata,
  expected: { run: PublicKey; member: PublicKey; step: number; receipt: CommittedReceipt },
): void {
  const fail = (reason: string) => new ConcordError(CONCORD_ERROR__CODEC__RECEIPT_METADATA_MISMATCH, { reason });
  if (!m.run.equals(expected.run)) throw fail(`run ${m.run.toBase58()}, expected ${expected.run.toBase58()}`);
  if (!m.member.equals(expected.member))
    throw fail(`member ${m.member.toBase58()}, expected ${expected.member.toBase58()}`);
  if (m.step !== expected.step) throw fail(`step ${m.step}, expected ${expected.step}`);
  if (!Buffer.from(m.updateHash).equals(Buffer.from(expected.receipt.hash)))
    throw fail("updateHash differs from the receipt's hash");
  if (m.updateBytes !== expected.receipt.size)
    throw fail(`updateBytes ${m.updateBytes}, receipt size ${expected.receipt.size}`);
  if (Math.fround(m.loss) !== Math.fround(expected.receipt.loss))
    throw fail(`loss ${m.loss}, receipt loss ${expected.receipt.loss}`);
}
