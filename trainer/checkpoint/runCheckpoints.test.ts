// Fetching the checkpoint a Run records, from real blob servers on 127.0.0.1 and a real Run on the local chain: only
// bytes of the recorded hash count (a corrupted copy, or another checkpoint served under that name, is refused and
// the next server tried), and bytes of that hash that are not this run's checkpoint are refused with a clear error;
// with no server holding it, a peer's copy (over a real connection); a node's own kept copy comes first.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha256";
import { bytesToHex } from "@noble/hashes/utils";
import type { PublicKey } from "@solana/web3.js";
import { Keypair } from "@solana/web3.js";
import type { BlobServer } from "../../coordinator/blobServer/blobServer";
import { startBlobServer } from "../../coordinator/blobServer/blobServer";
import { fundedKeypair, providerFor } from "../../coordinator/localnet/localnetClient";
import { createDemoRun } from "../../scripts/demo/demoRun";
import type { TensorSpec } from "../../sdk/codec/checkpointCodec";
import { encodeCheckpoint } from "../../sdk/codec/checkpointCodec";
import { decodeRun } from "../../sdk/coordinatorAccounts";
import * as ix from "../../sdk/coordinatorInstructions";
import { coordinatorProgram } from "../../sdk/coordinatorProgram";
import { isConcordError } from "../../sdk/errors/concordError";
import * as codes from "../../sdk/errors/codes";
import { TransactionSender } from "../../sdk/transactionSender";
import { generatedDataset } from "../../tests/helpers/generatedDataset";
import { useTestLocalnet } from "../../tests/helpers/testLocalnet";
import type { Dataset } from "../data/tokenShards";
import { BlobShelf } from "../node/peerBlobs";
import { blobPeers } from "../../tests/helpers/blobPeers";
import { decodeRunCheckpoint, fetchRunCheckpoint, recordedCheckpointBytes } from "./runCheckpoints";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-run-checkpoints-"));
const SPECS: TensorSpec[] = [{ name: "w", shape: [4, 2] }];
const servers: BlobServer[] = [];
let dataset: Dataset;

beforeAll(async () => {
  dataset = generatedDataset(join(dir, "data"), 5_000, 3);
  for (const name of ["a", "b", "c"]) servers.push(await startBlobServer({ dir: join(dir, name) }));
});
afterAll(async () => {
  for (const s of servers) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

const checkpointOf = (run: PublicKey, fill: number) =>
  encodeCheckpoint({ run, epoch: 0, rounds: 0, params: [new Float32Array(8).fill(fill)], velocity: [] }, SPECS);

/** A new run, and a way for its authority to record a checkpoint's hash and location (the Run as it is then). */
async function newRun() {
  const authority = await fundedKeypair(chain.connection, 5);
  const { run } = await createDemoRun(chain.connection, authority, { dataset, members: 1, rounds: 2 });
  const program = coordinatorProgram(providerFor(chain.connection, authority));
  const record = async (bytes: Uint8Array, uri: string) => {
    const hash = sha256(bytes);
    const checkpoint = await ix.checkpointInstruction(program, {
      run,
      authority: authority.publicKey,
      epoch: 0,
      hash,
      uri,
    });
    await new TransactionSender(chain.connection, authority).send([checkpoint]);
    return decodeRun((await chain.connection.getAccountInfo(run, "confirmed"))!.data);
  };
  return { run, record };
}

test("refuses a corrupted copy at the recorded URI and another checkpoint under the recorded name, then takes the next server's", async () => {
  const [a, b, c] = servers;
  const { run, record } = await newRun();
  const good = checkpointOf(run, 0.5);
  const hash = bytesToHex(sha256(good));
  const corrupted = Uint8Array.from(good);
  corrupted[corrupted.length - 1] ^= 1;
  // the servers' folders are written directly: a server that lies is one whose files lie
  writeFileSync(join(a.store.dir, hash), corrupted);
  writeFileSync(join(b.store.dir, hash), checkpointOf(run, 0.25));
  c.store.put(hash, good);
  const state = await record(good, a.url);
  const refused: string[] = [];
  const got = await fetchRunCheckpoint(state, run, SPECS, [b.url, c.url], (url, reason) =>
    refused.push(`${url}: ${reason}`),
  );
  expect(Array.from(got!.params[0])).toEqual(new Array(8).fill(0.5));
  expect(refused).toEqual([
    expect.stringMatching(new RegExp(`^${a.url}: wrong bytes \\(sha256 `)),
    expect.stringMatching(new RegExp(`^${b.url}: wrong bytes \\(sha256 `)),
  ]);
});

test("with no server serving the recorded bytes, one error lists every server's refusal", async () => {
  const [a, b] = servers;
  const { run, record } = await newRun();
  const state = await record(checkpointOf(run, 2), a.url);
  let error: unknown;
  await fetchRunCheckpoint(state, run, SPECS, [b.url]).catch((e) => (error = e));
  expect(isConcordError(error, codes.CONCORD_ERROR__PEER__BLOB_UNAVAILABLE)).toBe(true);
  expect((error as Error).message).toMatch(new RegExp(`${a.url}: HTTP 404.*; ${b.url}: HTTP 404`));
});

test("bytes of the recorded hash that are another run's checkpoint are refused, naming the run", async () => {
  const [a] = servers;
  const other = Keypair.generate().publicKey;
  const bytes = checkpointOf(other, 3);
  a.store.put(bytesToHex(sha256(bytes)), bytes);
  const { run, record } = await newRun();
  const state = await record(bytes, a.url);
  let error: unknown;
  await fetchRunCheckpoint(state, run, SPECS, []).catch((e) => (error = e));
  expect(isConcordError(error, codes.CONCORD_ERROR__CODEC__CHECKPOINT_MISMATCH)).toBe(true);
  expect((error as Error).message).toMatch(`it is of run ${other.toBase58()}`);
});

test("a run that records no checkpoint has none to fetch", async () => {
  const { run } = await newRun();
  const state = decodeRun((await chain.connection.getAccountInfo(run, "confirmed"))!.data);
  expect(await fetchRunCheckpoint(state, run, SPECS, [servers[0].url])).toBeNull();
});

test("with no server holding the recorded checkpoint, a peer's copy is taken once it hashes right; none holding it is one error", async () => {
  const [a, b] = servers;
  const { run, record } = await newRun();
  const good = checkpointOf(run, 4);
  const state = await record(good, a.url);
  const shelf = new BlobShelf();
  shelf.add(bytesToHex(sha256(good)), good);
  const peers = await blobPeers(dir, shelf);
  const empty = await blobPeers(dir, new BlobShelf(), { blobWaitMs: 200 });
  try {
    const refused: string[] = [];
    const bytes = await recordedCheckpointBytes(state, [b.url], {
      onRefused: (source, reason) => refused.push(`${source}: ${reason}`),
      peers: peers.fetch,
    });
    expect(Array.from(decodeRunCheckpoint(state, run, SPECS, bytes!).params[0])).toEqual(new Array(8).fill(4));
    expect(refused).toEqual([
      expect.stringMatching(`^${a.url}: HTTP 404`),
      expect.stringMatching(`^${b.url}: HTTP 404`),
    ]);

    let error: unknown;
    await recordedCheckpointBytes(state, [b.url], { peers: empty.fetch }).catch((e) => (error = e));
    expect(isConcordError(error, codes.CONCORD_ERROR__TRAINER__CHECKPOINT_UNAVAILABLE)).toBe(true);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^no data server answered and no peer held the recorded checkpoint [0-9a-f]{64}: .*${b.url}: HTTP 404.*; ${empty.holderName}: does not hold it$`,
      ),
    );
  } finally {
    await peers.close();
    await empty.close();
  }
});

test("a node's own kept copy is read first when it still hashes right; a copy changed on disk is passed over", async () => {
  const [a] = servers;
  const { run, record } = await newRun();
  const good = checkpointOf(run, 5);
  const hash = bytesToHex(sha256(good));
  const state = await record(good, a.url); // the recorded URL holds nothing: only the kept copy can give it
  const kept = join(dir, "kept");
  mkdirSync(kept, { recursive: true });
  writeFileSync(join(kept, hash), good);
  const refused: string[] = [];
  const onRefused = (source: string, reason: string) => refused.push(`${source}: ${reason}`);
  const bytes = await recordedCheckpointBytes(state, [], { onRefused, keptIn: kept });
  expect(Buffer.from(bytes!).equals(Buffer.from(good))).toBe(true);
  expect(refused).toEqual([]);

  const changed = Uint8Array.from(good);
  changed[changed.length - 1] ^= 1;
  writeFileSync(join(kept, hash), changed);
  let error: unknown;
  await recordedCheckpointBytes(state, [], { onRefused, keptIn: kept }).catch((e) => (error = e));
  expect(isConcordError(error, codes.CONCORD_ERROR__PEER__BLOB_UNAVAILABLE)).toBe(true);
  expect(refused).toEqual([expect.stringMatching(`^${a.url}: HTTP 404`)]);
});
