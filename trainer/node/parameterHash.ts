// The parameter hash: sha256 over every parameter's float32 bytes in parameter order. Honest nodes that applied the
// same accepted updates to the same initial weights hold the same hash; witnesses report it on-chain each round.
import { sha256 } from "@noble/hashes/sha256";

export function parameterHash(weights: readonly Float32Array[]): Uint8Array {
  const h = sha256.create();
  for (const w of weights) h.update(new Uint8Array(w.buffer, w.byteOffset, w.byteLength));
  return h.digest();
}
