// The round seed tick draws when a round starts (programs/coordinator/src/instructions/run_tick.c): nobody knows
// it before the previous round closes, because it mixes every receipt of that round with a slot hash from after
// the commits.
import { sha256 } from "@noble/hashes/sha256";
import type { PublicKey } from "@solana/web3.js";
import { COORDINATOR_IDL } from "./coordinatorProgram";
import { idlFieldLayout } from "./idlLayout";

export interface RoundSeedInputs {
  /** The run's seed before the transition; the new round keeps it as its data_seed (the rows it trains). */
  previousSeed: Uint8Array;
  run: PublicKey;
  /** The run's epoch and step before the transition. */
  epoch: bigint;
  step: bigint;
  /** Clock sysvar at the tick. */
  slot: bigint;
  unixTimestamp: bigint;
  /** Newest SlotHashes entry at the tick. */
  slotHash: { slot: bigint; hash: Uint8Array };
  /** The run account's `round_receipts` table, raw (see roundReceiptsBytes). */
  roundReceipts: Uint8Array;
}

const u64 = (v: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt.asUintN(64, v));
  return b;
};

const ROUND_RECEIPTS = idlFieldLayout(COORDINATOR_IDL, "run", "roundReceipts", 8);

/** The raw receipt table inside a Run account's bytes. */
export function roundReceiptsBytes(runData: Uint8Array): Uint8Array {
  return runData.subarray(ROUND_RECEIPTS.offset, ROUND_RECEIPTS.offset + ROUND_RECEIPTS.size);
}

export function deriveRoundSeed(i: RoundSeedInputs): Uint8Array {
  return sha256(
    Buffer.concat([
      Buffer.from("concord-round-seed"),
      i.previousSeed,
      i.run.toBuffer(),
      u64(i.epoch),
      u64(i.step),
      u64(i.slot),
      u64(i.unixTimestamp),
      u64(i.slotHash.slot),
      i.slotHash.hash,
      i.roundReceipts,
    ]),
  );
}
