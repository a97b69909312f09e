// Program-derived addresses of the coordinator's accounts (seeds as in programs/coordinator/src/instructions/
// shared/seeds.h). Each returns [address, canonical bump].
import { PublicKey } from "@solana/web3.js";
import { CONCORD_ERROR__CLIENT__VALUE_OUT_OF_RANGE } from "./errors/codes";
import { ConcordError } from "./errors/concordError";
import { COORDINATOR_PROGRAM_ID as PROGRAM_ID } from "./coordinatorProgram";

const U64_MAX = (1n << 64n) - 1n;

/** A u64 seed: 8 bytes little-endian. */
export function u64Seed(value: bigint | number, name = "value"): Buffer {
  const v = BigInt(value);
  if (v < 0n || v > U64_MAX)
    throw new ConcordError(CONCORD_ERROR__CLIENT__VALUE_OUT_OF_RANGE, { name, value: v, range: "u64" });
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return b;
}

const text = (s: string) => Buffer.from(s, "utf8");

/** Deriving a PDA costs about a millisecond in JavaScript (sha256 and a curve check per bump tried): memoized. */
const derived = new Map<string, [PublicKey, number]>();
const DERIVED_LIMIT = 10_000;

function derive(seeds: Buffer[], programId: PublicKey): [PublicKey, number] {
  const id = `${programId.toBase58()}:${seeds.map((s) => s.toString("hex")).join(":")}`;
  let found = derived.get(id);
  if (!found) {
    if (derived.size >= DERIVED_LIMIT) derived.clear();
    found = PublicKey.findProgramAddressSync(seeds, programId);
    derived.set(id, found);
  }
  return found;
}

export function findRunAddress(runId: bigint | number, programId = PROGRAM_ID): [PublicKey, number] {
  return derive([text("run"), u64Seed(runId, "runId")], programId);
}

export function findVaultAddress(run: PublicKey, programId = PROGRAM_ID): [PublicKey, number] {
  return derive([text("vault"), run.toBuffer()], programId);
}

export function findMemberAddress(run: PublicKey, member: PublicKey, programId = PROGRAM_ID): [PublicKey, number] {
  return derive([text("member"), run.toBuffer(), member.toBuffer()], programId);
}

export function findEpochReceiptsAddress(
  run: PublicKey,
  member: PublicKey,
  epoch: bigint | number,
  programId = PROGRAM_ID,
): [PublicKey, number] {
  return derive([text("receipts"), run.toBuffer(), member.toBuffer(), u64Seed(epoch, "epoch")], programId);
}

export function findChallengeAddress(
  run: PublicKey,
  member: PublicKey,
  step: bigint | number,
  programId = PROGRAM_ID,
): [PublicKey, number] {
  return derive([text("challenge"), run.toBuffer(), member.toBuffer(), u64Seed(step, "step")], programId);
}
