import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha256";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils";
import type { PublicKey } from "@solana/web3.js";
import { Keypair } from "@solana/web3.js";
import { Packr } from "msgpackr";
import {
  CONCORD_ERROR__PEER__BLOB_ANSWER_MISMATCH,
  CONCORD_ERROR__PEER__BLOB_NOT_HELD,
  CONCORD_ERROR__PEER__BLOB_OUT_OF_RANGE,
  CONCORD_ERROR__PEER__INVALID_BLOB_HASH,
  CONCORD_ERROR__PEER__INVALID_FIELD,
} from "../../sdk/errors/codes";
import { manifestBytes } from "../../sdk/data/datasetManifest";
import type { BlobMessage, PeerMessage } from "../../sdk/peer/peerMessages";
import { MAX_BLOB_CHUNK_BYTES, MAX_MESSAGE_BYTES, encodePeerMessage } from "../../sdk/peer/peerMessages";
import { DEFAULT_PEER_LIMITS } from "../../sdk/net/peerSocket";
import { generatedDataset } from "../../tests/helpers/generatedDataset";
import { RawPeer } from "../../tests/helpers/rawPeer";
import { eventually, within } from "../../tests/helpers/within";
import { allShards } from "../data/tokenShards";
import { BlobShelf } from "./peerBlobs";
import type { ExchangeChain } from "./updateExchange";
import { UpdateExchange } from "./updateExchange";
import { UpdateStore } from "./updateStore";

const run = Keypair.generate().publicKey;
const hashOf = (bytes: Uint8Array) => bytesToHex(sha256(bytes));
const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const packr = new Packr({ useRecords: false, int64AsType: "number" });
const LIMITS = { wantTimeoutMs: 2_000, fetchRetryMs: 50, blobWaitMs: 300, backoff: { initialMs: 20, maxMs: 200 } };

describe("blobs between peers", () => {
  const [alice, bob, carol] = [Keypair.generate(), Keypair.generate(), Keypair.generate()];
  const members: PublicKey[] = [alice.publicKey, bob.publicKey, carol.publicKey];
  const chain: ExchangeChain = {
    receipt: () => Promise.resolve(null),
    isMember: (m) => members.some((k) => k.equals(m)),
    oldestLiveStep: () => 0,
  };
  let dir: string;
  let nodes: UpdateExchange[];
  let raws: RawPeer[];

  const start = async (keypair: Keypair, shelf = new BlobShelf(), peer = DEFAULT_PEER_LIMITS) => {
    const node = await UpdateExchange.start({
      run,
      keypair,
      listen: { host: "127.0.0.1", port: 0 },
      store: UpdateStore.open(mkdtempSync(join(dir, "store-"))),
      blobs: shelf,
      chain,
      validate: () => {},
      limits: { ...LIMITS, peer },
    });
    nodes.push(node);
    return node;
  };
  const raw = async (node: UpdateExchange, keypair: Keypair) => {
    const peer = await RawPeer.hello(node.url, keypair, run);
    raws.push(peer);
    await eventually(() => peer.received.some((m) => m.kind === "hello"), "the node's hello");
    return peer;
  };
  /** The next answer `peer` got after `seen` messages. */
  const answer = async (peer: RawPeer, seen: number) => {
    await eventually(() => peer.received.length > seen, "an answer");
    return peer.received[seen];
  };
  const fileOf = (bytes: Uint8Array) => {
    const path = join(dir, hashOf(bytes));
    writeFileSync(path, bytes);
    return path;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "concord-blobs-"));
    nodes = [];
    raws = [];
  });
  afterEach(async () => {
    for (const peer of raws) peer.ws.terminate();
    await Promise.all(nodes.map((n) => n.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("a blob of several chunks comes whole from a peer that holds it, with progress, and a dataset's files by their hashes", async () => {
    const big = pattern(2 * MAX_BLOB_CHUNK_BYTES + 1234, 1);
    const dataset = generatedDataset(join(dir, "data"), 3_000, 3);
    const shelf = new BlobShelf();
    shelf.addFile(hashOf(big), fileOf(big));
    shelf.addDataset(dataset);
    const b = await start(bob, shelf);
    const a = await start(alice);
    a.setPeers([b.url]);
    const progress: number[] = [];
    const got = await within(
      a.fetchBlob(hashOf(big), { maxBytes: big.length, onProgress: (n) => progress.push(n) }),
      "the blob",
    );
    expect(Buffer.from(got).equals(Buffer.from(big))).toBe(true);
    expect(progress).toEqual([MAX_BLOB_CHUNK_BYTES, 2 * MAX_BLOB_CHUNK_BYTES, big.length]);
    // the manifest under the dataset hash in its canonical bytes (what the hash names), and each shard
    expect(await a.fetchBlob(dataset.hash)).toEqual(Uint8Array.from(manifestBytes(dataset.manifest)));
    for (const shard of allShards(dataset.manifest))
      expect(hashOf(await a.fetchBlob(shard.sha256, { maxBytes: shard.tokens * dataset.manifest.tokenBytes }))).toBe(
        shard.sha256,
      );
  });

  it("a blob larger than a connection's byte burst comes paced below the asker's byte limit: the holder is not banned", async () => {
    // 1 MiB chunks against 8 MiB/s with a burst of one message: unpaced, loopback would overrun it within a few chunks
    const peer = { ...DEFAULT_PEER_LIMITS, bytesPerSecond: 8 * 2 ** 20, byteBurst: MAX_MESSAGE_BYTES };
    const big = pattern(12 * MAX_BLOB_CHUNK_BYTES, 9);
    const shelf = new BlobShelf();
    shelf.addFile(hashOf(big), fileOf(big));
    const b = await start(bob, shelf, peer);
    const a = await start(alice, new BlobShelf(), peer);
    a.setPeers([b.url]);
    const got = await within(a.fetchBlob(hashOf(big)), "the paced blob", 30_000);
    expect(Buffer.from(got).equals(Buffer.from(big))).toBe(true);
    expect(a.stats.peersBanned + b.stats.peersBanned).toBe(0);
  });

  it("answers no-blob for a hash it does not hold or whose file no longer hashes to it, and an empty chunk at a blob's end", async () => {
    const held = pattern(1000, 2);
    const changed = pattern(1000, 3);
    const shelf = new BlobShelf();
    shelf.addFile(hashOf(held), fileOf(held));
    const path = fileOf(changed);
    shelf.addFile(hashOf(changed), path);
    writeFileSync(path, pattern(1000, 4)); // the file changed after it was offered
    const b = await start(bob, shelf);
    const peer = await raw(b, alice);
    const ask = async (hash: string, offset = 0, length = 10) => {
      const seen = peer.received.length;
      peer.send(encodePeerMessage({ kind: "want-blob", blobHash: hexToBytes(hash), offset, length }));
      return answer(peer, seen);
    };
    expect(await ask(hashOf(pattern(5, 9)))).toEqual({ kind: "no-blob", blobHash: sha256(pattern(5, 9)) });
    expect((await ask(hashOf(changed))).kind).toBe("no-blob");
    expect(await ask(hashOf(held), 995)).toMatchObject({
      kind: "blob",
      offset: 995,
      total: 1000,
      bytes: held.slice(995),
    });
    expect(await ask(hashOf(held), 1000)).toMatchObject({
      kind: "blob",
      offset: 1000,
      total: 1000,
      bytes: new Uint8Array(),
    });
  });

  it.each([
    ["a range past the blob's end", { offset: 1001, length: 10 }, CONCORD_ERROR__PEER__BLOB_OUT_OF_RANGE],
    [
      "a range over the chunk limit",
      { offset: 0, length: MAX_BLOB_CHUNK_BYTES + 1 },
      CONCORD_ERROR__PEER__INVALID_FIELD,
    ],
    ["a negative offset", { offset: -1, length: 10 }, CONCORD_ERROR__PEER__INVALID_FIELD],
  ])(
    "refuses a want-blob for %s: the asker is closed with that code, and the node serves the next",
    async (_, range, code) => {
      const held = pattern(1000, 5);
      const shelf = new BlobShelf();
      shelf.addFile(hashOf(held), fileOf(held));
      const b = await start(bob, shelf);
      const bad = await raw(b, alice);
      // encodePeerMessage would refuse the malformed ones: the wire bytes are built by hand
      bad.send(packr.pack([1, "want-blob", sha256(held), range.offset, range.length]));
      expect((await bad.closeCode()).code).toBe(code);
      expect(bad.received.filter((m) => m.kind === "blob")).toEqual([]);
      const a = await start(carol);
      a.setPeers([b.url]);
      expect(await within(a.fetchBlob(hashOf(held)), "the blob from the node")).toEqual(held);
    },
  );

  it("a peer serving bytes of another blob is banned and reported, and the next peer gives the right ones", async () => {
    const blob = pattern(3000, 6);
    const shelf = new BlobShelf();
    shelf.addFile(hashOf(blob), fileOf(blob));
    const a = await start(alice);
    const liar = await raw(a, carol); // connected first: asked first
    const b = await start(bob, shelf);
    a.setPeers([b.url]);
    await eventually(() => a.stats.peers === 2, "alice connected to both");
    const failures: string[] = [];
    const fetched = a.fetchBlob(hashOf(blob), { onFailure: (peer, reason) => failures.push(`${peer}: ${reason}`) });
    await eventually(() => liar.received.some((m) => m.kind === "want-blob"), "alice's want-blob");
    const forged: BlobMessage = {
      kind: "blob",
      blobHash: sha256(blob),
      offset: 0,
      total: 3000,
      bytes: pattern(3000, 7),
    };
    liar.send(encodePeerMessage(forged as PeerMessage));
    expect((await liar.closeCode()).code).toBe(CONCORD_ERROR__PEER__BLOB_ANSWER_MISMATCH);
    expect(await within(fetched, "the blob from bob")).toEqual(blob);
    expect(failures).toEqual([
      expect.stringMatching(`peer ${carol.publicKey.toBase58()}: refused, and banned: bytes of another blob`),
    ]);
    expect(a.stats.peersBanned).toBe(1);
  });

  it("a blob no peer holds fails naming each peer's answer; a malformed hash is refused before any is asked", async () => {
    const a = await start(alice);
    const b = await start(bob);
    a.setPeers([b.url]);
    await eventually(() => a.stats.peers === 1, "alice connected to bob");
    const missing = hashOf(pattern(10, 8));
    await expect(a.fetchBlob(missing)).rejects.toMatchObject({
      code: CONCORD_ERROR__PEER__BLOB_NOT_HELD,
      message: expect.stringContaining(`peer ${bob.publicKey.toBase58()}: does not hold it`),
    });
    await expect(a.fetchBlob("ABC")).rejects.toMatchObject({ code: CONCORD_ERROR__PEER__INVALID_BLOB_HASH });
    expect(a.stats.peersBanned).toBe(0);
  });
});
