// Signs and checks the messages that carry a member's word: hello (it holds the key), announce (it holds an update)
// and a relay registration (forward the run's peers to it, at that relay). A Solana public key is the raw ed25519 public key and a web3.js Keypair.secretKey is seed || public key, so
// a member signs with its on-chain identity. Verification returns false on any bad input: peers send garbage.
import { ed25519 } from "@noble/curves/ed25519";
import { ConcordError } from "../errors/concordError";
import { CONCORD_ERROR__PEER__BAD_SIGNATURE, CONCORD_ERROR__PEER__INVALID_FIELD } from "../errors/codes";
import type {
  AnnounceFields,
  AnnounceMessage,
  HelloFields,
  HelloMessage,
  RegisterFields,
  RegisterMessage,
} from "./peerMessages";
import { announceSignedBytes, helloSignedBytes, registerSignedBytes } from "./peerMessages";

/** The ed25519 seed of a 64-byte Solana secret key, after checking that it belongs to `member`. */
function seedOf(kind: string, secretKey64: Uint8Array, member: Uint8Array): Uint8Array {
  const bad = (reason: string) =>
    new ConcordError(CONCORD_ERROR__PEER__INVALID_FIELD, { kind, field: "secretKey", reason });
  if (!(secretKey64 instanceof Uint8Array) || secretKey64.length !== 64)
    throw bad("must be 64 bytes (seed || public key)");
  const seed = secretKey64.subarray(0, 32);
  if (!Buffer.from(ed25519.getPublicKey(seed)).equals(member)) throw bad("does not belong to member");
  return seed;
}

// zip215 off: strict RFC 8032 checks, so a signature has one accepted form.
function verify(signature: Uint8Array, signed: () => Uint8Array, member: Uint8Array): boolean {
  try {
    return signature.length === 64 && ed25519.verify(signature, signed(), member, { zip215: false });
  } catch {
    return false;
  }
}

export function signHello(fields: HelloFields, secretKey64: Uint8Array): HelloMessage {
  const signed = helloSignedBytes(fields);
  const seed = seedOf("hello", secretKey64, fields.member.toBytes());
  return { ...fields, kind: "hello", signature: ed25519.sign(signed, seed) };
}

export function verifyHello(hello: HelloMessage): boolean {
  return verify(hello.signature, () => helloSignedBytes(hello), hello.member.toBytes());
}

export function signAnnounce(fields: AnnounceFields, secretKey64: Uint8Array): AnnounceMessage {
  const signed = announceSignedBytes(fields);
  const seed = seedOf("announce", secretKey64, fields.member.toBytes());
  return { ...fields, kind: "announce", signature: ed25519.sign(signed, seed) };
}

export function verifyAnnounce(announce: AnnounceMessage): boolean {
  return verify(announce.signature, () => announceSignedBytes(announce), announce.member.toBytes());
}

export function signRegister(fields: RegisterFields, secretKey64: Uint8Array): RegisterMessage {
  const signed = registerSignedBytes(fields);
  const seed = seedOf("register", secretKey64, fields.member.toBytes());
  return { ...fields, kind: "register", signature: ed25519.sign(signed, seed) };
}

export function verifyRegister(register: RegisterMessage): boolean {
  return verify(register.signature, () => registerSignedBytes(register), register.member.toBytes());
}

/** Throws BAD_SIGNATURE unless `m` is signed by its member: for callers that drop the peer on failure. */
export function requireValidSignature(m: HelloMessage | AnnounceMessage): void {
  const ok = m.kind === "hello" ? verifyHello(m) : verifyAnnounce(m);
  if (!ok) throw new ConcordError(CONCORD_ERROR__PEER__BAD_SIGNATURE, { kind: m.kind, member: m.member.toBase58() });
}
