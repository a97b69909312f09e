// Member signatures: Node's native ed25519 verification, checked against @noble's strict RFC 8032 one (the
// reference it replaced) on valid signatures and every kind of tampering, including a second form of S.
import { ed25519 } from "@noble/curves/ed25519";
import { Keypair } from "@solana/web3.js";
import { SeededRandom } from "../../tests/helpers/seededRandom";
import { memberSeed, signAsMember, verifyMemberSignature } from "./memberSignature";

// The order of ed25519's prime subgroup: S and S + L are the same scalar, and only S < L is accepted.
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const leToBig = (b: Uint8Array) => b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n);
const bigToLe = (n: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));

const noble = (signature: Uint8Array, message: Uint8Array, member: Uint8Array) => {
  try {
    return ed25519.verify(signature, message, member, { zip215: false });
  } catch {
    return false;
  }
};

describe("member signatures", () => {
  const member = Keypair.generate();
  const key = member.publicKey.toBytes();
  const seed = memberSeed(member.secretKey, key, (reason) => new Error(reason));

  test("a member's signature verifies; the same bytes under another key, or other bytes, do not", () => {
    const message = new TextEncoder().encode("concord");
    const signature = signAsMember(message, seed);
    expect(verifyMemberSignature(signature, () => message, key)).toBe(true);
    expect(verifyMemberSignature(signature, () => message, Keypair.generate().publicKey.toBytes())).toBe(false);
    expect(verifyMemberSignature(signature, () => new TextEncoder().encode("concorD"), key)).toBe(false);
  });

  test("S + L (the same scalar in a second form) is refused, as by @noble's strict check", () => {
    const message = new TextEncoder().encode("one accepted form");
    const signature = signAsMember(message, seed);
    const s = leToBig(signature.subarray(32));
    const malleated = Uint8Array.from(signature);
    malleated.set(bigToLe(s + L), 32);
    expect(s + L < 2n ** 256n).toBe(true);
    expect([verifyMemberSignature(malleated, () => message, key), noble(malleated, message, key)]).toEqual([
      false,
      false,
    ]);
  });

  test("malformed input is false, never a throw: short or long signatures and keys, a key that is no curve point", () => {
    const message = Uint8Array.of(1, 2, 3);
    const signature = signAsMember(message, seed);
    expect(verifyMemberSignature(signature.subarray(0, 63), () => message, key)).toBe(false);
    expect(verifyMemberSignature(Uint8Array.of(...signature, 0), () => message, key)).toBe(false);
    expect(verifyMemberSignature(signature, () => message, key.subarray(0, 31))).toBe(false);
    // y = 2 is not the y of any point on the curve
    expect(verifyMemberSignature(signature, () => message, bigToLe(2n))).toBe(false);
  });

  test("agrees with @noble's strict verification on 300 seeded signatures and tamperings", () => {
    const r = new SeededRandom(11);
    for (let i = 0; i < 300; i++) {
      const message = r.bytes(r.int(200));
      const signature = signAsMember(message, seed);
      const [sig, msg, k] = [Uint8Array.from(signature), Uint8Array.from(message), Uint8Array.from(key)];
      const target = [sig, msg, k][i % 3];
      if (i % 4 !== 0 && target.length > 0) target[r.int(target.length)] ^= 1 << r.int(8);
      expect([i, verifyMemberSignature(sig, () => msg, k)]).toEqual([i, noble(sig, msg, k)]);
    }
  });

  test("memberSeed refuses a secret key that is not the member's", () => {
    const other = Keypair.generate();
    expect(() => memberSeed(other.secretKey, key, (reason) => new Error(reason))).toThrow("does not belong to member");
    expect(() => memberSeed(new Uint8Array(32), key, (reason) => new Error(reason))).toThrow("must be 64 bytes");
  });
});
