// The update store's pruning in a real run: two in-process nodes on the local chain, a data server taking their
// uploads and the run creator's checkpoint publisher recording the checkpoints of all epochs but the last. After the
// run, each node's store holds exactly the rounds the rule keeps (from the lower of the latest checkpoint's first
// replayed round and the run's step less --keep-rounds) with every accepted update of those rounds, and none before;
// the nodes agree, with each other and with the replay from public data.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BlobServer } from "../coordinator/blobServer/blobServer";
import { startBlobServer } from "../coordinator/blobServer/blobServer";
import { fundedKeypair } from "../coordinator/localnet/localnetClient";
import { createDemoRun } from "../scripts/demo/demoRun";
import { decodeRun, toBigInt } from "../sdk/coordinatorAccounts";
import { acceptedSteps } from "../sdk/roundHistory";
import { RunState, runStateOf } from "../sdk/runState";
import { runEvents } from "../trainer/node/runHistory";
import { UpdateStore } from "../trainer/node/updateStore";
import { generatedDataset } from "./helpers/generatedDataset";
import { followCheckpoints } from "./helpers/checkpointPublishing";
import { crankUntil, finishedHashes, replayHash, startNodes } from "./helpers/inProcessNodes";
import { useTestLocalnet } from "./helpers/testLocalnet";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-store-pruning-"));
let server: BlobServer | undefined;
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ROUNDS = 8;
const ROUNDS_PER_EPOCH = 2;
/** Node 0 keeps one round back; node 1 the default, two epochs' rounds (the challenge window). */
const KEEP = [1, 2 * ROUNDS_PER_EPOCH];
/** The publisher stops after this epoch's checkpoint (recorded at step 6: members replay rounds 5 on). */
const LAST_CHECKPOINTED = 2;

test("each node's store keeps exactly the rounds from the latest checkpoint's and its --keep-rounds on", async () => {
  // Given a run of four epochs of two rounds, its data server and checkpoint publisher, and two nodes that prune
  const dataset = generatedDataset(join(dir, "data"), 20_000, 3);
  const authority = await fundedKeypair(chain.connection, 20);
  const { run, recipe } = await createDemoRun(chain.connection, authority, {
    dataset,
    members: 2,
    rounds: ROUNDS,
    roundsPerEpoch: ROUNDS_PER_EPOCH,
    times: { cooldownTime: 5 },
  });
  const blobs = await startBlobServer({ dir: join(dir, "blobs"), acceptUploads: true });
  server = blobs; // closed after the test: the replay reads from it
  const nodes = await startNodes(chain.connection, {
    run,
    recipe,
    dataset,
    count: 2,
    dir,
    witnessWaitMs: 5_000,
    servers: [blobs.url],
    nodeOptions: (i) => ({ keepRounds: KEEP[i] }),
  });
  // (the publisher builds the initial weights on the backend the nodes selected)
  const publisher = await followCheckpoints(chain.connection, {
    authority,
    run,
    recipe,
    dataset,
    blobs,
    // none for the last epoch: its rounds are then kept for the checkpoint's sake, not --keep-rounds'
    stopAfter: (c) => c.epoch === LAST_CHECKPOINTED,
  });
  try {
    // When the run is played to its end
    await crankUntil(chain.connection, authority, run, Promise.all(nodes.runs), 200_000);
  } finally {
    nodes.stop();
    await publisher.stop();
  }
  const { published, failures, programId } = publisher;

  // Then the checkpoints were recorded (without one nothing is pruned) and the nodes agree
  expect(failures).toEqual([]);
  expect(published.map((c) => c.epoch)).toEqual([0, 1, 2]);
  // (and with the replay from the chain's record, node 0's store and, for the rounds it pruned, the data server)
  const [a, b] = finishedHashes(nodes.events);
  expect(a).toBeDefined();
  expect(b).toBe(a);
  expect(await replayHash(chain.connection, programId, { run, recipe, dataset, dir, servers: [blobs.url] })).toBe(a);
  const final = decodeRun((await chain.connection.getAccountInfo(run, "confirmed"))!.data, run.toBase58());
  expect(runStateOf(final.state)).toBe(RunState.Finished);
  const step = Number(toBigInt(final.step));
  const firstReplayed = Number(toBigInt(final.checkpoint.step)) - 1;
  const accepted = acceptedSteps(await runEvents(chain.connection, programId, run));
  expect(accepted.map((s) => Number(s.step))).toEqual([...Array(ROUNDS).keys()]);
  // and each store holds every accepted update of the rounds the rule keeps, and nothing of the rounds before
  // (node 0 by the checkpoint: rounds 5 on; node 1 by --keep-rounds: the run's step 8 less 4)
  expect(KEEP.map((keep) => Math.min(firstReplayed, step - keep))).toEqual([5, 4]);
  for (const [i, keep] of KEEP.entries()) {
    const kept = Math.min(firstReplayed, step - keep);
    const store = UpdateStore.open(join(dir, `node-${i}`, "updates"));
    for (const { step: s, updates } of accepted) {
      const held = store.step(Number(s)).map((u) => u.member.toBase58());
      if (Number(s) < kept) expect([Number(s), held]).toEqual([Number(s), []]);
      else expect([Number(s), held.sort()]).toEqual([Number(s), updates.map((u) => u.member.toBase58()).sort()]);
    }
  }
}, 240_000);
