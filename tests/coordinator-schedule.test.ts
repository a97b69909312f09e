// The SDK's pure mirrors against the program, on random runs: roundSchedule.ts predicts exactly what tick does
// (state, refusal) and which commit or witness makes tick's transition itself, roundSeed.ts the seed it draws (the one it replaces becomes the data seed), witnessSelection.ts
// the witnesses, runConfig.ts which configurations initialize_run refuses and with which error.
import { BN } from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import type { RunConfig } from "../sdk/coordinatorAccounts";
import { COORDINATOR_ERROR_CODES, coordinatorErrorName } from "../sdk/coordinatorErrors";
import { createRunInstructions } from "../sdk/coordinatorInstructions";
import type { RunAccount } from "../sdk/coordinatorAccounts";
import {
  nextRunState,
  nextTransitionAt,
  scheduleView,
  stateAfterCommit,
  stateAfterWitness,
} from "../sdk/roundSchedule";
import { deriveRoundSeed, roundReceiptsBytes } from "../sdk/roundSeed";
import { runConfigViolation } from "../sdk/runConfig";
import { RunState } from "../sdk/runState";
import { selectWitnesses, witnessQuorum } from "../sdk/witnessSelection";
import { CoordinatorHarness, runConfig, SOL } from "./helpers/coordinatorHarness";
import { SeededRandom } from "./helpers/seededRandom";
import { toBigInt } from "../sdk/coordinatorAccounts";

const RUNS = 12;
const TICKS_PER_RUN = 60;

/** A valid configuration with short random times, so states turn over often. */
function randomConfig(rng: SeededRandom): Partial<RunConfig> {
  const minClients = rng.range(1, 3);
  const epochTime = rng.range(40, 160);
  return {
    warmupTime: rng.range(0, 15),
    cooldownTime: rng.range(0, 15),
    maxRoundTrainTime: rng.range(1, 30),
    roundWitnessTime: rng.range(1, 15),
    epochTime,
    totalSteps: new BN(rng.range(1, 10)),
    roundsPerEpoch: rng.range(1, 4),
    minClients,
    initMinClients: rng.range(minClients, 4),
    witnessNodes: rng.range(1, minClients),
  };
}

const RECEIPT_SIZE = 44; // RoundReceipt: hash 32, size 4, loss 4, witness_count, committed, accepted, padding

/** The round table after a witness's confirmations (what the seed of a round it closes mixes). */
function witnessedTable(before: Uint8Array, run: RunAccount, slots: number[]): Uint8Array {
  const table = Uint8Array.from(before);
  const quorum = witnessQuorum(run.roundWitnessCount);
  for (const slot of slots) {
    const at = slot * RECEIPT_SIZE;
    table[at + 40]++;
    if (table[at + 40] >= quorum && run.members[slot].inEpoch) table[at + 42] = 1;
  }
  return table;
}

/** The round `h`'s last transaction started has the mirror's seed, data seed and witnesses. */
function expectMirroredRoundStart(h: CoordinatorHarness, beforeRun: RunAccount, roundReceipts: Uint8Array): void {
  const after = h.runAccount();
  const [slotHash] = h.chain.svm.getSlotHashes();
  const seed = deriveRoundSeed({
    previousSeed: Uint8Array.from(beforeRun.seed),
    run: h.run,
    epoch: toBigInt(beforeRun.epoch),
    step: toBigInt(beforeRun.step),
    slot: h.chain.svm.getClock().slot,
    unixTimestamp: h.time,
    slotHash: { slot: slotHash.slot, hash: new PublicKey(slotHash.hash).toBytes() },
    roundReceipts,
  });
  expect(Buffer.from(after.seed)).toEqual(Buffer.from(seed));
  // and the round trains on the rows of the seed it replaced
  expect(Buffer.from(after.dataSeed)).toEqual(Buffer.from(beforeRun.seed));
  const epochSlots = after.members.flatMap((m, slot) => (m.inEpoch ? [slot] : []));
  const expected = selectWitnesses(seed, epochSlots, after.config.witnessNodes);
  expect(after.witnesses.slice(0, after.roundWitnessCount).map((w) => w.slot)).toEqual(expected);
}

describe("coordinator schedule mirror", () => {
  test(`roundSchedule, roundSeed and witnessSelection predict the program over ${RUNS} random runs`, async () => {
    let transitions = 0;
    let refusals = 0;
    let completions = 0;
    const statesReached = new Set<RunState>();
    for (let run = 0; run < RUNS; run++) {
      const rng = new SeededRandom(1000 + run);
      const h = await CoordinatorHarness.create({ config: randomConfig(rng), members: rng.range(0, 3) });
      for (let i = 0; i < TICKS_PER_RUN; i++) {
        // Given some random activity: time passing, members joining or leaving, commits, witnesses, pauses
        h.advance(rng.pick([0, 1, rng.range(0, 40), rng.range(0, 200)]));
        const state = h.state();
        if (state === RunState.Finished) break;
        if (rng.chance(0.1)) {
          const minStake = toBigInt(h.runAccount().config.minStake);
          h.expectOk(await h.join(h.newMember(), rng.pick([minStake, 2n * SOL])));
        }
        if ((state === RunState.Paused || state === RunState.WaitingForMembers) && rng.chance(0.2)) {
          // a higher minimum stake makes some members ineligible for the next epoch
          const config = { ...h.runAccount().config, minStake: new BN(rng.pick([SOL, 2n * SOL]).toString()) };
          h.expectOk(await h.updateConfig(config));
        }
        if (rng.chance(0.03) && h.members.length) await h.leave(rng.pick(h.members));
        const current = h.runAccount();
        // The commit and the witness that complete the round make tick's transition, as the mirror says
        if (state === RunState.RoundTrain) {
          const waiting = h.epochMembers().filter((m) => !current.roundReceipts[h.slotOf(m.publicKey)].committed);
          for (const m of rng.subset(waiting, 0.6)) {
            const predicted = stateAfterCommit(h.view(), h.time);
            h.expectOk(await h.commit(m));
            expect({ run, i, state: RunState[h.state()] }).toEqual({ run, i, state: RunState[predicted] });
            if (predicted !== state) completions++;
          }
        }
        if (state === RunState.RoundWitness) {
          const committed = current.roundReceipts.flatMap((r, slot) => (r.committed ? [slot] : []));
          const silent = h.witnesses().filter((_, k) => !current.witnesses[k].submitted);
          for (const w of rng.subset(silent, 0.6)) {
            const beforeRun = h.runAccount();
            const predicted = stateAfterWitness(scheduleView(beforeRun), h.time);
            const slots = rng.subset(committed, 0.8);
            const table = witnessedTable(roundReceiptsBytes(h.data(h.run)), beforeRun, slots);
            h.expectOk(await h.witness(w, slots));
            expect({ run, i, state: RunState[h.state()] }).toEqual({ run, i, state: RunState[predicted] });
            if (predicted !== state) completions++;
            if (predicted === RunState.RoundTrain) expectMirroredRoundStart(h, beforeRun, table);
          }
        }
        if (rng.chance(0.04)) await h.control(state === RunState.Paused ? "resume" : "pause");
        h.chain.svm.setSlotHashes([{ slot: rng.u64() >> 8n, hash: new PublicKey(rng.bytes(32)).toBase58() }]);

        // When tick runs, the mirror's prediction made from the account alone must match
        const before = h.data(h.run);
        const beforeRun = h.runAccount();
        const view = scheduleView(beforeRun);
        const predicted = nextRunState(view, h.time);
        const r = await h.tick();
        if (predicted === view.state) {
          expect({ run, i, error: coordinatorErrorName(r.customError) }).toEqual({ run, i, error: "noTransitionDue" });
          refusals++;
          continue;
        }
        expect({ run, i, ok: r.ok, state: RunState[h.state()] }).toEqual({
          run,
          i,
          ok: true,
          state: RunState[predicted],
        });
        transitions++;
        statesReached.add(predicted);
        if (predicted !== RunState.RoundTrain) continue;

        // Then a new round's seed and witnesses are the mirror's too
        expectMirroredRoundStart(h, beforeRun, roundReceiptsBytes(before));
      }
    }
    // Every state that tick can reach was reached, and both answers (move, refuse) were checked often
    expect([...statesReached].sort()).toEqual(
      [
        RunState.WaitingForMembers,
        RunState.Warmup,
        RunState.RoundTrain,
        RunState.RoundWitness,
        RunState.Cooldown,
        RunState.Paused,
        RunState.Finished,
      ].sort(),
    );
    expect(transitions).toBeGreaterThan(100);
    expect(refusals).toBeGreaterThan(50);
    expect(completions).toBeGreaterThan(20);
  });

  test("nextTransitionAt is the first second at which the mirror moves, when nothing else happens", async () => {
    const rng = new SeededRandom(7);
    const h = await CoordinatorHarness.create({ config: randomConfig(rng), members: 4 });
    for (let i = 0; i < 40; i++) {
      const view = scheduleView(h.runAccount());
      const at = nextTransitionAt(view);
      if (at === null) break;
      if (at > view.stateStartedAt) expect(nextRunState(view, at - 1n)).toBe(view.state);
      expect(nextRunState(view, at)).not.toBe(view.state);
      if (at > h.time) h.setTime(at);
      h.expectOk(await h.tick());
    }
    expect(h.state()).toBe(RunState.Finished);
  });

  test("runConfig.ts refuses exactly what initialize_run refuses, with the same error", async () => {
    const rng = new SeededRandom(99);
    const h = new CoordinatorHarness(500n);
    const u32Edges = (c: RunConfig) => [0, 1, c.epochTime - 1, c.epochTime, c.epochTime + 1, rng.range(0, 1000)];
    const floats = [NaN, Infinity, -Infinity, -1, 0, -0, 1e-30, 0.5, 0.999, 1, 2];
    const u64Edges = [0n, 1n, 1n << 56n, (1n << 56n) + 1n, (1n << 64n) - 1n];
    const mutations: ((c: RunConfig) => void)[] = [
      (c) => (c.warmupTime = rng.pick(u32Edges(c))),
      (c) => (c.maxRoundTrainTime = rng.pick(u32Edges(c))),
      (c) => (c.roundWitnessTime = rng.pick(u32Edges(c))),
      (c) => (c.epochTime = rng.pick([0, 1, 10, 30, 600])),
      (c) => (c.minClients = rng.range(0, 5)),
      (c) => (c.initMinClients = rng.pick([0, 1, 2, 256, 257])),
      (c) => (c.witnessNodes = rng.pick([0, 1, 2, 32, 33])),
      (c) => (c.totalSteps = new BN(rng.pick([0, 1, 5]))),
      (c) => (c.roundsPerEpoch = rng.pick([0, 1, 64, 65])),
      (c) => (c.globalBatchSize = rng.pick([0, 1])),
      (c) => (c.sequenceLength = rng.pick([0, 1])),
      (c) => (c.learningRate = rng.pick(floats)),
      (c) => (c.demoDecay = rng.pick(floats)),
      (c) => (c.modelHash = rng.chance(0.5) ? new Array(32).fill(0) : c.modelHash),
      (c) => (c.datasetHash = rng.chance(0.5) ? new Array(32).fill(0) : c.datasetHash),
      (c) => (c.demoChunk = rng.pick([0, 1, 2, 3, 48, 64, 256, 512])),
      (c) => (c.demoTopK = rng.pick([0, 1, 4, 16, 4096, 4097, 65535])),
      (c) => (c.innerSteps = rng.pick([0, 1, 2, 1024, 1025, 65535])),
      (c) => (c.valueBits = rng.pick([0, 1, 2, 3, 8, 16, 32, 33, 255])),
      (c) => (c.padding = rng.chance(0.5) ? [0, 1, 0] : c.padding),
      (c) => (c.outerLearningRate = rng.pick([...floats, 16, 16 + 2 ** -19, 17])),
      (c) => (c.outerMomentum = rng.pick(floats)),
      (c) => (c.minStake = new BN(rng.pick(u64Edges).toString())),
      (c) => (c.rewardPerEpoch = new BN(rng.pick(u64Edges).toString())),
      (c) => (c.challengeBond = new BN(rng.pick(u64Edges).toString())),
      (c) => (c.slashBps = rng.pick([0, 1, 10_000, 10_001])),
    ];
    let accepted = 0;
    const errors = new Set<string>();
    for (let i = 0; i < 150; i++) {
      const config = runConfig({ minClients: 2, initMinClients: 3, witnessNodes: 2 });
      for (let k = rng.range(1, 3); k > 0; k--) rng.pick(mutations)(config);
      const violation = runConfigViolation(config);
      const [init] = await createRunInstructions(h.program, {
        authority: h.authority.publicKey,
        runId: 1000 + i,
        config,
      });
      const r = h.send([init]);
      if (violation === null) {
        expect({ i, ok: r.ok }).toEqual({ i, ok: true });
        accepted++;
      } else {
        expect({ i, error: r.customError }).toEqual({ i, error: COORDINATOR_ERROR_CODES[violation.error] });
        expect(r.logs).toContain(`Program log: ${violation.rule}`);
        errors.add(violation.error);
      }
    }
    expect(accepted).toBeGreaterThan(5);
    expect(errors.size).toBe(8);
  });
});
