// A folder of immutable blobs, each named by the lowercase hex sha256 of its bytes: the name is the proof.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { sha256 } from "@noble/hashes/sha256";
import { bytesToHex } from "@noble/hashes/utils";
import { ConcordError } from "../../sdk/errors/concordError";
import {
  CONCORD_ERROR__PEER__BLOB_HASH_MISMATCH,
  CONCORD_ERROR__PEER__INVALID_BLOB_HASH,
} from "../../sdk/errors/codes";

const HASH_RE = /^[0-9a-f]{64}$/;

/** True for a blob name: exactly 64 lowercase hex digits (so it can never be a path component like `..`). */
export function isBlobHash(name: string): boolean {
  return HASH_RE.test(name);
}

export class BlobStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
    mkdirSync(this.dir, { recursive: true });
  }

  /** The file holding `hash`; refuses anything but a hash, so no request can name a path outside the store. */
  pathOf(hash: string): string {
    if (!isBlobHash(hash))
      throw new ConcordError(CONCORD_ERROR__PEER__INVALID_BLOB_HASH, { name: JSON.stringify(hash) });
    return join(this.dir, hash);
  }

  /** The blob's size in bytes, or undefined when the store does not hold it. */
  sizeOf(hash: string): number | undefined {
    const path = this.pathOf(hash);
    return existsSync(path) ? statSync(path).size : undefined;
  }

  /**
   * Stores `bytes` under `hash` only if they hash to it. Written to a temporary name then renamed, so a reader
   * never sees a partial blob. Resolves to false when the blob was already there.
   */
  put(hash: string, bytes: Uint8Array): boolean {
    const path = this.pathOf(hash);
    const actual = bytesToHex(sha256(bytes));
    if (actual !== hash) throw new ConcordError(CONCORD_ERROR__PEER__BLOB_HASH_MISMATCH, { actual, expected: hash });
    if (existsSync(path)) return false;
    writeAtomically(path, bytes);
    return true;
  }
}

/** Writes `bytes` to a temporary name beside `path`, then renames it there: a reader never sees a partial file. */
export function writeAtomically(path: string, bytes: Uint8Array): void {
  const tmp = join(dirname(path), `.tmp-${randomBytes(8).toString("hex")}`);
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
}
