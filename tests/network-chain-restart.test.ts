// The local chain killed with SIGKILL mid-run and restarted on the same port and folder: three `concord train`
// processes, a `concord crank` and the creator's `concord serve --checkpoints` ride out the outage (their RPC calls
// wait and retry, their subscriptions come back) and the run finishes with nothing accepted lost: every round on
// record, every accepted update's bytes held, every member's parameters equal to the replay of the chain, and the
// last epoch's checkpoint, published after the restart, on record and served.
import { writeKeypair } from "../coordinator/localnet/coordinatorProgram";
import { Connection } from "@solana/web3.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fundedKeypair, waitForIdleWebsocket } from "../coordinator/localnet/localnetClient";
import { createDemoRun } from "../scripts/demo/demoRun";
import { selectBackend } from "../trainer/backend/selectBackend";
import { decodeCheckpoint } from "../sdk/codec/checkpointCodec";
import { decodeRun, toBigInt } from "../sdk/coordinatorAccounts";
import { fetchBlob } from "../sdk/net/blobFetch";
import { parameterSpecs } from "../trainer/model/transformer";
import { TrainerProcess } from "../scripts/demo/trainerProcess";
import { COORDINATOR_PROGRAM_ID } from "../sdk/coordinatorProgram";
import { runHistory } from "../trainer/node/runHistory";
import type { NodeEvent } from "../trainer/node/trainerNode";
import { UpdateStore } from "../trainer/node/updateStore";
import { CliProcess, freePortPair, startLocalnetProcess } from "./helpers/cliProcess";
import { generatedDataset } from "./helpers/generatedDataset";
import { startServeProcess } from "./helpers/serveProcess";
import { byTheBook, recordedTransitions } from "./helpers/runTransitions";
import { finishedHashes, replayHash } from "./helpers/inProcessNodes";
import { eventually, within } from "./helpers/within";

const dir = mkdtempSync(join(tmpdir(), "concord-chain-restart-"));
const processes: { kill(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill()));
  rmSync(dir, { recursive: true, force: true });
});

const MEMBERS = 3;
const ROUNDS = 4;
/** Two epochs: the crank moves the run from one to the next after the restart. */
const ROUNDS_PER_EPOCH = 2;

const committed = (events: NodeEvent[], step: number) => events.some((e) => e.kind === "committed" && e.step === step);
/** Whether a trainer reported a warning matching `what`. */
const warned = (events: NodeEvent[], what: RegExp) => events.some((e) => e.kind === "warning" && what.test(e.message));

test("the chain killed with SIGKILL mid-run and restarted: trainers, crank and checkpoint publisher reconnect, nothing is lost", async () => {
  // Given a chain process with a state folder on a fixed port, and a run of three trainer processes and a crank
  const port = await freePortPair();
  const stateDir = join(dir, "chain");
  let chain: CliProcess = await startLocalnetProcess(port, stateDir);
  processes.push({ kill: () => chain.kill() });
  const rpcUrl = `http://127.0.0.1:${port}`;
  const connection = new Connection(rpcUrl, "confirmed");
  const dataset = generatedDataset(join(dir, "data"), 20_000, 13);
  const authority = await fundedKeypair(connection, 20);
  const { run, recipe } = await createDemoRun(connection, authority, {
    dataset,
    members: MEMBERS,
    rounds: ROUNDS,
    globalBatchSize: 6,
    roundsPerEpoch: ROUNDS_PER_EPOCH,
    times: { cooldownTime: 10 }, // the publisher's time to record the last epoch's checkpoint before the run finishes
  });
  const recipeFile = join(dir, "recipe.json");
  writeFileSync(recipeFile, JSON.stringify(recipe));
  const keypairFile = async (name: string) => {
    const file = join(dir, `${name}.json`);
    writeKeypair(file, await fundedKeypair(connection, 2));
    return file;
  };
  const authorityFile = join(dir, "authority.json");
  writeKeypair(authorityFile, authority);
  // the creator's data server: it hands out the recipe, takes the members' updates and publishes the checkpoints
  const server = await startServeProcess([
    ...["--dir", join(dir, "blobs"), "--accept-uploads", "--url", rpcUrl, "--keypair", authorityFile],
    ...["--checkpoints", run.toBase58(), "--recipe", recipeFile, "--data", dataset.dir],
  ]);
  processes.push({ kill: () => server.stop() });
  const events: NodeEvent[][] = Array.from({ length: MEMBERS }, () => []);
  const trainers: TrainerProcess[] = [];
  for (let i = 0; i < MEMBERS; i++) {
    const trainer = new TrainerProcess({
      name: `node-${i}`,
      rpcUrl,
      run: run.toBase58(),
      keypairFile: await keypairFile(`node-${i}`),
      dataDir: dataset.dir,
      servers: [server.url],
      stateDir: join(dir, `node-${i}`),
      listen: "127.0.0.1:0",
      onEvent: (e) => events[i].push(e),
    });
    trainers.push(trainer);
    processes.push({ kill: () => trainer.stop(0) });
  }
  const crank = new CliProcess([
    "crank",
    "--url",
    rpcUrl,
    "--run",
    run.toBase58(),
    "--keypair",
    await keypairFile("crank"),
  ]);
  processes.push(crank);
  const report = () =>
    trainers.map((t) => `${t.o.name}: ${t.tail.slice(-5).join(" | ")}`).join("\n") +
    `\ncrank: ${crank.lines.slice(-5).join(" | ")}\nserve: ${server.output().split("\n").slice(-6).join(" | ")}`;

  try {
    // (killed as the first commit of step 2 lands: the other members' commits are on their way)
    await eventually(() => events.some((e) => committed(e, 2)), "a commit of step 2", 180_000);

    // When the chain is killed mid-run, down until every trainer and the crank found it unreachable, and started
    // again on the same port and folder
    await chain.kill();
    await eventually(
      () =>
        events.every((e) => warned(e, /unreachable/)) &&
        [crank.lines.join("\n"), server.output()].every((out) => /unreachable/.test(out)),
      "every process to report the chain unreachable",
      60_000,
    );
    chain = await startLocalnetProcess(port, stateDir);
    expect(chain.lines).toContainEqual(expect.stringMatching(/^concord localnet loaded in/));

    // Then every trainer finishes the run and exits 0, and so does the crank
    const codes = await within(Promise.all(trainers.map((t) => t.exited)), "the trainers to finish", 240_000);
    expect(codes).toEqual(trainers.map(() => 0));
    expect(await within(crank.exited, "the crank to exit", 60_000)).toBe(0);
    // and the server published the last epoch's checkpoint, which the restart fell in
    await eventually(() => /checkpoint of epoch 1: /.test(server.output()), "epoch 1's checkpoint", 30_000);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${report()}`);
  }
  // and each said when it could reach the chain again
  expect(events.every((e) => warned(e, /reachable again/))).toBe(true);
  expect(crank.lines).toContainEqual(expect.stringMatching(/reachable again/));
  expect(server.output()).toMatch(/reachable again/);

  // Nothing accepted is lost: every round is on record, and the bytes of every accepted update are held
  const programId = COORDINATOR_PROGRAM_ID;
  const history = await runHistory(connection, programId, run);
  expect(history.map((h) => Number(h.step))).toEqual([...Array(ROUNDS).keys()]);
  expect(history.map((h) => h.updates.length)).toEqual(history.map(() => MEMBERS)); // no member lost a round to it
  expect(await recordedTransitions(connection, programId, run)).toEqual(byTheBook(ROUNDS, ROUNDS_PER_EPOCH));
  const stores = trainers.map((t) => UpdateStore.open(join(t.o.stateDir, "updates")));
  for (const u of history.flatMap((h) => h.updates))
    expect(stores.every((s) => s.getByHash(u.hash) !== null)).toBe(true);
  // and every member holds the parameters the chain's record replays to (the replay runs here, on the nodes' backend)
  await selectBackend({ order: ["wasm+native", "wasm"], log: () => {} });
  const expected = await replayHash(connection, programId, { run, recipe, dataset, dir });
  expect(finishedHashes(events)).toEqual(trainers.map(() => expected));
  // and the checkpoint on record is epoch 1's (rounds 0..2: one round before its end), served under its hash
  const final = decodeRun((await connection.getAccountInfo(run, "confirmed"))!.data, run.toBase58());
  const checkpoint = await fetchBlob([server.url], Uint8Array.from(final.checkpoint.hash));
  const decoded = decodeCheckpoint(checkpoint, parameterSpecs(recipe.model), {
    run,
    maxRounds: Number(toBigInt(final.checkpoint.step)),
  });
  expect([decoded.epoch, decoded.rounds]).toEqual([1, ROUNDS - 1]);
  await waitForIdleWebsocket();
}, 600_000);
