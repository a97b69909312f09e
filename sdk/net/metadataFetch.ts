// Receipt metadata to and from data servers, filed by the receipt it describes (`/metadata/<metadataKey>`). No
// server is trusted: what one serves counts only if it decodes, its member signed it, and it describes that receipt.
import type { PublicKey } from "@solana/web3.js";
import { bytesToHex } from "@noble/hashes/utils";
import { ConcordError, isConcordError } from "../errors/concordError";
import { CONCORD_ERROR__PEER__METADATA_UNAVAILABLE } from "../errors/codes";
import { MAX_RECEIPT_METADATA_BYTES, decodeReceiptMetadata, metadataKey } from "../receiptMetadata";

const metadataUrl = (server: string, key: Uint8Array) => `${server.replace(/\/+$/, "")}/metadata/${bytesToHex(key)}`;

/** The receipt a metadata describes, as the chain records it. */
export interface MetadataReceipt {
  readonly run: PublicKey;
  readonly member: PublicKey;
  readonly step: number | bigint;
  readonly updateHash: Uint8Array;
}

/** Uploads signed metadata to a server that takes uploads, filed by its receipt; rejects with the answer otherwise. */
export async function putMetadata(server: string, metadata: Uint8Array): Promise<void> {
  const m = decodeReceiptMetadata(metadata);
  const key = metadataKey(m.run, m.member, m.step, m.updateHash);
  const res = await fetch(metadataUrl(server, key), {
    method: "PUT",
    body: new Blob([metadata as Uint8Array<ArrayBuffer>]),
  });
  if (res.status === 200 || res.status === 201) return;
  const text = (await res.text().catch(() => "")).trim().slice(0, 200);
  throw new Error(`${server} refused the metadata of step ${m.step}: HTTP ${res.status}${text ? `: ${text}` : ""}`);
}

/**
 * The metadata of `receipt` from the first server whose answer its member signed for that receipt; each server that
 * gave nothing usable is told to `onFailure` first. METADATA_UNAVAILABLE lists them all otherwise.
 */
export async function fetchMetadata(
  servers: readonly string[],
  receipt: MetadataReceipt,
  onFailure?: (server: string, reason: string) => void,
): Promise<Uint8Array> {
  const key = metadataKey(receipt.run, receipt.member, receipt.step, receipt.updateHash);
  const failures: string[] = [];
  for (const server of servers) {
    try {
      const res = await fetch(metadataUrl(server, key), { signal: AbortSignal.timeout(30_000) });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (bytes.length > MAX_RECEIPT_METADATA_BYTES) throw new Error(`${bytes.length} bytes, over the metadata limit`);
      const m = decodeReceiptMetadata(bytes);
      if (bytesToHex(metadataKey(m.run, m.member, m.step, m.updateHash)) !== bytesToHex(key))
        throw new Error(`it describes step ${m.step} of ${m.member.toBase58()} in run ${m.run.toBase58()}`);
      return bytes;
    } catch (e) {
      const reason = isConcordError(e) ? e.message : (e as Error).message;
      failures.push(`${server}: ${reason}`);
      onFailure?.(server, reason);
    }
  }
  throw new ConcordError(CONCORD_ERROR__PEER__METADATA_UNAVAILABLE, {
    member: receipt.member.toBase58(),
    step: String(receipt.step),
    failures: failures.join("; ") || "no servers given",
  });
}
