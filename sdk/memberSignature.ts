// A member signs with its on-chain identity: a Solana public key is the raw ed25519 public key and a web3.js
// Keypair.secretKey is seed || public key. Peer messages (peer/peerSignatures.ts) and the receipt metadata a member
// publishes beside each update (receiptMetadata.ts) are signed this way. Verification returns false on any bad
// input: what is checked comes from untrusted peers and servers.
import { ed25519 } from "@noble/curves/ed25519";

/** The ed25519 seed of a 64-byte Solana secret key; `bad(reason)` is thrown unless it is `member`'s key. */
export function memberSeed(secretKey64: Uint8Array, member: Uint8Array, bad: (reason: string) => Error): Uint8Array {
  if (!(secretKey64 instanceof Uint8Array) || secretKey64.length !== 64)
    throw bad("must be 64 bytes (seed || public key)");
  const seed = secretKey64.subarray(0, 32);
  const derived = ed25519.getPublicKey(seed);
  if (derived.length !== member.length || derived.some((b, i) => b !== member[i]))
    throw bad("does not belong to member");
  return seed;
}

export const signAsMember = (signed: Uint8Array, seed: Uint8Array): Uint8Array => ed25519.sign(signed, seed);

// zip215 off: strict RFC 8032 checks, so a signature has one accepted form.
export function verifyMemberSignature(signature: Uint8Array, signed: () => Uint8Array, member: Uint8Array): boolean {
  try {
    return signature.length === 64 && ed25519.verify(signature, signed(), member, { zip215: false });
  } catch {
    return false;
  }
}
