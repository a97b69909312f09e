// Challenges through the SDK, in litesvm: a challenger disputes an accepted receipt with a bond; the run authority,
// or a stake-weighted quorum of auditors (the run's members), confirms it (slash, reward the challenger) or rejects
// it (the bond goes to the reward pool).
import { coordinatorErrorName } from "../sdk/coordinatorErrors";
import { CHALLENGE_WINDOW_EPOCHS } from "../sdk/receiptStatus";
import { RunState } from "../sdk/runState";
import { CoordinatorHarness, parseEvents, SOL } from "./helpers/coordinatorHarness";
import type { TxResult } from "./helpers/testChain";
import { toBigInt } from "../sdk/coordinatorAccounts";
import type { Keypair } from "@solana/web3.js";

const errorName = (r: TxResult) => coordinatorErrorName(r.customError) ?? r.error;
const BOND = SOL / 20n;
const FEE = 5000n;

/** A run whose 4 members (stakes 1, 2, 3, 4 SOL) each had their step-0 receipt accepted, now in round 1. */
async function afterOneRound(): Promise<CoordinatorHarness> {
  const h = await CoordinatorHarness.create({ fund: SOL, config: { roundsPerEpoch: 4 } });
  for (let i = 0; i < 4; i++) h.expectOk(await h.join(h.newMember(), BigInt(i + 1) * SOL));
  await h.tickFrom(RunState.WaitingForMembers);
  await h.tickFrom(RunState.Warmup);
  expect(await h.playRound()).toBe(RunState.RoundTrain);
  return h;
}

/** Four members, three witnesses (quorum 2): every step-0 receipt accepted, round 1's receipts all committed. */
async function slashableWitnessRound(): Promise<CoordinatorHarness> {
  const h = await CoordinatorHarness.create({
    members: 4,
    fund: SOL,
    config: { roundsPerEpoch: 4, witnessNodes: 3, minClients: 3, initMinClients: 3 },
  });
  await h.tickFrom(RunState.WaitingForMembers);
  await h.tickFrom(RunState.Warmup);
  expect(await h.playRound()).toBe(RunState.RoundTrain);
  for (const m of h.epochMembers()) h.expectOk(await h.commit(m));
  expect(h.state()).toBe(RunState.RoundWitness);
  return h;
}

/** An outsider challenges `member`'s step-0 receipt and the run authority confirms it. */
async function slashByAuthority(h: CoordinatorHarness, member: Keypair): Promise<void> {
  const challenger = h.newMember();
  h.expectOk(await h.challenge(challenger, member.publicKey, 0, 0));
  h.expectOk(await h.resolve(h.authority, member.publicKey, 0, challenger.publicKey, true));
  expect(h.runAccount().members[h.slotOf(member.publicKey)].inEpoch).toBe(false);
}

async function expectWitnessSlashed(h: CoordinatorHarness, witness: Keypair, slots: number[]): Promise<void> {
  const before = h.data(h.run);
  const r = await h.witness(witness, slots);
  expect(errorName(r)).toBe("witnessSlashed");
  expect(r.logs).toContain("Program log: Error: this witness was slashed this round and no longer counts");
  expect(h.data(h.run)).toEqual(before);
}

describe("coordinator challenges", () => {
  test("the authority confirms: stake slashed, half to the challenger with its bond, the rest to the pool", async () => {
    // Given a's accepted receipt of step 0, challenged by d
    const h = await afterOneRound();
    const [a, , , d] = h.members;
    const opened = h.expectOk(await h.challenge(d, a.publicKey, 0, 0));
    const openedEvent = parseEvents(h, opened.logs)[0];
    expect(openedEvent.name).toBe("challengeOpened");
    expect(toBigInt(openedEvent.data.bond as object)).toBe(BOND);
    const ch = h.challengeAccount(a.publicKey, 0);
    expect("open" in ch.status).toBe(true);
    expect(toBigInt(ch.stakeEligible)).toBe(5n * SOL); // 10 SOL less a's 1 and the challenger d's 4
    // The challenge settled a's receipt flag on-chain
    expect("accepted" in h.receipts(a.publicKey, 0).receipts[0].accepted).toBe(true);
    // While it is open, a can neither claim nor withdraw
    h.expectOk(await h.leave(a));
    expect(errorName(await h.payout("withdraw", a))).toBe("challengePending");

    // When the authority confirms it
    const pool = toBigInt(h.runAccount().rewardPool);
    const dBefore = h.lamports(d.publicKey);
    const resolved = h.expectOk(await h.resolve(h.authority, a.publicKey, 0, d.publicKey, true));

    // Then half of a's 1 SOL (slash_bps 5000) is slashed: d gets 0.25 SOL and its bond, the pool 0.25 SOL
    const [removal, event] = parseEvents(h, resolved.logs);
    expect(event.name).toBe("challengeResolved");
    // and a leaves the epoch from the round after the running one
    expect(removal.name).toBe("epochMemberRemoved");
    expect(removal.data.slot).toBe(h.slotOf(a.publicKey));
    expect(toBigInt(removal.data.step as object)).toBe(toBigInt(h.runAccount().step) + 1n);
    expect(event.data.confirmed).toBe(true);
    expect(toBigInt(event.data.slashed as object)).toBe(SOL / 2n);
    expect(h.lamports(d.publicKey)).toBe(dBefore + SOL / 4n + BOND);
    const run = h.runAccount();
    const slot = h.slotOf(a.publicKey);
    expect(toBigInt(run.members[slot].stake)).toBe(SOL / 2n);
    expect(toBigInt(run.rewardPool)).toBe(pool + SOL / 4n);
    expect(run.members[slot].inEpoch).toBe(false);
    expect(run.epochMemberCount).toBe(3);
    expect("confirmed" in h.challengeAccount(a.publicKey, 0).status).toBe(true);
    expect(toBigInt(h.memberAccount(a.publicKey).slashed)).toBe(SOL / 2n);
    expect(h.lamports(h.vault)).toBe(h.expectedVaultLamports());
    // And a cannot commit in this epoch any more
    expect(errorName(await h.commit(a))).toBe("notInEpoch");
  });

  test("the authority rejects: the bond goes to the reward pool", async () => {
    const h = await afterOneRound();
    const [a, b] = h.members;
    const bBefore = h.lamports(b.publicKey);
    h.expectOk(await h.challenge(b, a.publicKey, 0, 0));
    const pool = toBigInt(h.runAccount().rewardPool);
    h.expectOk(await h.resolve(h.authority, a.publicKey, 0, b.publicKey, false));
    const run = h.runAccount();
    expect(toBigInt(run.rewardPool)).toBe(pool + BOND);
    expect(toBigInt(run.members[h.slotOf(a.publicKey)].stake)).toBe(SOL);
    expect("rejected" in h.challengeAccount(a.publicKey, 0).status).toBe(true);
    const rent = h.chain.svm.minimumBalanceForRentExemption(BigInt(h.data(h.challengeAddress(a.publicKey, 0)).length));
    expect(h.lamports(b.publicKey)).toBe(bBefore - BOND - rent - FEE);
    expect(h.lamports(h.vault)).toBe(h.expectedVaultLamports());
    // A resolved challenge cannot be resolved again, nor the receipt challenged again
    expect(errorName(await h.resolve(h.authority, a.publicKey, 0, b.publicKey, true))).toBe("challengeResolved");
    expect(errorName(await h.challenge(b, a.publicKey, 0, 0))).toBe("accountAlreadyInitialized");
  });

  test("auditors confirm with 2/3 of the eligible stake", async () => {
    // Given a challenge by a against d (stake 4): eligible stake is 1 + 2 + 3 = 6 SOL
    const h = await afterOneRound();
    const [a, b, c, d] = h.members;
    h.expectOk(await h.challenge(a, d.publicKey, 0, 0));
    // When b (2 SOL) votes to confirm, nothing is decided yet
    const vote = h.expectOk(await h.resolve(b, d.publicKey, 0, a.publicKey, true));
    expect(parseEvents(h, vote.logs).map((e) => e.name)).toEqual(["challengeVoted"]);
    expect("open" in h.challengeAccount(d.publicKey, 0).status).toBe(true);
    expect(errorName(await h.resolve(b, d.publicKey, 0, a.publicKey, true))).toBe("alreadyVoted");
    // The accused cannot vote, nor the challenger (it would be both resolver and challenger), nor outsiders
    expect(errorName(await h.resolve(d, d.publicKey, 0, a.publicKey, false))).toBe("selfChallenge");
    expect(errorName(await h.resolve(a, d.publicKey, 0, a.publicKey, true))).toBe("duplicateAccount");
    const outsider = h.newMember();
    expect(errorName(await h.resolve(outsider, d.publicKey, 0, a.publicKey, true))).toBe("unauthorized");
    // When c (3 SOL) votes to confirm: 5 of 6 SOL >= 2/3
    const decided = h.expectOk(await h.resolve(c, d.publicKey, 0, a.publicKey, true));
    expect(parseEvents(h, decided.logs).map((e) => e.name)).toEqual([
      "challengeVoted",
      "epochMemberRemoved",
      "challengeResolved",
    ]);
    // Then d lost half its stake
    expect(toBigInt(h.runAccount().members[h.slotOf(d.publicKey)].stake)).toBe(2n * SOL);
    expect(h.lamports(h.vault)).toBe(h.expectedVaultLamports());
  });

  test("the challenger's stake is not eligible: a large challenger's challenge can still be confirmed", async () => {
    // Given d (4 of 10 SOL) challenging a (1 SOL): only b and c (2 + 3 SOL) may vote. Counting d's stake (9 SOL
    // eligible) would need 6 SOL of votes to confirm, more than all voters hold.
    const h = await afterOneRound();
    const [a, b, c, d] = h.members;
    h.expectOk(await h.challenge(d, a.publicKey, 0, 0));
    expect(toBigInt(h.challengeAccount(a.publicKey, 0).stakeEligible)).toBe(5n * SOL);
    // When b (2 of 5 SOL) votes to confirm nothing is decided; c (3 SOL more) reaches 2/3
    h.expectOk(await h.resolve(b, a.publicKey, 0, d.publicKey, true));
    expect("open" in h.challengeAccount(a.publicKey, 0).status).toBe(true);
    h.expectOk(await h.resolve(c, a.publicKey, 0, d.publicKey, true));
    expect("confirmed" in h.challengeAccount(a.publicKey, 0).status).toBe(true);
    expect(toBigInt(h.runAccount().members[h.slotOf(a.publicKey)].stake)).toBe(SOL / 2n);
  });

  test("auditors reject with more than 1/3 of the eligible stake", async () => {
    // Given a challenge by an outsider (no stake to remove) against a (stake 1): eligible 2 + 3 + 4 = 9 SOL
    const h = await afterOneRound();
    const [a, , c, d] = h.members;
    const outsider = h.newMember();
    h.expectOk(await h.challenge(outsider, a.publicKey, 0, 0));
    expect(toBigInt(h.challengeAccount(a.publicKey, 0).stakeEligible)).toBe(9n * SOL);
    // When c (3 SOL, exactly 1/3) votes against, nothing is decided; d (4 SOL) against decides
    h.expectOk(await h.resolve(c, a.publicKey, 0, outsider.publicKey, false));
    expect("open" in h.challengeAccount(a.publicKey, 0).status).toBe(true);
    h.expectOk(await h.resolve(d, a.publicKey, 0, outsider.publicKey, false));
    expect("rejected" in h.challengeAccount(a.publicKey, 0).status).toBe(true);
    expect(toBigInt(h.runAccount().members[h.slotOf(a.publicKey)].stake)).toBe(SOL);
  });

  test("an unresolved challenge expires: after two epoch times anyone rejects it, freeing the member", async () => {
    // Given a challenge nobody decides
    const h = await afterOneRound();
    const [a, b] = h.members;
    const outsider = h.newMember();
    h.expectOk(await h.challenge(b, a.publicKey, 0, 0));
    expect(errorName(await h.resolve(outsider, a.publicKey, 0, b.publicKey, true))).toBe("unauthorized");
    // When 2 x epoch_time (600 s) pass, an outsider's resolve rejects it even when asking to confirm
    h.advance(1200);
    const pool = toBigInt(h.runAccount().rewardPool);
    const r = h.expectOk(await h.resolve(outsider, a.publicKey, 0, b.publicKey, true));
    expect(r.logs).toContain("Program log: challenge expired unresolved: rejected");
    // Then the bond went to the pool and a keeps its stake and can claim again
    expect("rejected" in h.challengeAccount(a.publicKey, 0).status).toBe(true);
    expect(toBigInt(h.runAccount().rewardPool)).toBe(pool + BOND);
    expect(toBigInt(h.runAccount().members[h.slotOf(a.publicKey)].openChallenges)).toBe(0n);
  });

  test("a witness slashed after reporting: its confirmations stop counting and it cannot report again", async () => {
    // Given round 1 in RoundWitness, three witnesses (quorum 2), the first of them reported every receipt
    const h = await slashableWitnessRound();
    const [w1, w2, w3] = h.witnesses();
    const others = h.epochMembers().filter((m) => m !== w1);
    h.expectOk(
      await h.witness(
        w1,
        h.epochMembers().map((m) => h.slotOf(m.publicKey)),
      ),
    );
    // When a challenge against w1's accepted step-0 receipt is confirmed
    await slashByAuthority(h, w1);
    // Then its confirmations are withdrawn from the receipts not accepted yet, and its report is refused
    const otherSlots = others.map((m) => h.slotOf(m.publicKey));
    for (const s of otherSlots) expect(h.runAccount().roundReceipts[s].witnessCount).toBe(0);
    await expectWitnessSlashed(h, w1, otherSlots);
    // And one more witness is not a quorum: before the fix w1's confirmation made it one
    h.expectOk(await h.witness(w2, otherSlots));
    for (const s of otherSlots) expect(h.runAccount().roundReceipts[s].accepted).toBe(false);
    // The third witness completes the quorum and the round
    h.expectOk(await h.witness(w3, otherSlots));
    expect(h.state()).toBe(RunState.RoundTrain);
    for (const m of others) expect(h.runAccount().members[h.slotOf(m.publicKey)].epochPoints).toBe(2);
  });

  test("a witness slashed before reporting counts as done: the other witnesses close the round", async () => {
    const h = await slashableWitnessRound();
    const [w1, w2, w3] = h.witnesses();
    await slashByAuthority(h, w1);
    const run = h.runAccount();
    expect(run.witnessesSubmitted).toBe(1);
    expect(run.witnesses[0].submitted).toBe(true);
    const otherSlots = h.epochMembers().map((m) => h.slotOf(m.publicKey));
    await expectWitnessSlashed(h, w1, otherSlots);
    h.expectOk(await h.witness(w2, otherSlots));
    h.expectOk(await h.witness(w3, otherSlots));
    expect(h.state()).toBe(RunState.RoundTrain);
  });

  test("only accepted receipts inside the window can be challenged", async () => {
    // Given a run where a's step-1 receipt was never witnessed
    const h = await afterOneRound();
    const [a, b] = h.members;
    h.expectOk(await h.commit(a));
    await h.tickFrom(RunState.RoundTrain);
    await h.tickFrom(RunState.RoundWitness);
    // Then step 1 is not accepted, step 7 does not exist, and b cannot challenge itself
    expect(errorName(await h.challenge(b, a.publicKey, 0, 1))).toBe("receiptNotAccepted");
    expect(errorName(await h.challenge(b, a.publicKey, 0, 7))).toBe("receiptNotFound");
    expect(errorName(await h.challenge(a, a.publicKey, 0, 0))).toBe("selfChallenge");
    // And after the run finishes (epoch counter 1), epoch 0's receipts are still in the window
    h.expectOk(await h.control("finish"));
    expect(toBigInt(h.runAccount().epoch)).toBe(1n);
    h.expectOk(await h.challenge(b, a.publicKey, 0, 0));
  });

  test("the window closes CHALLENGE_WINDOW_EPOCHS + 1 epochs after the receipt's (the SDK's mirror of limits.h)", async () => {
    const h = await CoordinatorHarness.create({ members: 2, config: { roundsPerEpoch: 1 } });
    const [a, b] = h.members;
    for (let epoch = 0; epoch <= CHALLENGE_WINDOW_EPOCHS; epoch++) {
      await h.tickFrom(RunState.WaitingForMembers);
      await h.tickFrom(RunState.Warmup);
      expect(await h.playRound()).toBe(RunState.Cooldown);
      await h.tickFrom(RunState.Cooldown);
    }
    expect(toBigInt(h.runAccount().epoch)).toBe(BigInt(CHALLENGE_WINDOW_EPOCHS + 1));
    expect(errorName(await h.challenge(b, a.publicKey, 0, 0))).toBe("challengeWindowClosed");
    h.expectOk(await h.challenge(b, a.publicKey, 1, 1));
  });
});
