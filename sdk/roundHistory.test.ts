import { BN } from "@coral-xyz/anchor";
import { Keypair } from "@solana/web3.js";
import { expectConcordError } from "../tests/helpers/expectConcordError";
import { memberBitmap } from "./coordinatorInstructions";
import { CONCORD_ERROR__TRAINER__ROUND_UNDECIDABLE } from "./errors/codes";
import type { CoordinatorEvent } from "./roundHistory";
import { acceptedSteps, bitmapSlots, dataSeedAt, epochSlotsAt, epochStartStep } from "./roundHistory";

const members = [Keypair.generate().publicKey, Keypair.generate().publicKey, Keypair.generate().publicKey];
const commit = (slot: number, step: number, epoch = 0): CoordinatorEvent => ({
  name: "receiptCommitted",
  data: {
    slot,
    member: members[slot],
    epoch: new BN(epoch),
    step: new BN(step),
    hash: new Array(32).fill(slot + 10 * step),
    size: 100 + slot,
  },
});
const witness = (step: number, slots: number[]): CoordinatorEvent => ({
  name: "witnessSubmitted",
  data: { step: new BN(step), newlyAccepted: memberBitmap(slots) },
});

test("bitmapSlots reads the program's member bitmap", () => {
  expect(bitmapSlots(memberBitmap([0, 7, 8, 255]))).toEqual([0, 7, 8, 255]);
  expect(bitmapSlots(new Array(32).fill(0))).toEqual([]);
});

test("accepted steps: slots brought to quorum by any witness, ascending, with their commits; steps in order", () => {
  const events = [
    commit(2, 1, 1),
    commit(0, 0),
    witness(1, [2]),
    commit(1, 0),
    commit(2, 0),
    witness(0, [2]),
    witness(0, [0]), // a second witness brings slot 0 to quorum
    witness(0, []), // and a third adds nothing new
    { name: "stateChanged", data: {} },
  ];
  const steps = acceptedSteps(events);
  expect(steps.map((s) => s.step)).toEqual([0n, 1n]);
  expect(steps[0].updates.map((u) => [u.slot, u.member, u.size])).toEqual([
    [0, members[0], 100],
    [2, members[2], 102],
  ]);
  expect(steps[1].updates[0]).toMatchObject({
    slot: 2,
    epoch: 1n,
    step: 1n,
    hash: Uint8Array.from(new Array(32).fill(12)),
  });
});

test("a slot accepted with no commit on record is refused, not skipped", () => {
  expectConcordError(
    () => acceptedSteps([commit(0, 3), witness(3, [0, 1])]),
    CONCORD_ERROR__TRAINER__ROUND_UNDECIDABLE,
  );
});

const epochStarted = (epoch: number, step: number, slots: number[]): CoordinatorEvent => ({
  name: "epochStarted",
  data: { epoch: new BN(epoch), step: new BN(step), members: memberBitmap(slots), memberCount: slots.length },
});
const removed = (epoch: number, step: number, slot: number): CoordinatorEvent => ({
  name: "epochMemberRemoved",
  data: { epoch: new BN(epoch), step: new BN(step), slot },
});

test("epoch slots: the last epoch started at or before the step, less the members removed by then", () => {
  const events = [
    epochStarted(0, 0, [3, 0]), // an aborted warmup: the next EpochStarted of step 0 replaces it
    removed(0, 0, 3),
    epochStarted(0, 0, [0, 1, 5]),
    commit(0, 0),
    removed(0, 2, 1), // slashed during round 1: from round 2 on
    removed(0, 4, 5), // slashed in cooldown: the next epoch says who is in it
    epochStarted(1, 4, [0, 5, 9]),
  ];
  expect(epochSlotsAt(events, 0n)).toEqual([0, 1, 5]);
  expect(epochSlotsAt(events, 1n)).toEqual([0, 1, 5]);
  expect(epochSlotsAt(events, 2n)).toEqual([0, 5]);
  expect(epochSlotsAt(events, 3n)).toEqual([0, 5]);
  expect(epochSlotsAt(events, 4n)).toEqual([0, 5, 9]);
  expect(epochSlotsAt(events, 100n)).toEqual([0, 5, 9]);
});

test("an epoch's first step: its last EpochStarted (an aborted warmup's replaced); null before it started", () => {
  const events = [epochStarted(0, 0, [0]), epochStarted(1, 4, [0, 1]), epochStarted(1, 5, [0, 1])];
  expect(epochStartStep(events, 0n)).toBe(0n);
  expect(epochStartStep(events, 1n)).toBe(5n);
  expect(epochStartStep(events, 2n)).toBeNull();
});

test("epoch slots of a step before any epoch started are undecidable", () => {
  expectConcordError(() => epochSlotsAt([epochStarted(0, 2, [0])], 1n), CONCORD_ERROR__TRAINER__ROUND_UNDECIDABLE);
  expectConcordError(() => epochSlotsAt([], 0n), CONCORD_ERROR__TRAINER__ROUND_UNDECIDABLE);
});

const roundStarted = (step: number, fill: number): CoordinatorEvent => ({
  name: "roundStarted",
  data: { epoch: new BN(0), step: new BN(step), round: step, seed: new Array(32).fill(fill) },
});

test("data seed: the seed of the round before; the Run's all-zero initial seed for the first round", () => {
  const seed = (fill: number) => Uint8Array.from(new Array(32).fill(fill));
  const events = [
    epochStarted(0, 0, [0, 1]), // aborted warmup: no round started, the seed stays
    epochStarted(0, 0, [0, 1]),
    roundStarted(0, 7),
    roundStarted(1, 8),
    // cooldown, then a pause (step 3 never trained), then epoch 1's first round at step 4
    epochStarted(1, 4, [0, 1]),
    roundStarted(4, 9),
  ];
  expect(dataSeedAt(events, 0n)).toEqual(seed(0));
  expect(dataSeedAt(events, 1n)).toEqual(seed(7));
  expect(dataSeedAt(events, 2n)).toEqual(seed(8));
  expect(dataSeedAt(events, 4n)).toEqual(seed(8));
  expect(dataSeedAt([...events].reverse(), 5n)).toEqual(seed(9));
});
