// The parameter hash: sha256 over every parameter's float32 bytes in parameter order. Honest nodes that applied the
// same accepted updates to the same initial weights hold the same hash; witnesses report it on-chain each round.
// node:crypto rather than @noble/hashes: this hashes megabytes every round, on the node's hot path.
import { createHash } from "node:crypto";

export function parameterHash(weights: readonly Float32Array[]): Uint8Array {
  const h = createHash("sha256");
  for (const w of weights) h.update(new Uint8Array(w.buffer, w.byteOffset, w.byteLength));
  return new Uint8Array(h.digest());
}
