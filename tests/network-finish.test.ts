// A run its authority finishes mid-round, after the round's witnesses reached quorum: finish closes that round, so
// the trainer nodes apply it like any other, and they still hold exactly the model the replay rebuilds.
import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { Crank } from "../coordinator/crank/crank";
import { fundedKeypair, providerFor } from "../coordinator/localnet/localnetClient";
import { createDemoRun } from "../scripts/demo/demoRun";
import * as ix from "../sdk/coordinatorInstructions";
import { coordinatorProgram } from "../sdk/coordinatorProgram";
import { RunState, runStateOf } from "../sdk/runState";
import { TransactionSender } from "../sdk/transactionSender";
import { computeDescriptor, selectBackend } from "../trainer/backend/selectBackend";
import { parameterHash } from "../trainer/node/parameterHash";
import { runHistory } from "../trainer/node/runHistory";
import { replayRun } from "../trainer/node/runReplay";
import type { NodeEvent } from "../trainer/node/trainerNode";
import { TrainerNode } from "../trainer/node/trainerNode";
import { UpdateStore } from "../trainer/node/updateStore";
import { generatedDataset } from "./helpers/generatedDataset";
import { useTestLocalnet } from "./helpers/testLocalnet";
import { eventually, within } from "./helpers/within";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-finish-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("finished by its authority mid-round: the witnessed round is applied, and the nodes match the replay", async () => {
  // Given two trainer nodes in a 5-round run, and a crank that stops once round 0 is witnessed by both witnesses
  const connection = chain.connection;
  const compute = computeDescriptor(await selectBackend({ order: ["wasm+native", "wasm"], log: () => {} }));
  const dataset = generatedDataset(join(dir, "data"), 20_000, 3);
  const authority = await fundedKeypair(connection, 20);
  const { run, recipe } = await createDemoRun(connection, authority, { dataset, members: 2, rounds: 5 });
  const program = coordinatorProgram(providerFor(connection, authority));
  const sender = new TransactionSender(connection, authority);
  const events: NodeEvent[][] = [[], []];
  const nodes = await Promise.all(
    [0, 1].map(async (i) => {
      const k = await fundedKeypair(connection, 2);
      return new TrainerNode({
        program: coordinatorProgram(providerFor(connection, k)),
        sender: new TransactionSender(connection, k),
        keypair: k,
        run,
        recipe,
        dataset,
        compute,
        listen: { host: "127.0.0.1", port: 0 },
        stateDir: join(dir, `node-${i}`),
        onEvent: (e) => events[i].push(e),
      });
    }),
  );
  const runs = nodes.map((n) => n.run());
  const crank = new Crank(program, run, sender);
  try {
    await eventually(() => events.every((e) => e.some((x) => x.kind === "joined")), "both nodes to join", 30_000);
    // the crank ticks everything except RoundWitness, which it leaves for the witnesses (and then for finish)
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (Date.now() > deadline) throw new Error("timed out waiting for round 0 to be witnessed");
      const state = await program.account.run.fetch(run);
      if (runStateOf(state.state) !== RunState.RoundWitness) await crank.once();
      else if (state.witnessesSubmitted === state.roundWitnessCount) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    // When the authority finishes the run before anyone ticks the round closed
    await sender.send([await ix.authorityInstruction(program, "finish", { run, authority: authority.publicKey })]);

    // Then both nodes apply round 0 and finish, with the replay's parameters
    await within(Promise.all(runs), "both nodes to finish", 60_000);
  } finally {
    for (const n of nodes) n.stop();
  }
  const history = await runHistory(connection, program.programId, run);
  expect(history.map((h) => h.step)).toEqual([0n]);
  const store = UpdateStore.open(join(dir, "node-0", "updates"));
  const replayed = await replayRun(
    connection,
    program.programId,
    run,
    recipe,
    dataset,
    async (h) => store.getByHash(h)!.bytes,
  );
  const replayHash = Buffer.from(parameterHash(replayed.getWeights())).toString("hex");
  replayed.dispose();
  for (const e of events) {
    expect(e.filter((x) => x.kind === "applied").map((x) => (x as { step: number }).step)).toEqual([0]);
    expect((e.find((x) => x.kind === "finished") as { paramsHash: string }).paramsHash).toBe(replayHash);
  }
}, 120_000);
