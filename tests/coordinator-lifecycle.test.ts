// The coordinator's success paths through the SDK, in litesvm: every instruction, every state transition (including
// a pause requested mid-round and runs to Finished), and the events Anchor's EventParser reads from the logs.
import { BN } from "@coral-xyz/anchor";
import { sha256 } from "@noble/hashes/sha256";
import { ACCOUNT_SIZES, memberEndpoint, toBigInt } from "../sdk/coordinatorAccounts";
import { coordinatorErrorName } from "../sdk/coordinatorErrors";
import { receiptStatus } from "../sdk/receiptStatus";
import { bitmapSlots, dataSeedAt, epochSlotsAt } from "../sdk/roundHistory";
import { RUN_STATE_EDGES, RunState, runStateOf } from "../sdk/runState";
import { CoordinatorHarness, parseEvents, runConfig, SOL } from "./helpers/coordinatorHarness";
import type { TxResult } from "./helpers/testChain";

/** Every (from, to) a StateChanged event reported, across this file's scenarios. */
const edgesTaken = new Set<string>();
const eventsSeen = new Set<string>();
function record(h: CoordinatorHarness): void {
  for (const r of h.results.filter((x) => x.ok))
    for (const e of parseEvents(h, r.logs)) {
      eventsSeen.add(e.name);
      if (e.name === "stateChanged")
        edgesTaken.add(`${RunState[runStateOf(e.data.from as object)]}->${RunState[runStateOf(e.data.to as object)]}`);
    }
}

const errorName = (r: TxResult) => coordinatorErrorName(r.customError) ?? r.error;

function expectVaultBalanced(h: CoordinatorHarness): void {
  expect(h.lamports(h.vault)).toBe(h.expectedVaultLamports());
}

describe("coordinator lifecycle", () => {
  test("a run from creation to Finished: members, rounds, witnesses, rewards, checkpoint, claim, withdraw", async () => {
    // Given a new run with two witnesses per round (quorum 2), 3 steps and 2 rounds per epoch
    const h = new CoordinatorHarness(7n);
    const created = h.expectOk(
      await h.createRun(
        runConfig({ totalSteps: new BN(3), roundsPerEpoch: 2, witnessNodes: 2, minClients: 2, initMinClients: 3 }),
      ),
    );
    // Then initialize_run and three extend_run made the full account in one transaction
    expect(parseEvents(h, created.logs).map((e) => e.name)).toEqual([
      "runInitialized",
      "runExtended",
      "runExtended",
      "runExtended",
      "stateChanged",
    ]);
    expect(h.data(h.run).length).toBe(ACCOUNT_SIZES.run);
    expect(h.state()).toBe(RunState.WaitingForMembers);
    expect(h.vaultAccount().run.equals(h.run)).toBe(true);

    // When the authority funds the pool and three members stake 2 SOL each
    h.expectOk(await h.fund(SOL));
    const members = [h.newMember(), h.newMember(), h.newMember()];
    for (const m of members) h.expectOk(await h.join(m, 2n * SOL));
    let run = h.runAccount();
    expect(run.memberCount).toBe(3);
    expect(toBigInt(run.totalStake)).toBe(6n * SOL);
    expect(toBigInt(run.rewardPool)).toBe(SOL);
    expectVaultBalanced(h);

    // Then an early tick is refused, a due one starts the epoch's warmup and then its first round
    expect(await h.tickFrom(RunState.WaitingForMembers)).toBe(RunState.Warmup);
    const early = await h.tick();
    expect(errorName(early)).toBe("noTransitionDue");
    h.advance(10);
    const roundStart = h.expectOk(await h.tick());
    expect(h.state()).toBe(RunState.RoundTrain);
    const started = parseEvents(h, roundStart.logs).find((e) => e.name === "roundStarted")!;
    expect(started.data.witnessCount).toBe(2);
    expect(Buffer.from(started.data.seed as number[]).equals(Buffer.from(h.runAccount().seed))).toBe(true);

    // When every member commits, the last commit closes the training phase itself: no tick needed
    for (const m of members.slice(0, 2)) h.expectOk(await h.commit(m, { loss: 3.25 }));
    expect(h.state()).toBe(RunState.RoundTrain);
    const last = parseEvents(h, h.expectOk(await h.commit(members[2], { loss: 3.25 })).logs);
    expect(last.map((e) => e.name)).toEqual(["receiptCommitted", "stateChanged"]);
    expect(last[0].data.loss).toBe(3.25);
    expect(runStateOf(last[1].data.to as object)).toBe(RunState.RoundWitness);
    expect(h.state()).toBe(RunState.RoundWitness);
    expect(h.receipts(members[0].publicKey, 0).receipts).toHaveLength(1);
    // and a crank's tick arriving after it finds nothing due
    expect(errorName(await h.tick())).toBe("noTransitionDue");
    // And both witnesses confirm every receipt
    const slots = members.map((m) => h.slotOf(m.publicKey));
    const [w1, w2] = h.witnesses();
    const first = parseEvents(h, h.expectOk(await h.witness(w1, slots, sha256("params"))).logs);
    expect(first.map((e) => e.name)).toEqual(["witnessSubmitted"]);
    expect(first[0].data.newlyAccepted).toEqual(new Array(32).fill(0));
    run = h.runAccount();
    expect(run.roundReceipts.slice(0, 3).every((r) => !r.accepted && r.witnessCount === 1)).toBe(true);
    expect(run.witnesses[0].hasParamsHash).toBe(true);
    const seed = Buffer.from(run.seed);
    const second = parseEvents(h, h.expectOk(await h.witness(w2, slots)).logs);

    // Then the last witness starts the next round at once, with a fresh seed, the old one as its data seed
    expect(second.map((e) => e.name)).toEqual(["witnessSubmitted", "stateChanged", "roundStarted"]);
    expect((second[0].data.newlyAccepted as number[])[0]).toBe(0b111);
    run = h.runAccount();
    expect(h.state()).toBe(RunState.RoundTrain);
    expect(toBigInt(run.step)).toBe(1n);
    expect(toBigInt(run.epochPoints)).toBe(3n);
    expect(run.members.slice(0, 3).every((m) => toBigInt(m.acceptedRounds) === 1n)).toBe(true);
    expect(Buffer.from(run.dataSeed)).toEqual(seed);
    expect(Buffer.from(run.seed)).not.toEqual(seed);
    expect(Buffer.from(second[2].data.seed as number[])).toEqual(Buffer.from(run.seed));
    // and after it the epoch cools down (2 rounds/epoch)
    expect(toBigInt(h.runAccount().step)).toBe(1n);
    expect(await h.playRound()).toBe(RunState.Cooldown);
    // The second commit settled the first receipt's flag on-chain; the run's bitmaps give the second's
    const receipts = h.receipts(members[0].publicKey, 0);
    expect("accepted" in receipts.receipts[0].accepted).toBe(true);
    expect(receiptStatus(h.runAccount(), slots[0], receipts, 1)).toBe("accepted");

    // When the authority records the checkpoint and the cooldown ends
    h.expectOk(await h.checkpoint(0, sha256("checkpoint-0"), "http://127.0.0.1:8080/ckpt/0"));
    expect(h.runAccount().checkpoint.uriLen).toBe(28);
    expect(await h.tickFrom(RunState.Cooldown)).toBe(RunState.WaitingForMembers);

    // Then the epoch's reward is split by points: 6 points, 2 each, 0.1 SOL in all
    run = h.runAccount();
    expect(toBigInt(run.epoch)).toBe(1n);
    const share = SOL / 10n / 3n;
    expect(run.members.slice(0, 3).map((m) => toBigInt(m.rewardsOwed))).toEqual([share, share, share]);
    expect(toBigInt(run.rewardPool)).toBe(SOL - 3n * share);
    expectVaultBalanced(h);

    // When a member claims, it receives its share
    const before = h.lamports(members[0].publicKey);
    const claim = h.expectOk(await h.payout("claim", members[0]));
    expect(h.lamports(members[0].publicKey)).toBe(before + share - 5000n);
    expect(toBigInt(parseEvents(h, claim.logs)[0].data.amount as object)).toBe(share);
    expect(toBigInt(h.memberAccount(members[0].publicKey).rewardsClaimed)).toBe(share);

    // And the second epoch runs its last step (total_steps 3), cools down and finishes
    expect(await h.tickFrom(RunState.WaitingForMembers)).toBe(RunState.Warmup);
    expect(await h.tickFrom(RunState.Warmup)).toBe(RunState.RoundTrain);
    expect(await h.playRound()).toBe(RunState.Cooldown);
    expect(await h.tickFrom(RunState.Cooldown)).toBe(RunState.Finished);
    expect(toBigInt(h.runAccount().step)).toBe(3n);

    // When a member leaves after the end it must wait an epoch's time, then withdraws stake and rewards
    h.expectOk(await h.leave(members[1]));
    expect(errorName(await h.payout("withdraw", members[1]))).toBe("stillUnbonding");
    h.advance(600);
    const owed = toBigInt(h.runAccount().members[slots[1]].rewardsOwed);
    const wallet = h.lamports(members[1].publicKey);
    const memberRent = h.lamports(h.memberAddress(members[1].publicKey));
    const withdrawn = h.expectOk(await h.payout("withdraw", members[1]));
    expect(parseEvents(h, withdrawn.logs)[0].name).toBe("stakeWithdrawn");
    expect(h.lamports(members[1].publicKey)).toBe(wallet + 2n * SOL + owed + memberRent - 5000n);
    expect(h.chain.account(h.memberAddress(members[1].publicKey))).toBeNull();
    run = h.runAccount();
    expect(run.memberCount).toBe(2);
    expect("free" in run.members[slots[1]].status).toBe(true);
    expectVaultBalanced(h);
    record(h);
  });

  test("a round closes by time when members stay silent; unconfirmed receipts settle as rejected", async () => {
    // Given a run with 2 members in its first round
    const h = await CoordinatorHarness.create({ members: 2, config: { witnessNodes: 1 } });
    await h.tickFrom(RunState.WaitingForMembers);
    await h.tickFrom(RunState.Warmup);
    const [a] = h.members;
    // When only one commits, the round waits for max_round_train_time
    h.expectOk(await h.commit(a));
    expect(errorName(await h.tick())).toBe("noTransitionDue");
    h.advance(30);
    expect(await h.tickFrom(RunState.RoundTrain)).toBe(RunState.RoundWitness);
    // And the witness stays silent: the witness phase closes by time and nothing is accepted
    h.advance(10);
    expect(await h.tickFrom(RunState.RoundWitness)).toBe(RunState.RoundTrain);
    const run = h.runAccount();
    expect(toBigInt(run.epochPoints)).toBe(0n);
    // Then a's next commit settles the first receipt as rejected
    h.expectOk(await h.commit(a));
    expect("rejected" in h.receipts(a.publicKey, 0).receipts[0].accepted).toBe(true);
    record(h);
  });

  test("a round's data seed is the seed of the round before it, at every round start", async () => {
    // Given a run of two rounds per epoch, about to start its first round
    const h = await CoordinatorHarness.create({ members: 1, config: { roundsPerEpoch: 2 } });
    await h.tickFrom(RunState.WaitingForMembers);
    const seeds = [Buffer.from(h.runAccount().seed)]; // what the run held before its first round: all zero
    expect(seeds[0]).toEqual(Buffer.alloc(32));
    const expectNewRound = () => {
      const run = h.runAccount();
      expect(Buffer.from(run.dataSeed)).toEqual(seeds[seeds.length - 1]);
      // the history's answer, from the events alone, is the chain's
      const events = h.results.filter((r) => r.ok).flatMap((r) => parseEvents(h, r.logs));
      expect(Buffer.from(dataSeedAt(events, toBigInt(run.step)))).toEqual(Buffer.from(run.dataSeed));
      expect(Buffer.from(run.seed)).not.toEqual(seeds[seeds.length - 1]);
      seeds.push(Buffer.from(run.seed));
    };
    // When Warmup starts round 0, its data seed is the seed the run held
    expect(await h.tickFrom(RunState.Warmup)).toBe(RunState.RoundTrain);
    expectNewRound();
    // And RoundWitness -> RoundTrain gives round 1 the seed of round 0
    expect(await h.playRound()).toBe(RunState.RoundTrain);
    expectNewRound();
    // And the next epoch's first round (Warmup -> RoundTrain again) gets the last seed of the epoch before
    expect(await h.playRound()).toBe(RunState.Cooldown);
    await h.tickFrom(RunState.Cooldown);
    await h.tickFrom(RunState.WaitingForMembers);
    expect(await h.tickFrom(RunState.Warmup)).toBe(RunState.RoundTrain);
    expectNewRound();
    record(h);
  });

  test("the epoch cools down when epoch_time runs out, then a new epoch needs min_clients", async () => {
    // Given a run whose epoch time allows about one round
    const h = await CoordinatorHarness.create({
      members: 2,
      config: { epochTime: 40, initMinClients: 2, minClients: 1 },
    });
    await h.tickFrom(RunState.WaitingForMembers);
    await h.tickFrom(RunState.Warmup);
    // When the round ends after the epoch's time
    h.advance(30);
    expect(await h.playRound()).toBe(RunState.Cooldown);
    await h.tickFrom(RunState.Cooldown);
    // Then one member leaving still leaves min_clients (1) for the next epoch
    h.expectOk(await h.leave(h.members[0]));
    expect(await h.tickFrom(RunState.WaitingForMembers)).toBe(RunState.Warmup);
    expect(h.runAccount().epochMemberCount).toBe(1);
    record(h);
  });

  test("pause mid-round waits for the round's end; config changes while paused; resume restarts", async () => {
    // Given a run in its first round
    const h = await CoordinatorHarness.create({ members: 2, fund: SOL });
    await h.tickFrom(RunState.WaitingForMembers);
    await h.tickFrom(RunState.Warmup);
    const [a, b] = h.members;
    h.expectOk(await h.commit(a));
    // When the authority pauses mid-round, the pause is pending and the round goes on
    const pause = h.expectOk(await h.control("pause"));
    expect(parseEvents(h, pause.logs).map((e) => e.name)).toEqual(["pendingPauseChanged"]);
    expect(h.state()).toBe(RunState.RoundTrain);
    expect(h.runAccount().pendingPause).toBe(true);
    expect(errorName(await h.control("pause"))).toBe("alreadyPaused");
    h.expectOk(await h.commit(b));
    expect(h.state()).toBe(RunState.RoundWitness);
    const slots = [a, b].map((m) => h.slotOf(m.publicKey));
    for (const w of h.witnesses()) h.expectOk(await h.witness(w, slots));
    // Then the round's end, the last witness, pauses the run and ends the epoch, paying its points
    const closed = parseEvents(h, h.results[h.results.length - 1].logs).map((e) => e.name);
    expect(closed).toEqual(["witnessSubmitted", "epochEnded", "stateChanged"]);
    expect(h.state()).toBe(RunState.Paused);
    let run = h.runAccount();
    expect(run.pendingPause).toBe(false);
    expect(toBigInt(run.epoch)).toBe(1n);
    expect(toBigInt(run.step)).toBe(1n);
    expect(toBigInt(run.rewardsOwed)).toBe(SOL / 10n);
    // When the authority changes the config while paused, and resumes
    h.expectOk(await h.updateConfig(runConfig({ witnessNodes: 2, minClients: 2, initMinClients: 2 })));
    expect(h.runAccount().config.witnessNodes).toBe(2);
    h.expectOk(await h.control("resume"));
    expect(h.state()).toBe(RunState.WaitingForMembers);
    // Then the next epoch starts with the new config
    await h.tickFrom(RunState.WaitingForMembers);
    await h.tickFrom(RunState.Warmup);
    run = h.runAccount();
    expect(run.roundWitnessCount).toBe(2);
    expectVaultBalanced(h);
    record(h);
  });

  test("resume cancels a pending pause", async () => {
    const h = await CoordinatorHarness.create({ members: 1 });
    await h.tickFrom(RunState.WaitingForMembers);
    await h.tickFrom(RunState.Warmup);
    h.expectOk(await h.control("pause"));
    const resumed = h.expectOk(await h.control("resume"));
    expect(parseEvents(h, resumed.logs)[0].data.pending).toBe(false);
    expect(await h.playRound()).toBe(RunState.RoundTrain);
    record(h);
  });

  test("pause is immediate while waiting, in warmup and in cooldown; finish works from paused", async () => {
    for (const from of [RunState.WaitingForMembers, RunState.Warmup, RunState.Cooldown]) {
      // Given a run in `from`
      const h = await CoordinatorHarness.create({ members: 1, config: { roundsPerEpoch: 1 } });
      if (from !== RunState.WaitingForMembers) await h.tickFrom(RunState.WaitingForMembers);
      if (from === RunState.Cooldown) {
        await h.tickFrom(RunState.Warmup);
        expect(await h.playRound()).toBe(RunState.Cooldown);
      }
      const epoch = toBigInt(h.runAccount().epoch);
      // When the authority pauses
      h.expectOk(await h.control("pause"));
      // Then the run is paused at once; only an epoch that had rounds counts as ended
      expect(h.state()).toBe(RunState.Paused);
      const run = h.runAccount();
      expect(toBigInt(run.epoch)).toBe(from === RunState.Cooldown ? epoch + 1n : epoch);
      expect(run.epochMemberCount).toBe(0);
      // And finish ends the paused run
      h.expectOk(await h.control("finish"));
      expect(h.state()).toBe(RunState.Finished);
      record(h);
    }
  });

  test("finish from every running state ends the run; a mid-round finish pays the accepted points", async () => {
    for (const from of [
      RunState.WaitingForMembers,
      RunState.Warmup,
      RunState.RoundTrain,
      RunState.RoundWitness,
      RunState.Cooldown,
    ]) {
      // three witnesses (quorum 2), so two accept a receipt while the round stays in RoundWitness
      const h = await CoordinatorHarness.create({
        members: 3,
        fund: SOL,
        config: { roundsPerEpoch: 2, witnessNodes: 3, minClients: 3, initMinClients: 3 },
      });
      if (from !== RunState.WaitingForMembers) await h.tickFrom(RunState.WaitingForMembers);
      if (from >= RunState.RoundTrain) await h.tickFrom(RunState.Warmup);
      const witnesses = h.witnesses();
      if (from >= RunState.RoundWitness) {
        for (const m of h.members) h.expectOk(await h.commit(m));
        for (const w of witnesses.slice(0, 2)) h.expectOk(await h.witness(w, [0]));
        expect(h.state()).toBe(RunState.RoundWitness);
      }
      if (from === RunState.Cooldown) {
        h.expectOk(await h.witness(witnesses[2], [0]));
        expect(await h.playRound()).toBe(RunState.Cooldown);
      }
      h.expectOk(await h.control("finish"));
      expect(h.state()).toBe(RunState.Finished);
      const pointsEarned = from === RunState.RoundWitness || from === RunState.Cooldown;
      expect(toBigInt(h.runAccount().rewardsOwed)).toBe(pointsEarned ? SOL / 10n : 0n);
      expect(errorName(await h.control("finish"))).toBe("runFinished");
      record(h);
    }
  });

  test("a run whose total_steps is already reached finishes from WaitingForMembers", async () => {
    // Given a run that played one round and is paused
    const h = await CoordinatorHarness.create({ members: 1, config: { roundsPerEpoch: 1 } });
    await h.tickFrom(RunState.WaitingForMembers);
    await h.tickFrom(RunState.Warmup);
    expect(await h.playRound()).toBe(RunState.Cooldown);
    await h.tickFrom(RunState.Cooldown);
    // When total_steps is lowered to the steps already done
    h.expectOk(await h.updateConfig(runConfig({ totalSteps: h.runAccount().step, roundsPerEpoch: 1 })));
    // Then the next tick finishes the run
    expect(await h.tickFrom(RunState.WaitingForMembers)).toBe(RunState.Finished);
    record(h);
  });

  test("a confirmed challenge in warmup drops the epoch below min_clients: back to WaitingForMembers", async () => {
    // Given two members who both had a receipt accepted in epoch 0, and epoch 1 in warmup
    const h = await CoordinatorHarness.create({
      members: 2,
      config: { roundsPerEpoch: 1, minClients: 2, initMinClients: 2, witnessNodes: 1 },
    });
    const [a, b] = h.members;
    await h.tickFrom(RunState.WaitingForMembers);
    await h.tickFrom(RunState.Warmup);
    expect(await h.playRound()).toBe(RunState.Cooldown);
    await h.tickFrom(RunState.Cooldown);
    await h.tickFrom(RunState.WaitingForMembers);
    expect(h.state()).toBe(RunState.Warmup);
    // When b challenges a's receipt of step 0 and the authority confirms it
    h.expectOk(await h.challenge(b, a.publicKey, 0, 0));
    h.expectOk(await h.resolve(h.authority, a.publicKey, 0, b.publicKey, true));
    expect(h.runAccount().epochMemberCount).toBe(1);
    // Then the warmup cannot go on with one member
    expect(await h.tickFrom(RunState.Warmup)).toBe(RunState.WaitingForMembers);
    expect(toBigInt(h.runAccount().epoch)).toBe(1n);
    expectVaultBalanced(h);
    record(h);
  });

  test("EpochStarted records each epoch's members; a slash mid-epoch removes one from the next round", async () => {
    // Given two members and 3 rounds per epoch
    const h = await CoordinatorHarness.create({
      members: 2,
      config: { roundsPerEpoch: 3, minClients: 2, initMinClients: 2, witnessNodes: 1 },
    });
    const [a, b] = h.members;
    const inEpoch = () => h.runAccount().members.flatMap((m, slot) => (m.inEpoch ? [slot] : []));
    const events = () => h.results.filter((r) => r.ok).flatMap((r) => parseEvents(h, r.logs));
    const started = (epoch: bigint) => {
      const e = events().filter((x) => x.name === "epochStarted" && toBigInt(x.data.epoch as object) === epoch);
      expect(e).toHaveLength(1);
      return e[0].data;
    };
    // When epoch 0's warmup starts, then c joins during it
    await h.tickFrom(RunState.WaitingForMembers);
    const c = h.newMember();
    h.expectOk(await h.join(c));
    // Then EpochStarted has the two members of epoch 0 and its first step; c is not in it
    let e = started(0n);
    expect(bitmapSlots(e.members as number[])).toEqual([0, 1]);
    expect([e.memberCount, toBigInt(e.step as object)]).toEqual([2, 0n]);
    await h.tickFrom(RunState.Warmup);
    for (let round = 0; round < 3; round++) {
      expect(epochSlotsAt(events(), toBigInt(h.runAccount().step))).toEqual(inEpoch());
      await h.playRound();
    }
    // When epoch 1 starts, c is one of its members
    await h.tickFrom(RunState.Cooldown);
    await h.tickFrom(RunState.WaitingForMembers);
    e = started(1n);
    expect(bitmapSlots(e.members as number[])).toEqual([0, 1, 2]);
    expect([e.memberCount, toBigInt(e.step as object)]).toEqual([3, 3n]);
    await h.tickFrom(RunState.Warmup);
    // When a's receipt of step 0 is slashed while round 3 trains
    h.expectOk(await h.challenge(b, a.publicKey, 0, 0));
    const resolved = parseEvents(h, h.expectOk(await h.resolve(h.authority, a.publicKey, 0, b.publicKey, true)).logs);
    const removal = resolved.find((x) => x.name === "epochMemberRemoved")!.data;
    expect([toBigInt(removal.epoch as object), toBigInt(removal.step as object), removal.slot]).toEqual([1n, 4n, 0]);
    // Then round 3 keeps the members it opened with, and from round 4 the history says what the run says
    expect(epochSlotsAt(events(), 3n)).toEqual([0, 1, 2]);
    await h.playRound();
    expect(toBigInt(h.runAccount().step)).toBe(4n);
    expect(inEpoch()).toEqual([1, 2]);
    expect(epochSlotsAt(events(), 4n)).toEqual([1, 2]);
    record(h);
  });

  test("a member joins, tops up its stake and changes its endpoint; version answers", async () => {
    const h = await CoordinatorHarness.create({});
    const m = h.newMember();
    h.expectOk(await h.join(m, SOL, "ws://a"));
    const r = h.expectOk(await h.join(m, 3n * SOL, "ws://b:1"));
    expect(toBigInt(parseEvents(h, r.logs)[0].data.stake as object)).toBe(4n * SOL);
    const account = h.memberAccount(m.publicKey);
    expect(memberEndpoint(account)).toBe("ws://b:1");
    expect(toBigInt(h.runAccount().totalStake)).toBe(4n * SOL);
    const v = await h.program.methods.version().view();
    expect([v.major, v.minor, v.patch]).toEqual([0, 2, 0]);
    expectVaultBalanced(h);
    record(h);
  });

  test("Anchor's Program client sends through the provider and reports program errors by name", async () => {
    const h = await CoordinatorHarness.create({});
    await expect(h.program.methods.tick().accountsStrict({ run: h.run }).rpc()).rejects.toMatchObject({
      error: { errorCode: { code: "NoTransitionDue", number: 6025 } },
    });
    const m = h.newMember();
    await h.program.methods
      .join("ws://x", new BN(SOL.toString()))
      .accountsPartial({ member: m.publicKey, run: h.run })
      .signers([m])
      .rpc();
    expect((await h.program.account.member.fetch(h.memberAddress(m.publicKey))).slot).toBe(0);
  });

  test("every edge of the state machine was taken, and every event was emitted", () => {
    // (the challenge events come from tests/coordinator-challenges.test.ts)
    const expected = Object.entries(RUN_STATE_EDGES).flatMap(([from, tos]) =>
      tos.map((to) => `${RunState[Number(from)]}->${RunState[to]}`),
    );
    expect([...edgesTaken].sort()).toEqual(expected.sort());
    const events = [
      "runInitialized",
      "runExtended",
      "configUpdated",
      "stateChanged",
      "pendingPauseChanged",
      "roundStarted",
      "funded",
      "memberJoined",
      "memberLeft",
      "stakeWithdrawn",
      "receiptCommitted",
      "witnessSubmitted",
      "epochEnded",
      "checkpointRecorded",
      "rewardsClaimed",
      "challengeOpened",
      "challengeResolved",
      "epochStarted",
      "epochMemberRemoved",
    ];
    expect([...eventsSeen].sort()).toEqual(events.sort());
  });
});
