// Compute budget per instruction at MAX_MEMBERS (256): each instruction must fit Solana's transaction limits, and
// stay within 20% of its last known cost, so a change that makes one costlier is noticed (update the table then).
// The full table at 4, 64 and 256 members is `npm run bench:program` (BENCHMARKS.md).
import { MAX_MEMBERS } from "../sdk/runConfig";
import { MAX_COMPUTE_UNITS, MAX_TRANSACTION_BYTES, measureInstructions } from "./helpers/instructionCosts";

/** Compute units measured at 256 members when this table was last updated. */
const LAST_KNOWN: Record<string, number> = {
  initialize_run: 10_313,
  extend_run: 2_648,
  fund: 5_151,
  "join (new member, last free slot)": 12_191,
  "join (top-up)": 9_332,
  update_config: 2_571,
  "tick WaitingForMembers -> Warmup": 9_976,
  "tick Warmup -> RoundTrain (seed, witness draw)": 22_627,
  "commit (creates receipts account, last slot, completes: -> RoundWitness)": 8_722,
  "pause (pending, mid-round)": 2_334,
  "resume (cancels pending pause)": 2_325,
  "witness (full bitmap, reaches quorum)": 18_724,
  "witness (full bitmap, the last: -> RoundTrain, seed, witness draw)": 33_554,
  "commit (receipts account exists, last slot, completes: -> RoundWitness)": 7_449,
  "witness (full bitmap, the last: -> Cooldown)": 13_224,
  checkpoint: 2_488,
  "tick Cooldown -> WaitingForMembers (epoch rewards)": 8_542,
  claim: 5_635,
  challenge: 12_687,
  "resolve_challenge (auditor vote)": 7_831,
  "resolve_challenge (authority confirms, slash)": 7_836,
  leave: 4_076,
  "pause (immediate)": 2_390,
  resume: 2_381,
  finish: 2_387,
  withdraw: 5_890,
  version: 376,
};

describe("coordinator compute budget", () => {
  test("every instruction fits 1.4M CU and 1232-byte transactions at 256 members, within 20% of its last cost", async () => {
    const rows = await measureInstructions(MAX_MEMBERS);
    const measured = [...rows].map(([name, row]) => ({ name, ...row.get(MAX_MEMBERS)! }));
    expect(
      measured
        .map((m) => m.name)
        .filter((n) => !n.startsWith("create run"))
        .sort(),
    ).toEqual(Object.keys(LAST_KNOWN).sort());
    for (const m of measured) {
      expect({ name: m.name, fitsBytes: m.bytes <= MAX_TRANSACTION_BYTES }).toEqual({ name: m.name, fitsBytes: true });
      expect({ name: m.name, fitsUnits: m.computeUnits <= MAX_COMPUTE_UNITS }).toEqual({
        name: m.name,
        fitsUnits: true,
      });
      if (m.name.startsWith("create run")) continue; // one transaction of four instructions: its size is what counts
      expect({ name: m.name, withinBudget: m.computeUnits <= LAST_KNOWN[m.name] * 1.2 }).toEqual({
        name: m.name,
        withinBudget: true,
      });
    }
  });
});
