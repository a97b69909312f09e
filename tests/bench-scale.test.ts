// `npm run bench:scale` kept from rotting: its own code path (bench/scale.ts scaleRun) with a few members over two
// member processes, one of them behind the relay, for a few rounds on a real `concord localnet`. Every round must
// close with every member's update committed and accepted; the bench's timings are not asserted (the CPU is shared).
// A count the program cannot take is refused before anything starts.
import { scaleRun } from "../bench/scale";
import * as codes from "../sdk/errors/codes";
import { isConcordError } from "../sdk/errors/concordError";

const MEMBERS = 6;
const ROUNDS = 3;
const base = {
  members: MEMBERS,
  rounds: ROUNDS,
  perProcess: 3,
  relayedEvery: 3,
  trainTime: 120,
  witnessTime: 60,
  witnesses: 3,
  maxRssMb: 8_000,
  progress: () => {},
};

test("every round closes with every member's update accepted, relayed members included", async () => {
  // Given six members in two processes, two of them behind the relay
  // When the bench runs three rounds
  const r = await scaleRun(base);
  // Then every round committed and accepted all six updates
  expect(r.finishedMembers).toBe(MEMBERS);
  expect(r.processes).toBe(2);
  expect(r.relayed).toBe(2);
  expect(r.rounds.map((x) => [x.step, x.committed, x.accepted])).toEqual(
    Array.from({ length: ROUNDS }, (_, step) => [step, MEMBERS, MEMBERS]),
  );
  // and the figures the tables show were collected
  expect(r.instructions.commit.count).toBe(MEMBERS * ROUNDS);
  expect(r.instructions.commit.maxCu).toBeGreaterThan(0);
  expect(r.rpc.sendTransaction.calls).toBeGreaterThanOrEqual(MEMBERS * ROUNDS);
  expect(r.updateBytes).toBeGreaterThan(0);
  expect(r.peerBytesPerMemberRound.received).toBeGreaterThanOrEqual(r.updateBytes * (MEMBERS - 1));
  expect(r.processes_.relay.peakRssMb).toBeGreaterThan(0);
}, 240_000);

test.each([
  [{ members: 257 }, "--members = 257 is out of range: an integer from 1 to 256"],
  [{ rounds: 0 }, "--rounds = 0 is out of range: an integer from 1 to 1000"],
  [{ perProcess: 1.5 }, "--per-process = 1.5 is out of range: an integer from 1 to 256"],
  [{ witnesses: 33 }, "--witnesses = 33 is out of range: an integer from 1 to 32"],
])("%j is refused with one line before anything starts", async (bad, message) => {
  const e: unknown = await scaleRun({ ...base, ...bad }).catch((x: unknown) => x);
  expect(isConcordError(e, codes.CONCORD_ERROR__CLIENT__VALUE_OUT_OF_RANGE)).toBe(true);
  expect((e as Error).message).toBe(message);
});
