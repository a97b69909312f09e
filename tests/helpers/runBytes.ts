// Reads a Run account's fields straight from its bytes at the offsets the IDL gives (sdk/idlLayout.ts): checking
// invariants after every fuzz transaction with Anchor's decoder (~8 ms for 31 KB) would dominate the test's time.
import { COORDINATOR_IDL } from "../../sdk/coordinatorProgram";
import { idlFieldLayout, idlTypeSize } from "../../sdk/idlLayout";

const at = (path: string) => idlFieldLayout(COORDINATOR_IDL, "run", path, 8).offset;
const MEMBER = { base: at("members"), size: idlTypeSize(COORDINATOR_IDL, { defined: { name: "runMember" } }) };
const RECEIPT = {
  base: at("roundReceipts"),
  size: idlTypeSize(COORDINATOR_IDL, { defined: { name: "roundReceipt" } }),
};
const WITNESS = { base: at("witnesses"), size: idlTypeSize(COORDINATOR_IDL, { defined: { name: "roundWitness" } }) };
const memberField = (path: string) => at(`members[0].${path}`) - MEMBER.base;
const M = {
  key: memberField("key"),
  stake: memberField("stake"),
  rewardsOwed: memberField("rewardsOwed"),
  epochPoints: memberField("epochPoints"),
  acceptedRounds: memberField("acceptedRounds"),
  status: memberField("status"),
  inEpoch: memberField("inEpoch"),
  openChallenges: memberField("openChallenges"),
};
/** Offsets of the Run's scalar fields, worked out once (idlFieldLayout walks the whole struct). */
const F = {
  state: at("state"),
  epoch: at("epoch"),
  step: at("step"),
  totalStake: at("totalStake"),
  rewardPool: at("rewardPool"),
  rewardsOwed: at("rewardsOwed"),
  epochPoints: at("epochPoints"),
  round: at("round"),
  memberCount: at("memberCount"),
  epochMemberCount: at("epochMemberCount"),
  committedCount: at("committedCount"),
  roundWitnessCount: at("roundWitnessCount"),
};
const R = { committed: at("roundReceipts[0].committed") - RECEIPT.base };
const W = { slot: at("witnesses[0].slot") - WITNESS.base, submitted: at("witnesses[0].submitted") - WITNESS.base };

export class RunBytes {
  constructor(readonly data: Buffer) {}

  private u64 = (offset: number) => this.data.readBigUInt64LE(offset);
  get state(): number {
    return this.data[F.state];
  }
  get epoch(): bigint {
    return this.u64(F.epoch);
  }
  get step(): bigint {
    return this.u64(F.step);
  }
  get totalStake(): bigint {
    return this.u64(F.totalStake);
  }
  get rewardPool(): bigint {
    return this.u64(F.rewardPool);
  }
  get rewardsOwed(): bigint {
    return this.u64(F.rewardsOwed);
  }
  get epochPoints(): bigint {
    return this.u64(F.epochPoints);
  }
  get round(): number {
    return this.data.readUInt16LE(F.round);
  }
  get memberCount(): number {
    return this.data.readUInt16LE(F.memberCount);
  }
  get epochMemberCount(): number {
    return this.data.readUInt16LE(F.epochMemberCount);
  }
  get committedCount(): number {
    return this.data.readUInt16LE(F.committedCount);
  }
  get roundWitnessCount(): number {
    return this.data[F.roundWitnessCount];
  }
  member(slot: number) {
    const o = MEMBER.base + slot * MEMBER.size;
    return {
      /** raw 32 bytes (a PublicKey per slot would dominate the cost) */
      key: this.data.subarray(o + M.key, o + M.key + 32),
      stake: this.u64(o + M.stake),
      rewardsOwed: this.u64(o + M.rewardsOwed),
      epochPoints: BigInt(this.data.readUInt32LE(o + M.epochPoints)),
      acceptedRounds: this.u64(o + M.acceptedRounds),
      status: this.data[o + M.status],
      inEpoch: this.data[o + M.inEpoch] === 1,
      openChallenges: this.data[o + M.openChallenges],
    };
  }
  committed(slot: number): boolean {
    return this.data[RECEIPT.base + slot * RECEIPT.size + R.committed] === 1;
  }
  witness(k: number): { slot: number; submitted: boolean } {
    const o = WITNESS.base + k * WITNESS.size;
    return { slot: this.data.readUInt16LE(o + W.slot), submitted: this.data[o + W.submitted] === 1 };
  }
}
