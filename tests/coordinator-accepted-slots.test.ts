// sdk/receiptStatus.ts acceptedSlots against the real program: the accepted set every node applies, read from the
// Run's bitmaps while the round is open, after it closes, after its epoch ends, and once the bitmaps moved on.
import { BN } from "@coral-xyz/anchor";
import { toBigInt } from "../sdk/coordinatorAccounts";
import { CONCORD_ERROR__TRAINER__ROUND_UNDECIDABLE } from "../sdk/errors/codes";
import { acceptedSlots } from "../sdk/receiptStatus";
import { RunState } from "../sdk/runState";
import { CoordinatorHarness, runConfig } from "./helpers/coordinatorHarness";
import { expectConcordError } from "./helpers/expectConcordError";

test("a round's accepted slots: none while open, the quorum's after, through the next epoch, then undecidable", async () => {
  // Given three members, two witnesses (quorum 2), one round per epoch
  const h = new CoordinatorHarness(3n);
  const config = { totalSteps: new BN(4), roundsPerEpoch: 1, witnessNodes: 2, minClients: 3, initMinClients: 3 };
  h.expectOk(await h.createRun(runConfig(config)));
  const members = [h.newMember(), h.newMember(), h.newMember()];
  for (const m of members) h.expectOk(await h.join(m));
  await h.tickFrom(RunState.WaitingForMembers);
  await h.tickFrom(RunState.Warmup);

  // When all commit but both witnesses vouch for only two of them
  for (const m of members) h.expectOk(await h.commit(m));
  expect(h.state()).toBe(RunState.RoundWitness);
  const vouched = members.slice(0, 2).map((m) => h.slotOf(m.publicKey));
  const [w1, w2] = h.witnesses();
  h.expectOk(await h.witness(w1, vouched));

  // Then the round is undecided while a witness may still confirm
  expect(acceptedSlots(h.runAccount(), 0n, 0, 0n)).toBeNull();
  h.expectOk(await h.witness(w2, vouched));
  expect(h.state()).toBe(RunState.Cooldown);

  // And once it closes, the accepted set is the vouched slots, ascending, also after the epoch ends
  const sorted = [...vouched].sort((a, b) => a - b);
  expect(acceptedSlots(h.runAccount(), 0n, 0, 0n)).toEqual(sorted);
  expect(await h.tickFrom(RunState.Cooldown)).toBe(RunState.WaitingForMembers);
  expect(toBigInt(h.runAccount().epoch)).toBe(1n);
  expect(acceptedSlots(h.runAccount(), 0n, 0, 0n)).toEqual(sorted);

  // And two epochs on, the bitmaps no longer say: a clear error rather than a wrong answer
  await h.tickFrom(RunState.WaitingForMembers);
  await h.tickFrom(RunState.Warmup);
  expect(await h.playRound()).toBe(RunState.Cooldown);
  expect(acceptedSlots(h.runAccount(), 1n, 0, 1n)).toEqual(members.map((m) => h.slotOf(m.publicKey)).sort());
  await h.tickFrom(RunState.Cooldown);
  expectConcordError(() => acceptedSlots(h.runAccount(), 0n, 0, 0n), CONCORD_ERROR__TRAINER__ROUND_UNDECIDABLE);
});
