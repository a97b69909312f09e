// The integrity check, the first of an audit and of a witness: the bytes are the ones the receipt hashes (and its
// size), they decode strictly to the run's layout, and the metadata published with them binds this run, member,
// step, hash, size and loss (and names the compute). Anything else is a verdict with the error that explains it.
import type { PublicKey } from "@solana/web3.js";
import { decodeUpdate, updateHash } from "../codec/updateCodec";
import type { UpdateLayout } from "../codec/updateCodec";
import type { SparseUpdate } from "../demo/sparseUpdate";
import { ConcordError } from "../errors/concordError";
import { CONCORD_ERROR__CODEC__RECEIPT_METADATA_MISMATCH } from "../errors/codes";
import type { CommittedReceipt, ReceiptMetadata } from "../receiptMetadata";
import { checkReceiptMetadata, decodeReceiptMetadata } from "../receiptMetadata";

export type IntegrityResult =
  | { readonly ok: true; readonly update: SparseUpdate; readonly metadata: ReceiptMetadata }
  | { readonly ok: false; readonly code: number; readonly reason: string };

export function checkIntegrity(
  published: { readonly bytes: Uint8Array; readonly metadata: Uint8Array },
  receipt: CommittedReceipt,
  expected: {
    readonly run: PublicKey;
    readonly member: PublicKey;
    readonly step: number;
    readonly layout: UpdateLayout;
  },
): IntegrityResult {
  try {
    const hash = updateHash(published.bytes);
    if (!equalBytes(hash, receipt.hash) || published.bytes.length !== receipt.size)
      throw new ConcordError(CONCORD_ERROR__CODEC__RECEIPT_METADATA_MISMATCH, {
        reason: `the bytes (${published.bytes.length}, sha256 ${hex(hash).slice(0, 16)}…) are not the receipt's`,
      });
    const update = decodeUpdate(published.bytes, expected.layout);
    const metadata = decodeReceiptMetadata(published.metadata);
    checkReceiptMetadata(metadata, { ...expected, receipt });
    return { ok: true, update, metadata };
  } catch (e) {
    if (!(e instanceof ConcordError)) throw e;
    return { ok: false, code: e.code, reason: e.message };
  }
}

const equalBytes = (a: Uint8Array, b: Uint8Array | readonly number[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
