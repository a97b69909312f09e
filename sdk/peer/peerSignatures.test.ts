import { Keypair } from "@solana/web3.js";
import { ed25519 } from "@noble/curves/ed25519";
import { CONCORD_ERROR__PEER__BAD_SIGNATURE, CONCORD_ERROR__PEER__INVALID_FIELD } from "../errors/codes";
import { expectConcordError } from "../../tests/helpers/expectConcordError";
import type { AnnounceFields, AnnounceMessage, HelloFields, HelloMessage } from "./peerMessages";
import { decodePeerMessage, encodePeerMessage } from "./peerMessages";
import { requireValidSignature, signAnnounce, signHello, verifyAnnounce, verifyHello } from "./peerSignatures";

const keypair = Keypair.generate();
const other = Keypair.generate();
const run = Keypair.generate().publicKey;
const HELLO: HelloFields = {
  run,
  member: keypair.publicKey,
  timestamp: 1_760_000_000_000,
  nonce: new Uint8Array(32).fill(9),
};
const ANNOUNCE: AnnounceFields = {
  run,
  step: 17,
  member: keypair.publicKey,
  updateHash: new Uint8Array(32).fill(5),
  size: 4096,
};

const flip = (b: Uint8Array, i = 0) => {
  const c = Uint8Array.from(b);
  c[i] ^= 1;
  return c;
};

describe("peer signatures", () => {
  it("a Solana Keypair signs a hello and an announce that verify, also after a wire round trip", () => {
    const hello = signHello(HELLO, keypair.secretKey);
    const announce = signAnnounce(ANNOUNCE, keypair.secretKey);
    expect(verifyHello(hello)).toBe(true);
    expect(verifyAnnounce(announce)).toBe(true);
    expect(verifyHello(decodePeerMessage(encodePeerMessage(hello)) as HelloMessage)).toBe(true);
    expect(verifyAnnounce(decodePeerMessage(encodePeerMessage(announce)) as AnnounceMessage)).toBe(true);
    expect(() => requireValidSignature(announce)).not.toThrow();
  });

  it("signs the domain-separated bytes with the keypair's ed25519 key", () => {
    const announce = signAnnounce(ANNOUNCE, keypair.secretKey);
    const hello = signHello(HELLO, keypair.secretKey);
    // The same signature must not verify as the other kind.
    expect(verifyHello({ ...hello, signature: announce.signature })).toBe(false);
    expect(ed25519.getPublicKey(keypair.secretKey.subarray(0, 32))).toEqual(keypair.publicKey.toBytes());
  });

  it("a flipped bit in any signed announce field fails", () => {
    const a = signAnnounce(ANNOUNCE, keypair.secretKey);
    const variants: AnnounceMessage[] = [
      { ...a, run: Keypair.generate().publicKey },
      { ...a, step: a.step ^ 1 },
      { ...a, member: other.publicKey },
      { ...a, updateHash: flip(a.updateHash, 31) },
      { ...a, size: a.size ^ 1 },
      { ...a, signature: flip(a.signature) },
      { ...a, signature: flip(a.signature, 63) },
    ];
    for (const v of variants) {
      expect(verifyAnnounce(v)).toBe(false);
      expectConcordError(() => requireValidSignature(v), CONCORD_ERROR__PEER__BAD_SIGNATURE);
    }
  });

  it("a flipped bit in any signed hello field fails", () => {
    const h = signHello(HELLO, keypair.secretKey);
    const variants: HelloMessage[] = [
      { ...h, run: Keypair.generate().publicKey },
      { ...h, member: other.publicKey },
      { ...h, timestamp: h.timestamp ^ 1 },
      { ...h, nonce: flip(h.nonce, 7) },
      { ...h, signature: flip(h.signature, 20) },
    ];
    for (const v of variants) expect(verifyHello(v)).toBe(false);
  });

  it("a signature by a different key fails", () => {
    const byOther = signAnnounce({ ...ANNOUNCE, member: other.publicKey }, other.secretKey);
    expect(verifyAnnounce({ ...byOther, member: keypair.publicKey })).toBe(false);
    const helloByOther = signHello({ ...HELLO, member: other.publicKey }, other.secretKey);
    expect(verifyHello({ ...helloByOther, member: keypair.publicKey })).toBe(false);
  });

  it("garbage never throws from verify", () => {
    const a = signAnnounce(ANNOUNCE, keypair.secretKey);
    const h = signHello(HELLO, keypair.secretKey);
    for (const signature of [new Uint8Array(63), new Uint8Array(65), new Uint8Array(0), new Uint8Array(64).fill(255)]) {
      expect(verifyAnnounce({ ...a, signature })).toBe(false);
      expect(verifyHello({ ...h, signature })).toBe(false);
    }
    expect(verifyAnnounce({ ...a, step: -1 })).toBe(false);
    expect(verifyAnnounce({ ...a, signature: "x" as unknown as Uint8Array })).toBe(false);
    expect(verifyHello({ ...h, nonce: new Uint8Array(3) })).toBe(false);
  });

  it("refuses a secret key of the wrong length or of another member", () => {
    expectConcordError(() => signAnnounce(ANNOUNCE, new Uint8Array(32)), CONCORD_ERROR__PEER__INVALID_FIELD);
    expectConcordError(() => signAnnounce(ANNOUNCE, other.secretKey), CONCORD_ERROR__PEER__INVALID_FIELD);
    expectConcordError(() => signHello(HELLO, other.secretKey), CONCORD_ERROR__PEER__INVALID_FIELD);
    expectConcordError(
      () => signAnnounce({ ...ANNOUNCE, size: 0 }, keypair.secretKey),
      CONCORD_ERROR__PEER__INVALID_FIELD,
    );
  });
});
