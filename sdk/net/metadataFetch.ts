// Receipt metadata to and from data servers, filed by the update it describes (`/metadata/<update sha256>`). No
// server is trusted: what one serves counts only if it decodes, its member signed it, and it describes that update.
import { bytesToHex } from "@noble/hashes/utils";
import { ConcordError, isConcordError } from "../errors/concordError";
import { CONCORD_ERROR__PEER__METADATA_UNAVAILABLE } from "../errors/codes";
import { MAX_RECEIPT_METADATA_BYTES, decodeReceiptMetadata } from "../receiptMetadata";

const metadataUrl = (server: string, updateHash: Uint8Array) =>
  `${server.replace(/\/+$/, "")}/metadata/${bytesToHex(updateHash)}`;

/** Uploads the metadata of the update `updateHash` to a server that takes uploads; rejects with its answer otherwise. */
export async function putMetadata(server: string, updateHash: Uint8Array, metadata: Uint8Array): Promise<void> {
  const res = await fetch(metadataUrl(server, updateHash), {
    method: "PUT",
    body: new Blob([metadata as Uint8Array<ArrayBuffer>]),
  });
  if (res.status === 200 || res.status === 201) return;
  const text = (await res.text().catch(() => "")).trim().slice(0, 200);
  throw new Error(
    `${server} refused the metadata of ${bytesToHex(updateHash)}: HTTP ${res.status}${text ? `: ${text}` : ""}`,
  );
}

/**
 * The metadata of the update `updateHash` from the first server whose answer its member signed for that update;
 * each server that gave nothing usable is told to `onFailure` first. METADATA_UNAVAILABLE lists them all otherwise.
 */
export async function fetchMetadata(
  servers: readonly string[],
  updateHash: Uint8Array,
  onFailure?: (server: string, reason: string) => void,
): Promise<Uint8Array> {
  const hex = bytesToHex(updateHash);
  const failures: string[] = [];
  for (const server of servers) {
    try {
      const res = await fetch(metadataUrl(server, updateHash), { signal: AbortSignal.timeout(30_000) });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (bytes.length > MAX_RECEIPT_METADATA_BYTES) throw new Error(`${bytes.length} bytes, over the metadata limit`);
      const m = decodeReceiptMetadata(bytes);
      if (bytesToHex(m.updateHash) !== hex) throw new Error(`it describes update ${bytesToHex(m.updateHash)}`);
      return bytes;
    } catch (e) {
      const reason = isConcordError(e) ? e.message : (e as Error).message;
      failures.push(`${server}: ${reason}`);
      onFailure?.(server, reason);
    }
  }
  throw new ConcordError(CONCORD_ERROR__PEER__METADATA_UNAVAILABLE, {
    hash: hex,
    failures: failures.join("; ") || "no servers given",
  });
}
