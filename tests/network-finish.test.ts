// A run its authority finishes mid-round, after the round's witnesses reached quorum: finish closes that round, so
// the trainer nodes apply it like any other, and they still hold exactly the model the replay rebuilds. The last
// witness of a round closes it itself, so the round stays open here only because a third, silent member (it commits
// a receipt but never serves bytes nor witnesses) holds one of the three witness seats; quorum is two.
import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { Crank } from "../coordinator/crank/crank";
import { randomBytes } from "node:crypto";
import { LAMPORTS_PER_SOL } from "@solana/web3.js";
import { fundedKeypair, providerFor } from "../coordinator/localnet/localnetClient";
import { createDemoRun } from "../scripts/demo/demoRun";
import * as ix from "../sdk/coordinatorInstructions";
import { coordinatorProgram } from "../sdk/coordinatorProgram";
import { RunState, runStateOf } from "../sdk/runState";
import { TransactionSender } from "../sdk/transactionSender";
import { runHistory } from "../trainer/node/runHistory";
import { generatedDataset } from "./helpers/generatedDataset";
import { finishedHashes, replayHash, startNodes } from "./helpers/inProcessNodes";
import { useTestLocalnet } from "./helpers/testLocalnet";
import { eventually, within } from "./helpers/within";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-finish-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("finished by its authority mid-round: the witnessed round is applied, and the nodes match the replay", async () => {
  // Given two trainer nodes and a silent member in a 5-round run with three witnesses per round
  const connection = chain.connection;
  const dataset = generatedDataset(join(dir, "data"), 20_000, 3);
  const authority = await fundedKeypair(connection, 20);
  const { run, recipe } = await createDemoRun(connection, authority, {
    dataset,
    members: 3,
    rounds: 5,
    witnessNodes: 3,
  });
  const program = coordinatorProgram(providerFor(connection, authority));
  const sender = new TransactionSender(connection, authority);
  const silent = await fundedKeypair(connection, 2);
  const silentSender = new TransactionSender(connection, silent);
  const silentProgram = coordinatorProgram(providerFor(connection, silent));
  const endpoint = "ws://127.0.0.1:9"; // nothing listens there
  await silentSender.send([
    await ix.joinInstruction(silentProgram, { run, member: silent.publicKey, endpoint, stake: LAMPORTS_PER_SOL / 10 }),
  ]);
  const dirs = { run, recipe, dataset, dir };
  const { events, runs, stop } = await startNodes(connection, { ...dirs, count: 2, witnessWaitMs: 1000 });
  const crank = new Crank(program, run, sender);
  try {
    await eventually(() => events.every((e) => e.some((x) => x.kind === "joined")), "both nodes to join", 30_000);
    // the crank ticks the run into round 0, the silent member commits, and the two nodes' witnesses reach quorum
    const deadline = Date.now() + 60_000;
    for (let committed = false; ;) {
      if (Date.now() > deadline) throw new Error("timed out waiting for round 0 to be witnessed by the two nodes");
      const state = await program.account.run.fetch(run);
      const runState = runStateOf(state.state);
      if (runState === RunState.RoundTrain && !committed) {
        const commit = { run, member: silent.publicKey, epoch: 0n, step: 0n, size: 100, loss: 1 };
        await silentSender.send([await ix.commitInstruction(silentProgram, { ...commit, hash: randomBytes(32) })]);
        committed = true;
      } else if (runState !== RunState.RoundTrain && runState !== RunState.RoundWitness) await crank.once();
      else if (runState === RunState.RoundWitness && state.witnessesSubmitted === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    // When the authority finishes the run before anyone ticks the round closed
    await sender.send([await ix.authorityInstruction(program, "finish", { run, authority: authority.publicKey })]);

    // Then both nodes apply round 0 and finish, with the replay's parameters
    await within(Promise.all(runs), "both nodes to finish", 60_000);
  } finally {
    stop();
  }
  const history = await runHistory(connection, program.programId, run);
  expect(history.map((h) => h.step)).toEqual([0n]);
  const expected = await replayHash(connection, program.programId, dirs);
  expect(finishedHashes(events)).toEqual([expected, expected]);
  for (const e of events)
    expect(e.filter((x) => x.kind === "applied").map((x) => (x as { step: number }).step)).toEqual([0]);
}, 120_000);
