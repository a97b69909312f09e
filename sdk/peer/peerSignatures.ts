// Signs and checks the messages that carry a member's word: hello (it holds the key), announce (it holds an update)
// and a relay registration (forward the run's peers to it, at that relay), each with the member's on-chain identity
// (memberSignature.ts). Verification returns false on any bad input: peers send garbage.
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
import { memberSeed, signAsMember, verifyMemberSignature } from "./memberSignature";

/** The ed25519 seed of a 64-byte Solana secret key, after checking that it belongs to `member`. */
const seedOf = (kind: string, secretKey64: Uint8Array, member: Uint8Array): Uint8Array =>
  memberSeed(
    secretKey64,
    member,
    (reason) => new ConcordError(CONCORD_ERROR__PEER__INVALID_FIELD, { kind, field: "secretKey", reason }),
  );

export function signHello(fields: HelloFields, secretKey64: Uint8Array): HelloMessage {
  const signed = helloSignedBytes(fields);
  const seed = seedOf("hello", secretKey64, fields.member.toBytes());
  return { ...fields, kind: "hello", signature: signAsMember(signed, seed) };
}

export function verifyHello(hello: HelloMessage): boolean {
  return verifyMemberSignature(hello.signature, () => helloSignedBytes(hello), hello.member.toBytes());
}

export function signAnnounce(fields: AnnounceFields, secretKey64: Uint8Array): AnnounceMessage {
  const signed = announceSignedBytes(fields);
  const seed = seedOf("announce", secretKey64, fields.member.toBytes());
  return { ...fields, kind: "announce", signature: signAsMember(signed, seed) };
}

export function verifyAnnounce(announce: AnnounceMessage): boolean {
  return verifyMemberSignature(announce.signature, () => announceSignedBytes(announce), announce.member.toBytes());
}

export function signRegister(fields: RegisterFields, secretKey64: Uint8Array): RegisterMessage {
  const signed = registerSignedBytes(fields);
  const seed = seedOf("register", secretKey64, fields.member.toBytes());
  return { ...fields, kind: "register", signature: signAsMember(signed, seed) };
}

export function verifyRegister(register: RegisterMessage): boolean {
  return verifyMemberSignature(register.signature, () => registerSignedBytes(register), register.member.toBytes());
}

/** Throws BAD_SIGNATURE unless `m` is signed by its member: for callers that drop the peer on failure. */
export function requireValidSignature(m: HelloMessage | AnnounceMessage): void {
  const ok = m.kind === "hello" ? verifyHello(m) : verifyAnnounce(m);
  if (!ok) throw new ConcordError(CONCORD_ERROR__PEER__BAD_SIGNATURE, { kind: m.kind, member: m.member.toBase58() });
}
