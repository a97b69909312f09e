// A new member with no local copy of the recipe or the dataset: a `concord train --server A --server B` process (no
// --recipe, no --data) downloads the run's recipe (only B holds it) and dataset from two data servers (A's copy of one
// shard is damaged on disk, so that shard comes from B), joins a short run with two in-process nodes on the real local chain, and finishes with their parameters.
import { writeKeypair } from "../coordinator/localnet/coordinatorProgram";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex } from "@noble/hashes/utils";
import { addDatasets } from "../clients/cli/lib/runServe";
import { startBlobServer } from "../coordinator/blobServer/blobServer";
import { fundedKeypair } from "../coordinator/localnet/localnetClient";
import { createDemoRun } from "../scripts/demo/demoRun";
import { TrainerProcess } from "../scripts/demo/trainerProcess";
import { recipeBytes, recipeHash } from "../sdk/trainingRecipe";
import type { DatasetEvent } from "../trainer/data/datasetDownload";
import { allShards } from "../trainer/data/tokenShards";
import type { NodeEvent } from "../trainer/node/trainerNode";
import { generatedDataset } from "./helpers/generatedDataset";
import { crankUntil, finishedHashes, startNodes } from "./helpers/inProcessNodes";
import { useTestLocalnet } from "./helpers/testLocalnet";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-data-server-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a member downloads the run's recipe and dataset from data servers, refusing a corrupted shard, and trains the run to its end", async () => {
  // Given: a run over a dataset that two data servers publish; server A's copy of one shard is damaged on disk
  const dataset = generatedDataset(join(dir, "data"), 20_000, 7);
  const [a, b] = await Promise.all(["a", "b"].map((n) => startBlobServer({ dir: join(dir, `store-${n}`) })));
  addDatasets(a.store.dir, [dataset.dir]);
  addDatasets(b.store.dir, [dataset.dir]);
  const damaged = allShards(dataset.manifest)[0];
  const onA = readFileSync(a.store.pathOf(damaged.sha256));
  onA[0] ^= 0xff;
  writeFileSync(a.store.pathOf(damaged.sha256), onA);
  const authority = await fundedKeypair(chain.connection, 20);
  const { run, recipe } = await createDemoRun(chain.connection, authority, { dataset, members: 3, rounds: 3 });
  // only server B holds the run's recipe (under its model_hash)
  const modelHash = bytesToHex(recipeHash(recipe));
  b.store.put(modelHash, recipeBytes(recipe));
  const member = await fundedKeypair(chain.connection, 2);
  const keypairFile = join(dir, "member.json");
  writeKeypair(keypairFile, member);

  // When: the new member starts with the servers' URLs and no dataset folder, beside two in-process nodes
  const stateDir = join(dir, "member");
  const events: NodeEvent[] = [];
  const downloadEvents: DatasetEvent[] = [];
  const child = new TrainerProcess({
    name: "member",
    rpcUrl: chain.rpcUrl,
    run: run.toBase58(),
    keypairFile,
    servers: [a.url, b.url],
    stateDir,
    listen: "127.0.0.1:0",
    onEvent: (e) => events.push(e),
    onDatasetEvent: (e) => downloadEvents.push(e),
  });
  const nodes = await startNodes(chain.connection, { run, recipe, dataset, dir, count: 2, witnessWaitMs: 5000 });
  try {
    await crankUntil(chain.connection, authority, run, Promise.all([...nodes.runs, child.exited]), 200_000).catch(
      (e: Error) => {
        throw new Error(`${e.message}; the member's last lines: ${child.tail.join(" | ")}`);
      },
    );
  } finally {
    nodes.stop();
    await Promise.all([child.stop(), a.close(), b.close()]);
  }

  // Then: it took the recipe from B after A said it had none, and keeps it in its state dir ...
  expect(events.filter((e) => e.kind === "warning" && e.message.includes("recipe"))).toEqual([
    { kind: "warning", message: expect.stringMatching(new RegExp(`^the recipe from ${a.url} refused: HTTP 404`)) },
  ]);
  expect(readFileSync(join(stateDir, "recipes", modelHash))).toEqual(Buffer.from(recipeBytes(recipe)));
  // ... downloaded every shard from the servers (none from a local copy), refusing A's damaged one ...
  expect(await child.exited).toBe(0);
  const shards = allShards(dataset.manifest);
  expect(downloadEvents.filter((e) => e.kind === "blob-refused")).toEqual([
    { kind: "blob-refused", file: damaged.file, server: a.url, reason: expect.stringMatching(/^wrong bytes/) },
  ]);
  expect(downloadEvents.at(-1)).toMatchObject({ kind: "download-finished", downloaded: shards.length, cached: 0 });
  const cache = join(stateDir, "datasets", dataset.hash);
  expect(readdirSync(cache).sort()).toEqual(["manifest.json", ...shards.map((s) => s.file)].sort());
  // ... and finished the run with the same parameters as the in-process nodes
  const [hash] = finishedHashes(nodes.events);
  expect(hash).toMatch(/^[0-9a-f]{64}$/);
  expect(finishedHashes([...nodes.events, events])).toEqual([hash, hash, hash]);
}, 240_000);
