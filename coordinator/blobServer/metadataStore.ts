// The receipt metadata members publish beside their updates, filed by the receipt it describes: an auditor who has
// only the chain knows a receipt (run, member, step, update hash), not its metadata's hash, so the metadata is filed
// under `metadataKey` of that receipt. The name proves nothing by itself, so only metadata its member signed for
// exactly that receipt is stored, and the first stored stays (a second, different one the member signed for the same
// receipt would be it equivocating: refused). Clients check the signature and the binding again; this store only
// keeps what is worth serving.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bytesToHex } from "@noble/hashes/utils";
import { ConcordError } from "../../sdk/errors/concordError";
import {
  CONCORD_ERROR__PEER__INVALID_BLOB_HASH,
  CONCORD_ERROR__PEER__METADATA_CONFLICT,
  CONCORD_ERROR__PEER__METADATA_MISMATCH,
} from "../../sdk/errors/codes";
import { decodeReceiptMetadata, metadataKey } from "../../sdk/receiptMetadata";
import { isBlobHash, writeAtomically } from "./blobStore";

export class MetadataStore {
  private readonly dir: string;

  /** In `blobDir`'s `metadata/` folder (made at the first upload): not a hash, so never a blob's name. */
  constructor(blobDir: string) {
    this.dir = join(blobDir, "metadata");
  }

  /** The file for the key (hex); refuses anything but a hash, so no name reaches outside the folder. */
  private pathOf(key: string): string {
    if (!isBlobHash(key)) throw new ConcordError(CONCORD_ERROR__PEER__INVALID_BLOB_HASH, { name: JSON.stringify(key) });
    return join(this.dir, key);
  }

  /** The metadata filed under `key` (hex), or undefined. */
  get(key: string): Uint8Array | undefined {
    const path = this.pathOf(key);
    return existsSync(path) ? readFileSync(path) : undefined;
  }

  /**
   * Stores `bytes` under `key` if they are metadata its member signed for the receipt the key names; false when the
   * same bytes were there. Throws what was wrong otherwise (malformed, unsigned, another receipt's, a conflict).
   */
  put(key: string, bytes: Uint8Array): boolean {
    const path = this.pathOf(key);
    const m = decodeReceiptMetadata(bytes);
    const own = bytesToHex(metadataKey(m.run, m.member, m.step, m.updateHash));
    if (own !== key)
      throw new ConcordError(CONCORD_ERROR__PEER__METADATA_MISMATCH, { name: key, reason: `its key is ${own}` });
    if (existsSync(path)) {
      if (Buffer.from(readFileSync(path)).equals(Buffer.from(bytes))) return false;
      throw new ConcordError(CONCORD_ERROR__PEER__METADATA_CONFLICT, { name: key });
    }
    mkdirSync(this.dir, { recursive: true });
    writeAtomically(path, bytes);
    return true;
  }
}
