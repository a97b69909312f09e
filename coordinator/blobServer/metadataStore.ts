// The receipt metadata members publish beside their updates, kept by update hash: an auditor who has only the chain
// knows an update's hash, not its metadata's, so the metadata is filed under the update it describes. That name
// proves nothing by itself, so only metadata its member signed for exactly that update is stored, and the first
// stored stays (a second, different one signed for the same update would be the member equivocating: refused).
// Clients check the signature and the binding again; this store only keeps what is worth serving.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bytesToHex } from "@noble/hashes/utils";
import { ConcordError } from "../../sdk/errors/concordError";
import {
  CONCORD_ERROR__PEER__INVALID_BLOB_HASH,
  CONCORD_ERROR__PEER__METADATA_CONFLICT,
  CONCORD_ERROR__PEER__METADATA_MISMATCH,
} from "../../sdk/errors/codes";
import { decodeReceiptMetadata } from "../../sdk/receiptMetadata";
import { isBlobHash } from "./blobStore";

export class MetadataStore {
  private readonly dir: string;

  /** In `blobDir`'s `metadata/` folder (made at the first upload): not a hash, so never a blob's name. */
  constructor(blobDir: string) {
    this.dir = join(blobDir, "metadata");
  }

  /** The file for the update `updateHash`; refuses anything but a hash, so no name reaches outside the folder. */
  private pathOf(updateHash: string): string {
    if (!isBlobHash(updateHash))
      throw new ConcordError(CONCORD_ERROR__PEER__INVALID_BLOB_HASH, { name: JSON.stringify(updateHash) });
    return join(this.dir, updateHash);
  }

  /** The metadata stored for the update `updateHash` (hex), or undefined. */
  get(updateHash: string): Uint8Array | undefined {
    const path = this.pathOf(updateHash);
    return existsSync(path) ? readFileSync(path) : undefined;
  }

  /**
   * Stores `bytes` for the update `updateHash` if they are metadata its member signed for that update; false when
   * the same bytes were there. Throws what was wrong otherwise (malformed, unsigned, another update's, a conflict).
   */
  put(updateHash: string, bytes: Uint8Array): boolean {
    const path = this.pathOf(updateHash);
    const m = decodeReceiptMetadata(bytes);
    if (bytesToHex(m.updateHash) !== updateHash)
      throw new ConcordError(CONCORD_ERROR__PEER__METADATA_MISMATCH, {
        name: updateHash,
        reason: `it describes update ${bytesToHex(m.updateHash)}`,
      });
    if (existsSync(path)) {
      if (Buffer.from(readFileSync(path)).equals(Buffer.from(bytes))) return false;
      throw new ConcordError(CONCORD_ERROR__PEER__METADATA_CONFLICT, { name: updateHash });
    }
    mkdirSync(this.dir, { recursive: true });
    const tmp = join(this.dir, `.tmp-${randomBytes(8).toString("hex")}`);
    try {
      writeFileSync(tmp, bytes);
      renameSync(tmp, path);
    } finally {
      rmSync(tmp, { force: true });
    }
    return true;
  }
}
