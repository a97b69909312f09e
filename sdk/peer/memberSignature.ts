// A member signs with its on-chain identity: a Solana public key is the raw ed25519 public key and a web3.js
// Keypair.secretKey is seed || public key. Peer messages (peerSignatures.ts) and the receipt metadata a member
// publishes beside each update (../receiptMetadata.ts) are signed this way. Verification returns false on any bad
// input: what is checked comes from untrusted peers and servers. It runs on Node's native ed25519 (OpenSSL), about 20
// times faster than @noble's here (0.1 against 2.1 ms): every update a node receives costs two verifications (its
// announce and its metadata), which bench:scale found to be the largest share of a member's protocol CPU.
import { ed25519 } from "@noble/curves/ed25519";
import type { KeyObject } from "node:crypto";
import { createPublicKey, verify } from "node:crypto";

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

/** DER SubjectPublicKeyInfo of an ed25519 key, less the 32 key bytes. */
const SPKI_PREFIX = Uint8Array.of(0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00);
/** Members' key objects (a run has at most a few hundred members; the cache is dropped when it grows past that). */
const keys = new Map<string, KeyObject>();
const MAX_CACHED_KEYS = 4096;

function keyObject(member: Uint8Array): KeyObject {
  const id = String.fromCharCode(...member);
  let key = keys.get(id);
  if (!key) {
    if (keys.size >= MAX_CACHED_KEYS) keys.clear();
    const der = new Uint8Array(SPKI_PREFIX.length + 32);
    der.set(SPKI_PREFIX);
    der.set(member, SPKI_PREFIX.length);
    key = createPublicKey({ key: Buffer.from(der), format: "der", type: "spki" });
    keys.set(id, key);
  }
  return key;
}

/**
 * RFC 8032 verification (OpenSSL's: S must be below the group order, and R is compared as encoded, so a signature
 * has one accepted form). False for anything malformed: a key that is not 32 bytes or no curve point, a signature that
 * is not 64 bytes.
 */
export function verifyMemberSignature(signature: Uint8Array, signed: () => Uint8Array, member: Uint8Array): boolean {
  try {
    return signature.length === 64 && member.length === 32 && verify(null, signed(), keyObject(member), signature);
  } catch {
    return false;
  }
}
