// sdk/unbonding.ts against the program, in litesvm: over random runs where members join, leave and try to withdraw
// while rounds, epochs, pauses and the clock move on, the mirror says exactly when withdraw passes, and its `at` is
// the first second the halted-run rule frees the stake; an open challenge holds the stake until it is resolved.
import { BN } from "@coral-xyz/anchor";
import type { Keypair } from "@solana/web3.js";
import { toBigInt } from "../sdk/coordinatorAccounts";
import { coordinatorErrorName } from "../sdk/coordinatorErrors";
import { RunState } from "../sdk/runState";
import { unbondingOf } from "../sdk/unbonding";
import { CoordinatorHarness, SOL } from "./helpers/coordinatorHarness";
import type { TxResult } from "./helpers/testChain";
import { SeededRandom } from "./helpers/seededRandom";

const RUNS = 10;
const STEPS_PER_RUN = 80;
const errorName = (r: TxResult) => coordinatorErrorName(r.customError) ?? r.error;

/** What withdraw does for `member` now, by the mirror. */
function predicted(h: CoordinatorHarness, member: Keypair): string {
  const slot = h.slotOf(member.publicKey);
  if (slot < 0) return "not a member";
  if (!("leaving" in h.runAccount().members[slot].status)) return "notLeaving";
  const u = unbondingOf(h.runAccount(), h.memberAccount(member.publicKey), h.time);
  if (u.openChallenges) return "challengePending";
  return u.unbonded ? "ok" : "stillUnbonding";
}

async function withdraw(h: CoordinatorHarness, member: Keypair): Promise<string> {
  const r = await h.payout("withdraw", member);
  return r.ok ? "ok" : (errorName(r) ?? "failed");
}

describe("unbonding mirror", () => {
  test(`unbondingOf predicts withdraw over ${RUNS} random runs`, async () => {
    const outcomes = new Map<string, number>();
    let boundaries = 0;
    for (let run = 0; run < RUNS; run++) {
      const rng = new SeededRandom(4000 + run);
      const h = await CoordinatorHarness.create({
        members: 3,
        fund: SOL,
        config: {
          warmupTime: rng.range(0, 5),
          cooldownTime: rng.range(0, 5),
          maxRoundTrainTime: rng.range(1, 10),
          roundWitnessTime: rng.range(1, 10),
          epochTime: rng.range(20, 80),
          totalSteps: new BN(rng.range(4, 12)),
          roundsPerEpoch: rng.range(1, 3),
        },
      });
      for (let i = 0; i < STEPS_PER_RUN; i++) {
        // Given random activity: time passing, rounds played, members joining and leaving, pauses
        h.advance(rng.pick([0, 1, rng.range(0, 30), rng.range(0, 120)]));
        const state = h.state();
        if (rng.chance(0.05)) await h.join(h.newMember()); // refused once the run is finished
        const active = h.members.filter((m) => {
          const slot = h.slotOf(m.publicKey);
          return slot >= 0 && "active" in h.runAccount().members[slot].status;
        });
        if (rng.chance(0.08) && active.length) h.expectOk(await h.leave(rng.pick(active)));
        if (state === RunState.RoundTrain && rng.chance(0.7)) await h.playRound();
        else if (state === RunState.Paused && rng.chance(0.3)) h.expectOk(await h.control("resume"));
        else if (state !== RunState.Finished && rng.chance(0.03)) await h.control("pause");
        else await h.tick();

        // When a member tries to withdraw, the program does what the mirror said
        if (h.members.length && rng.chance(0.4)) {
          const member = rng.pick(h.members);
          const expected = predicted(h, member);
          if (expected === "not a member") continue;
          const u = unbondingOf(h.runAccount(), h.memberAccount(member.publicKey), h.time);
          // Then, where the halted-run rule frees the stake later, the second before `at` refuses and `at` passes
          if (expected === "stillUnbonding" && u.at !== null && rng.chance(0.5)) {
            h.setTime(u.at - 1n);
            expect(await withdraw(h, member)).toBe("stillUnbonding");
            h.setTime(u.at);
            expect(predicted(h, member)).toBe("ok");
            expect(await withdraw(h, member)).toBe("ok");
            boundaries++;
            continue;
          }
          expect({ run, i, outcome: await withdraw(h, member) }).toEqual({ run, i, outcome: expected });
          outcomes.set(expected, (outcomes.get(expected) ?? 0) + 1);
        }
      }
    }
    // Both answers, and the refusal of a member that never left, were checked often
    expect(outcomes.get("ok")).toBeGreaterThan(5);
    expect(outcomes.get("stillUnbonding")).toBeGreaterThan(10);
    expect(outcomes.get("notLeaving")).toBeGreaterThan(10);
    expect(boundaries).toBeGreaterThan(3);
  });

  test("by epochs: the stake is free once the epoch counter reaches leave_epoch + 2, and a challenge holds it", async () => {
    // Given a running run with four members, each with an accepted receipt at step 0 of epoch 0
    const h = await CoordinatorHarness.create({ fund: SOL, config: { roundsPerEpoch: 1, totalSteps: new BN(10) } });
    for (let i = 0; i < 4; i++) h.expectOk(await h.join(h.newMember()));
    const [a, b] = h.members;
    await h.tickFrom(RunState.WaitingForMembers);
    await h.tickFrom(RunState.Warmup);
    expect(await h.playRound()).toBe(RunState.Cooldown);
    // When a leaves in epoch 0, and b challenges its step-0 receipt
    h.expectOk(await h.leave(a));
    h.expectOk(await h.challenge(b, a.publicKey, 0, 0));
    const u = unbondingOf(h.runAccount(), h.memberAccount(a.publicKey), h.time);
    expect([u.leaveEpoch, u.epoch, u.at, u.unbonded, u.openChallenges]).toEqual([0n, 2n, null, false, 1]);
    // Then epochs 1 and 2 run without it; at epoch 2 the stake is unbonded, but the open challenge holds it
    for (const epoch of [1n, 2n]) {
      await h.tickFrom(RunState.Cooldown);
      expect(toBigInt(h.runAccount().epoch)).toBe(epoch);
      expect(unbondingOf(h.runAccount(), h.memberAccount(a.publicKey), h.time).unbonded).toBe(epoch === 2n);
      if (epoch === 1n) expect(await withdraw(h, a)).toBe("challengePending");
      await h.tickFrom(RunState.WaitingForMembers);
      await h.tickFrom(RunState.Warmup);
      expect(await h.playRound()).toBe(RunState.Cooldown);
    }
    expect(predicted(h, a)).toBe("challengePending");
    expect(await withdraw(h, a)).toBe("challengePending");
    h.expectOk(await h.resolve(h.authority, a.publicKey, 0, b.publicKey, false));
    expect(predicted(h, a)).toBe("ok");
    expect(await withdraw(h, a)).toBe("ok");
  });
});
