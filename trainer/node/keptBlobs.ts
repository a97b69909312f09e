// Blobs a node keeps in its state dir under their sha256 (the checkpoint it verified, the run's recipe): read back only
// while they still hash to their name, so a file changed on disk is fetched again, never trusted.
import { sha256 } from "@noble/hashes/sha256";
import { bytesToHex } from "@noble/hashes/utils";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The file `<dir>/<hash>` when it still hashes to its name; null otherwise (missing, or changed on disk). */
export function keptBlob(dir: string, hash: string): Uint8Array | null {
  const path = join(dir, hash);
  if (!existsSync(path)) return null;
  const bytes = readFileSync(path);
  return bytesToHex(sha256(bytes)) === hash ? bytes : null;
}
