// Coming back: a member killed mid-run catches up from public data alone and trains again in the same epoch. The
// run creator's `concord serve --checkpoints` process publishes each epoch's checkpoint (its hash on-chain) and takes
// the members' update uploads; two honest in-process nodes and one `concord train` child process train on the local
// chain over websockets on 127.0.0.1. Every honest member's parameter hash must agree at the end, and the replay from
// the chain's record must reach it (so nothing accepted was lost). With the server killed, a member joining late gets
// the dataset and the checkpoint from its peers.
import { writeKeypair } from "../coordinator/localnet/coordinatorProgram";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex } from "@noble/hashes/utils";
import { startBlobServer } from "../coordinator/blobServer/blobServer";
import { fundedKeypair } from "../coordinator/localnet/localnetClient";
import type { DemoRunOptions } from "../scripts/demo/demoRun";
import { createDemoRun } from "../scripts/demo/demoRun";
import { TrainerProcess } from "../scripts/demo/trainerProcess";
import { decodeCheckpoint } from "../sdk/codec/checkpointCodec";
import { decodeMember, decodeRun, toBigInt } from "../sdk/coordinatorAccounts";
import { findMemberAddress } from "../sdk/coordinatorPdas";
import type { DatasetEvent } from "../trainer/data/datasetDownload";
import type { Dataset } from "../trainer/data/tokenShards";
import { allShards } from "../trainer/data/tokenShards";
import { parameterSpecs } from "../trainer/model/transformer";
import type { NodeEvent } from "../trainer/node/trainerNode";
import { generatedDataset } from "./helpers/generatedDataset";
import { crankUntil, finishedHashes, replayHash, startNodes } from "./helpers/inProcessNodes";
import { startServeProcess } from "./helpers/serveProcess";
import { useTestLocalnet } from "./helpers/testLocalnet";
import { eventually, within } from "./helpers/within";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-catch-up-"));
let dataset: Dataset;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(() => {
  dataset = generatedDataset(join(dir, "data"), 30_000, 5);
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A run created by a fresh authority with `options`, its creator's `concord serve --checkpoints` process (with
 * `serveArgs`), two in-process honest nodes using that server, and the wallet file of the member under test.
 */
async function network(work: string, options: Omit<DemoRunOptions, "dataset">, serveArgs: string[]) {
  const authority = await fundedKeypair(chain.connection, 20);
  const authorityFile = join(work, "authority.json");
  writeKeypair(authorityFile, authority);
  const { run, recipe } = await createDemoRun(chain.connection, authority, { dataset, ...options });
  const recipeFile = join(work, "recipe.json");
  writeFileSync(recipeFile, JSON.stringify(recipe));
  const server = await startServeProcess([
    ...["--dir", join(work, "blobs"), "--accept-uploads", ...serveArgs],
    ...["--checkpoints", run.toBase58(), "--recipe", recipeFile, "--data", dataset.dir],
    ...["--url", chain.rpcUrl, "--keypair", authorityFile],
  ]);
  cleanups.push(() => server.stop());
  const nodes = await startNodes(chain.connection, {
    run,
    recipe,
    dataset,
    count: 2,
    dir: work,
    witnessWaitMs: 5_000,
    servers: [server.url],
  });
  cleanups.push(() => nodes.stop());
  const member = await fundedKeypair(chain.connection, 2);
  const keypairFile = join(work, "member.json");
  writeKeypair(keypairFile, member);
  return { authority, run, recipe, recipeFile, server, nodes, member, keypairFile };
}

test("a trainer killed with SIGKILL mid-round catches up from the checkpoint and the chain's record, and its next receipt in the same epoch is accepted", async () => {
  const work = mkdtempSync(join(dir, "killed-"));
  // The checkpoint's recorded location is a server that serves it corrupted: the member must refuse it there and
  // fetch it from the good server it was given
  const corrupt = await startBlobServer({ dir: join(work, "corrupt") });
  cleanups.push(() => corrupt.close());
  // 2 epochs of 4 rounds of H = 2 AdamW steps, 2-bit values, an outer step with momentum (so checkpoints carry it)
  const { authority, run, recipe, recipeFile, server, nodes, keypairFile } = await network(
    work,
    {
      members: 3,
      rounds: 8,
      roundsPerEpoch: 4,
      globalBatchSize: 6,
      innerSteps: 2,
      valueBits: 2,
      demoTopK: 32,
      outerLearningRate: 1,
      outerMomentum: 0.5,
      round: {
        inner: { kind: "adamw", beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1 },
        transform: "none",
        outer: "sgd",
      },
      // a round waits at most this long for a member that is gone; the Cooldown leaves the publisher time
      times: { maxRoundTrainTime: 25, roundWitnessTime: 25, cooldownTime: 5 },
    },
    ["--public-url", corrupt.url],
  );
  const trainer = (name: string, onEvent: (e: NodeEvent) => void) => {
    const t = new TrainerProcess({
      name,
      rpcUrl: chain.rpcUrl,
      run: run.toBase58(),
      keypairFile,
      recipeFile,
      dataDir: dataset.dir,
      stateDir: join(work, "member"),
      listen: "127.0.0.1:0",
      servers: [server.url],
      onEvent,
    });
    cleanups.push(() => t.stop());
    return t;
  };

  // When: the member is killed right after its receipt of step 4 (the first round of epoch 1) lands
  const before: NodeEvent[] = [];
  const after: NodeEvent[] = [];
  const killed = trainer("member", (e) => {
    before.push(e);
    if (e.kind === "committed" && e.step === 4) killed.child.kill("SIGKILL");
  });
  const restarted = killed.exited.then(async (code) => {
    expect(code).toBeNull(); // killed by the signal, not an exit of its own
    // the checkpoint of epoch 0 was published at its Cooldown: a copy of it, corrupted, goes on the corrupting server
    const runState = async () => decodeRun((await chain.connection.getAccountInfo(run, "confirmed"))!.data);
    await within(
      (async () => {
        while ((await runState()).checkpoint.uriLen === 0) await new Promise((r) => setTimeout(r, 200));
      })(),
      "the checkpoint of epoch 0",
      30_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; concord serve said:\n${server.output()}`);
    });
    const state = await runState();
    const hash = bytesToHex(Uint8Array.from(state.checkpoint.hash));
    const bytes = readFileSync(join(work, "blobs", hash));
    bytes[bytes.length - 1] ^= 0xff;
    mkdirSync(join(work, "corrupt"), { recursive: true });
    writeFileSync(join(work, "corrupt", hash), bytes);
    // it comes back once the round after it died (step 5) has closed without it, at its train timeout
    await eventually(
      () => nodes.events[0].some((e) => e.kind === "applied" && e.step === 5),
      "step 5 to close",
      120_000,
    );
    return trainer("member again", (e) => after.push(e)).exited;
  });
  await crankUntil(chain.connection, authority, run, Promise.all([...nodes.runs, restarted]), 600_000);

  // Then: it caught up from the checkpoint of epoch 0 (3 rounds: one before the epoch's end) and replayed the rounds
  // since, refusing the corrupted copy, with the round state it saved after its last receipt
  const slot = (before.find((e) => e.kind === "joined") as { slot: number }).slot;
  expect(after.filter((e) => e.kind === "warning").map((e) => (e as { message: string }).message)).toEqual(
    expect.arrayContaining([expect.stringMatching(`checkpoint from ${corrupt.url} refused: wrong bytes`)]),
  );
  const caughtUp = after.find((e) => e.kind === "caughtUp") as Extract<NodeEvent, { kind: "caughtUp" }>;
  expect(caughtUp).toMatchObject({ checkpointRounds: 3, fromStep: 3, roundState: "restored" });
  expect(caughtUp.toStep).toBeGreaterThanOrEqual(6);
  // the round it was dead through closed without it
  const applied = (step: number) =>
    (nodes.events[0].find((e) => e.kind === "applied" && e.step === step) as { slots: number[] }).slots;
  expect(applied(5)).not.toContain(slot);
  // and it trained again inside epoch 1 (steps 4..7), with its next receipt accepted
  const committed = after.filter((e) => e.kind === "committed").map((e) => (e as { step: number }).step);
  expect(committed.length).toBeGreaterThan(0);
  expect(committed[0]).toBeLessThan(8);
  expect(applied(committed[0])).toContain(slot);
  // every member ends with one parameter hash, the replay's
  const hashes = [...finishedHashes(nodes.events), finishedHashes([after])[0]];
  const replayed = await replayHash(chain.connection, (await chain.connection.getAccountInfo(run))!.owner, {
    run,
    recipe,
    dataset,
    dir: work,
  });
  expect(hashes).toEqual([replayed, replayed, replayed]);
  // the last epoch's checkpoint is recorded too, and holds the state its witnesses reported
  const end = decodeRun((await chain.connection.getAccountInfo(run, "confirmed"))!.data);
  expect(toBigInt(end.checkpoint.epoch)).toBe(1n);
  const last = readFileSync(join(work, "blobs", bytesToHex(Uint8Array.from(end.checkpoint.hash))));
  expect(decodeCheckpoint(last, parameterSpecs(recipe.model), { run })).toMatchObject({ epoch: 1, rounds: 7 });
  expect(server.output()).toMatch(/checkpoint of epoch 0: 3 rounds/);
}, 700_000);

test("a member that joins in epoch 2 with no local data downloads the dataset and the checkpoint from the server, catches up and trains in epoch 3 with the others' parameter hash", async () => {
  const work = mkdtempSync(join(dir, "joiner-"));
  // 4 epochs of 3 rounds; two members start it, a third is welcome from any epoch on
  const { authority, run, recipe, recipeFile, server, nodes, member, keypairFile } = await network(
    work,
    {
      members: 2,
      rounds: 12,
      roundsPerEpoch: 3,
      globalBatchSize: 6,
      times: { maxRoundTrainTime: 25, roundWitnessTime: 25, cooldownTime: 8 },
    },
    ["--dataset", dataset.dir],
  );

  // When: the first round of epoch 2 (step 6) is under way, the new member starts with only the server's URL
  const events: NodeEvent[] = [];
  const downloads: string[] = [];
  let joiner: TrainerProcess | undefined;
  const joined = new Promise<number | null>((resolve) =>
    (function wait() {
      if (nodes.events[0].some((e) => e.kind === "committed" && e.step === 6)) {
        joiner = new TrainerProcess({
          name: "joiner",
          rpcUrl: chain.rpcUrl,
          run: run.toBase58(),
          keypairFile,
          recipeFile,
          stateDir: join(work, "joiner"),
          listen: "127.0.0.1:0",
          servers: [server.url],
          onEvent: (e) => events.push(e),
          onDatasetEvent: (e) => downloads.push(JSON.stringify(e)),
        });
        cleanups.push(() => joiner!.stop());
        resolve(joiner.exited);
      } else setTimeout(wait, 100);
    })(),
  );
  await crankUntil(chain.connection, authority, run, Promise.all([...nodes.runs, joined]), 600_000);

  // Then: it joined in epoch 2, took the dataset and a checkpoint from the server, and caught up
  const memberAccount = await chain.connection.getAccountInfo(
    findMemberAddress(run, member.publicKey, (await chain.connection.getAccountInfo(run))!.owner)[0],
    "confirmed",
  );
  expect(toBigInt(decodeMember(memberAccount!.data).joinedEpoch)).toBe(2n);
  expect(downloads.length).toBeGreaterThan(0);
  const caughtUp = events.find((e) => e.kind === "caughtUp") as Extract<NodeEvent, { kind: "caughtUp" }>;
  expect(caughtUp.checkpointRounds).toBeGreaterThanOrEqual(5); // epoch 1's (5 rounds) or, if it came late, epoch 2's
  expect(caughtUp.roundState).toBe("fresh");
  // it trained in epoch 3 (steps 9..11), its receipts accepted
  const slot = (events.find((e) => e.kind === "joined") as { slot: number }).slot;
  const committed = events.filter((e) => e.kind === "committed").map((e) => (e as { step: number }).step);
  expect(committed.length).toBeGreaterThan(0);
  expect(Math.min(...committed)).toBeGreaterThanOrEqual(9);
  const applied = (step: number) =>
    (nodes.events[0].find((e) => e.kind === "applied" && e.step === step) as { slots: number[] }).slots;
  expect(committed.some((s) => applied(s).includes(slot))).toBe(true);
  // with the same parameter hash as the others, the replay's (node 0 pruned the first epochs: those from the server)
  const replayed = await replayHash(chain.connection, (await chain.connection.getAccountInfo(run))!.owner, {
    run,
    recipe,
    dataset,
    dir: work,
    servers: [server.url],
  });
  expect([...finishedHashes(nodes.events), finishedHashes([events])[0]]).toEqual([replayed, replayed, replayed]);
}, 700_000);

test("with every data server down, a member joining late gets the dataset and the recorded checkpoint from its peers, catches up and trains with the others' parameter hash", async () => {
  const work = mkdtempSync(join(dir, "peers-"));
  // 5 epochs of 4 rounds; two members start it, C joins once epoch 0's checkpoint is recorded, D once every server died
  const { authority, run, recipe, recipeFile, server, nodes, keypairFile } = await network(
    work,
    {
      members: 2,
      rounds: 20,
      roundsPerEpoch: 4,
      globalBatchSize: 6,
      times: { maxRoundTrainTime: 25, roundWitnessTime: 25, cooldownTime: 8 },
    },
    ["--dataset", dataset.dir],
  );
  const d = await fundedKeypair(chain.connection, 2);
  const dKeypairFile = join(work, "d.json");
  writeKeypair(dKeypairFile, d);
  const runState = async () => decodeRun((await chain.connection.getAccountInfo(run, "confirmed"))!.data);
  const joiner = (
    name: string,
    keypair: string,
    servers: string[],
    onEvent: (e: NodeEvent) => void,
    downloads: DatasetEvent[],
  ) => {
    const t = new TrainerProcess({
      name,
      rpcUrl: chain.rpcUrl,
      run: run.toBase58(),
      keypairFile: keypair,
      recipeFile,
      stateDir: join(work, name),
      listen: "127.0.0.1:0",
      servers,
      onEvent,
      onDatasetEvent: (e) => downloads.push(e),
    });
    cleanups.push(() => t.stop());
    return t;
  };

  // When: once epoch 0's checkpoint is recorded the publishing server is SIGKILLed, so no later one can be recorded;
  // C joins from a plain server holding a copy of its folder, which is SIGKILLed as soon as C caught up (holding the
  // dataset and that checkpoint); then D starts, every server it knows dead
  const [cEvents, dEvents]: NodeEvent[][] = [[], []];
  const [cDownloads, dDownloads]: DatasetEvent[][] = [[], []];
  let recorded = "";
  const both = (async () => {
    await within(
      (async () => {
        while ((await runState()).checkpoint.uriLen === 0) await new Promise((r) => setTimeout(r, 200));
      })(),
      "the checkpoint of epoch 0",
      120_000,
    );
    server.child.kill("SIGKILL");
    await within(server.stop(), "the server to die");
    recorded = bytesToHex(Uint8Array.from((await runState()).checkpoint.hash));
    cpSync(join(work, "blobs"), join(work, "mirror"), { recursive: true });
    const mirror = await startServeProcess(["--dir", join(work, "mirror")]);
    cleanups.push(() => mirror.stop());
    let caughtUp!: () => void;
    const cCaughtUp = new Promise<void>((ok) => (caughtUp = ok));
    const c = joiner(
      "c",
      keypairFile,
      [mirror.url],
      (e) => {
        cEvents.push(e);
        if (e.kind === "caughtUp") {
          mirror.child.kill("SIGKILL");
          caughtUp();
        }
      },
      cDownloads,
    );
    await within(Promise.race([cCaughtUp, c.exited]), "C to catch up", 180_000);
    if (!cEvents.some((e) => e.kind === "caughtUp")) throw new Error(`C exited:\n${c.tail.join("\n")}`);
    await within(mirror.stop(), "the mirror to die");
    expect(readdirSync(join(work, "c", "checkpoints"))).toEqual([recorded]);
    const dProcess = joiner("d", dKeypairFile, [server.url, mirror.url], (e) => dEvents.push(e), dDownloads);
    return Promise.all([c.exited, dProcess.exited]);
  })();
  await crankUntil(chain.connection, authority, run, Promise.all([...nodes.runs, both]), 600_000);

  // Then: D found no server, joined, and took the dataset (checked against the run's hash) from its peers
  const warnings = dEvents.filter((e) => e.kind === "warning").map((e) => (e as { message: string }).message);
  expect(warnings).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^no server gave the manifest .*; joining the run to fetch the dataset from its members$/),
      expect.stringMatching(`^checkpoint from ${server.url} refused: `),
    ]),
  );
  expect(dDownloads.filter((e) => e.kind === "download-finished")).toEqual([
    expect.objectContaining({ downloaded: allShards(dataset.manifest).length, cached: 0 }),
  ]);
  expect(readFileSync(join(work, "d", "datasets", dataset.hash, "manifest.json"))).toEqual(
    readFileSync(join(work, "c", "datasets", dataset.hash, "manifest.json")),
  );
  // and the recorded checkpoint from C (every byte checked against the Run's hash), then caught up from the record
  const cCaughtUp = cEvents.find((e) => e.kind === "caughtUp") as Extract<NodeEvent, { kind: "caughtUp" }>;
  const dCaughtUp = dEvents.find((e) => e.kind === "caughtUp") as Extract<NodeEvent, { kind: "caughtUp" }>;
  expect(dCaughtUp).toMatchObject({ checkpointRounds: cCaughtUp.checkpointRounds, roundState: "fresh" });
  expect(readdirSync(join(work, "d", "checkpoints"))).toEqual([recorded]);
  // D trained, its receipts accepted
  const slot = (dEvents.find((e) => e.kind === "joined") as { slot: number }).slot;
  const committed = dEvents.filter((e) => e.kind === "committed").map((e) => (e as { step: number }).step);
  expect(committed.length).toBeGreaterThan(0);
  const applied = (step: number) =>
    (nodes.events[0].find((e) => e.kind === "applied" && e.step === step) as { slots: number[] }).slots;
  expect(committed.some((s) => applied(s).includes(slot))).toBe(true);
  // every member ends with the replay's parameter hash: nothing accepted was lost (the members pruned the rounds
  // before epoch 0's checkpoint; the dead server's folder holds them, served again for the replay)
  const archive = await startBlobServer({ dir: join(work, "blobs") });
  const replayed = await replayHash(chain.connection, (await chain.connection.getAccountInfo(run))!.owner, {
    run,
    recipe,
    dataset,
    dir: work,
    servers: [archive.url],
  }).finally(() => archive.close());
  expect([...finishedHashes(nodes.events), ...finishedHashes([cEvents, dEvents])]).toEqual(new Array(4).fill(replayed));
}, 700_000);
