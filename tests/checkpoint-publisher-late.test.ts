// The run creator's checkpoint publisher when it missed an epoch's Cooldown (down, or started late): on the local
// chain with two in-process nodes and a data server taking their uploads, a publisher started only once epoch 1
// trains records epoch 0's checkpoint then and there (the state one round before that epoch's end, checked against
// what its last witnesses reported), and the following epochs' at their Cooldowns.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha256";
import { bytesToHex } from "@noble/hashes/utils";
import type { BlobServer } from "../coordinator/blobServer/blobServer";
import { startBlobServer } from "../coordinator/blobServer/blobServer";
import { fundedKeypair } from "../coordinator/localnet/localnetClient";
import { createDemoRun } from "../scripts/demo/demoRun";
import { decodeCheckpoint } from "../sdk/codec/checkpointCodec";
import type { RunAccount } from "../sdk/coordinatorAccounts";
import { decodeRun, toBigInt } from "../sdk/coordinatorAccounts";
import { RunState, runStateOf } from "../sdk/runState";
import { parameterSpecs } from "../trainer/model/transformer";
import { generatedDataset } from "./helpers/generatedDataset";
import { followCheckpoints } from "./helpers/checkpointPublishing";
import { crankUntil, finishedHashes, startNodes } from "./helpers/inProcessNodes";
import { useTestLocalnet } from "./helpers/testLocalnet";
import { within } from "./helpers/within";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-publisher-late-"));
let server: BlobServer | undefined;
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ROUNDS_PER_EPOCH = 4;

test("a publisher that missed epoch 0's Cooldown records its checkpoint as soon as epoch 1 trains, then each next one at its Cooldown", async () => {
  // Given a run of three epochs of four rounds, two nodes uploading to a data server, and no publisher yet
  const dataset = generatedDataset(join(dir, "data"), 20_000, 3);
  const authority = await fundedKeypair(chain.connection, 20);
  const { run, recipe } = await createDemoRun(chain.connection, authority, {
    dataset,
    members: 2,
    rounds: 3 * ROUNDS_PER_EPOCH,
    roundsPerEpoch: ROUNDS_PER_EPOCH,
    times: { cooldownTime: 5 },
  });
  const blobs = await startBlobServer({ dir: join(dir, "blobs"), acceptUploads: true });
  server = blobs;
  const nodes = await startNodes(chain.connection, {
    run,
    recipe,
    dataset,
    count: 2,
    dir,
    witnessWaitMs: 5_000,
    servers: [blobs.url],
  });
  const runState = async (): Promise<RunAccount> =>
    decodeRun((await chain.connection.getAccountInfo(run, "confirmed"))!.data, run.toBase58());
  let publisher: Awaited<ReturnType<typeof followCheckpoints>> | undefined;

  // When the publisher starts only once epoch 1 trains (epoch 0's Cooldown passed without it)
  const startLate = (async () => {
    await within(
      (async () => {
        for (;;) {
          const s = await runState();
          if (toBigInt(s.epoch) === 1n && runStateOf(s.state) === RunState.RoundTrain) return;
          await new Promise((r) => setTimeout(r, 100));
        }
      })(),
      "epoch 1 to train",
      120_000,
    );
    publisher = await followCheckpoints(chain.connection, { authority, run, recipe, dataset, blobs });
  })();
  try {
    await crankUntil(chain.connection, authority, run, Promise.all([...nodes.runs, startLate]), 240_000);
  } finally {
    nodes.stop();
    await publisher?.stop();
  }
  const { published, failures } = publisher!;

  // Then epoch 0's checkpoint was recorded first, necessarily late (the publisher started in epoch 1): the state
  // after its rounds 0..2, one round before its end, which its last witnesses had reported; epoch 1's followed at
  // its Cooldown
  expect(failures).toEqual([]);
  expect(published.slice(0, 2).map((p) => [p.epoch, p.rounds])).toEqual([
    [0, ROUNDS_PER_EPOCH - 1],
    [1, 2 * ROUNDS_PER_EPOCH - 1],
  ]);
  expect(published[0].witnesses).toBeGreaterThan(0);
  // and the bytes served under the recorded hash are that checkpoint of this run
  const final = await runState();
  const bytes = new Uint8Array(
    await (await fetch(`${blobs.url}/blob/${bytesToHex(Uint8Array.from(final.checkpoint.hash))}`)).arrayBuffer(),
  );
  const latest = published[published.length - 1];
  expect(bytesToHex(sha256(bytes))).toBe(latest.hash);
  const decoded = decodeCheckpoint(bytes, parameterSpecs(recipe.model), {
    run,
    maxRounds: Number(toBigInt(final.checkpoint.step)),
  });
  expect([decoded.epoch, decoded.rounds]).toEqual([latest.epoch, latest.rounds]);
  // and the nodes trained the run to its end in agreement
  const [a, b] = finishedHashes(nodes.events);
  expect(a).toBeDefined();
  expect(b).toBe(a);
}, 300_000);
