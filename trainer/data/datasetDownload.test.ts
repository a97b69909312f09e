// The run's dataset from real blob servers on 127.0.0.1 (published the way `concord serve --dataset` does): a
// clean download, the cache, a corrupted shard on one server, a manifest that is not the run's, every server bad,
// and downloads cut short resuming; and with every server down, the dataset from peers (real connections).
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addDatasets } from "../../clients/cli/lib/runServe";
import { formatDatasetEvent } from "../../clients/cli/lib/runDataset";
import { startBlobServer, type BlobServer } from "../../coordinator/blobServer/blobServer";
import { manifestBytes } from "../../sdk/data/datasetManifest";
import { isConcordError } from "../../sdk/errors/concordError";
import {
  CONCORD_ERROR__DATASET__DOWNLOAD_FAILED,
  CONCORD_ERROR__TRAINER__DATASET_UNAVAILABLE,
} from "../../sdk/errors/codes";
import { blobPeers } from "../../tests/helpers/blobPeers";
import { generatedDataset } from "../../tests/helpers/generatedDataset";
import { within } from "../../tests/helpers/within";
import type { DatasetEvent } from "./datasetDownload";
import { downloadDataset } from "./datasetDownload";
import type { Dataset } from "./tokenShards";
import { allShards } from "./tokenShards";
import { BlobShelf } from "../node/peerBlobs";

const root = mkdtempSync(join(tmpdir(), "concord-dataset-download-"));
let dataset: Dataset;
let other: Dataset;
const servers: BlobServer[] = [];
const raw: Server[] = [];
let cacheDir: string;
let events: DatasetEvent[];

/** A server that is down: a port that was free a moment ago, with nothing listening on it. */
let DOWN: string;

beforeAll(async () => {
  dataset = generatedDataset(join(root, "data"), 30_000, 5);
  other = generatedDataset(join(root, "other"), 30_000, 6);
  const probe = createServer();
  await new Promise<void>((ok) => probe.listen(0, "127.0.0.1", ok));
  DOWN = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((ok) => probe.close(() => ok()));
});
beforeEach(() => {
  cacheDir = mkdtempSync(join(root, "cache-"));
  events = [];
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const s of raw.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((ok) => s.close(() => ok()));
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A blob server on a fresh folder holding the dataset. */
async function serverWithDataset(): Promise<BlobServer> {
  const server = await startBlobServer({ dir: mkdtempSync(join(root, "store-")) });
  servers.push(server);
  addDatasets(server.store.dir, [dataset.dir]);
  return server;
}

const download = (urls: string[]) =>
  within(
    downloadDataset({ hash: dataset.hash, servers: urls, cacheDir, onEvent: (e) => events.push(e) }),
    "the download",
    30_000,
  );
const shards = () => allShards(dataset.manifest);
const finished = () => events.find((e) => e.kind === "download-finished");
/** The downloaded dataset's shard files hold the published bytes, and its tokens are the original's. */
function expectSameDataset(got: Dataset): void {
  expect(got.hash).toBe(dataset.hash);
  for (const s of shards())
    expect(readFileSync(join(got.dir, s.file)).equals(readFileSync(join(dataset.dir, s.file)))).toBe(true);
  const length = dataset.split("train").length;
  expect(got.split("train").read(0, length)).toEqual(dataset.split("train").read(0, length));
}
/** Flips one byte of a blob file on the server's disk, as a bad disk or a dishonest operator would. */
function corrupt(server: BlobServer, hash: string): void {
  const bytes = readFileSync(server.store.pathOf(hash));
  bytes[10] ^= 0xff;
  writeFileSync(server.store.pathOf(hash), bytes);
}

test("downloads the manifest and every shard into <cache>/<hash>/, checked, and opens the dataset", async () => {
  // Given: one server holding the dataset
  const a = await serverWithDataset();
  // When: a new member downloads it
  const got = await download([a.url]);
  // Then: it is the run's dataset, from the server, with one event per shard
  expect(got.dir).toBe(join(cacheDir, dataset.hash));
  expectSameDataset(got);
  expect(events[0]).toEqual({
    kind: "download-started",
    dataset: dataset.hash,
    shards: shards().length,
    cached: 0,
    bytes: shards().reduce((n, s) => n + s.tokens * dataset.manifest.tokenBytes, 0),
  });
  expect(events.filter((e) => e.kind === "shard-downloaded").map((e) => (e as { shard: string }).shard)).toEqual(
    shards().map((s) => s.file),
  );
  expect(finished()).toMatchObject({ downloaded: shards().length, cached: 0 });
  // the cached manifest is the very blob the run's hash names
  expect(readFileSync(join(got.dir, "manifest.json")).equals(Buffer.from(manifestBytes(dataset.manifest)))).toBe(true);
  expect(readdirSync(got.dir).filter((f) => f.startsWith(".tmp-"))).toEqual([]);
});

test("a second download uses the cache and asks no server", async () => {
  const a = await serverWithDataset();
  await download([a.url]);
  events = [];
  // When: the only server given is down
  const got = await download([DOWN]);
  // Then: everything came from the cache
  expectSameDataset(got);
  expect(finished()).toMatchObject({ downloaded: 0, cached: shards().length, bytes: 0 });
});

test("a corrupted shard on one server is refused, naming the shard, and fetched from the next", async () => {
  // Given: server A's copy of one shard is damaged on disk, B's is intact
  const [a, b] = [await serverWithDataset(), await serverWithDataset()];
  const bad = shards()[1];
  corrupt(a, bad.sha256);
  // When: a member downloads from A, falling back to B
  const got = await download([a.url, b.url]);
  // Then: A's bytes were refused with a line naming the shard and the server, and the dataset is whole
  const refused = events.filter((e) => e.kind === "blob-refused");
  expect(refused).toEqual([
    { kind: "blob-refused", file: bad.file, server: a.url, reason: expect.stringMatching(/^wrong bytes \(sha256/) },
  ]);
  expect(formatDatasetEvent(refused[0])).toMatch(
    new RegExp(`^warning: shard ${bad.file} from ${a.url} refused: wrong bytes \\(sha256 [0-9a-f]{64}\\)$`),
  );
  expectSameDataset(got);
});

test("a server that is down costs one warning: it is asked last for the blobs after", async () => {
  const a = await serverWithDataset();
  const got = await download([DOWN, a.url]);
  expect(events.filter((e) => e.kind === "blob-refused")).toEqual([
    { kind: "blob-refused", file: "manifest.json", server: DOWN, reason: expect.stringMatching(/^fetch failed/) },
  ]);
  expectSameDataset(got);
});

test("a manifest that does not hash to the run's dataset hash is refused, and fetched from the next server", async () => {
  // Given: server A holds another dataset's manifest under the run's dataset hash
  const [a, b] = [await serverWithDataset(), await serverWithDataset()];
  writeFileSync(a.store.pathOf(dataset.hash), manifestBytes(other.manifest));
  // When / Then: from A alone, the download fails naming the manifest, the dataset and why, and caches nothing
  const e = await download([a.url]).catch((x: unknown) => x);
  expect(isConcordError(e, CONCORD_ERROR__DATASET__DOWNLOAD_FAILED)).toBe(true);
  expect((e as Error).message).toBe(
    `no server gave the manifest of dataset ${dataset.hash}: ${a.url}: wrong bytes (sha256 ${other.hash})`,
  );
  expect(existsSync(join(cacheDir, dataset.hash))).toBe(false);
  // When / Then: with B after A, A's manifest is refused with a warning and the dataset comes whole
  events = [];
  const got = await download([a.url, b.url]);
  const refused = events.filter((x) => x.kind === "blob-refused");
  expect(refused.map(formatDatasetEvent)).toEqual([
    `warning: the manifest from ${a.url} refused: wrong bytes (sha256 ${other.hash})`,
  ]);
  expectSameDataset(got);
});

test("when no server gives a shard, one error lists each server's failure; the next download fetches only it", async () => {
  // Given: A serves the last shard corrupted, B lacks it, the third server is down
  const [a, b] = [await serverWithDataset(), await serverWithDataset()];
  const bad = shards()[shards().length - 1];
  corrupt(a, bad.sha256);
  rmSync(b.store.pathOf(bad.sha256));
  // When: a member downloads
  const e = await download([a.url, b.url, DOWN]).catch((x: unknown) => x);
  // Then: one error, one line, naming the shard and each server
  expect(isConcordError(e, CONCORD_ERROR__DATASET__DOWNLOAD_FAILED)).toBe(true);
  const message = (e as Error).message;
  expect(message).not.toContain("\n");
  expect(message).toMatch(new RegExp(`^no server gave shard ${bad.file} of dataset ${dataset.hash}: `));
  expect(message).toContain(`${a.url}: wrong bytes (sha256 `);
  expect(message).toContain(`${b.url}: HTTP 404: no blob ${bad.sha256}`);
  expect(message).toContain(`${DOWN}: fetch failed`); // the cause (ECONNREFUSED) is another realm's Error under Jest

  // When: B gets the shard back and the member tries again
  addDatasets(b.store.dir, [dataset.dir]);
  events = [];
  const got = await download([a.url, b.url]);
  // Then: only the missing shard is downloaded; the others were kept from the cut-short download
  expect(finished()).toMatchObject({ downloaded: 1, cached: shards().length - 1 });
  expect(events.filter((x) => x.kind === "shard-downloaded")).toEqual([
    { kind: "shard-downloaded", shard: bad.file, bytes: bad.tokens * dataset.manifest.tokenBytes },
  ]);
  expectSameDataset(got);
});

test("a shard whose connection drops mid-body is resumed by range", async () => {
  // Given: a proxy in front of server A that cuts the first answer for one shard halfway
  const a = await serverWithDataset();
  const cut = shards()[0];
  const ranges: string[] = [];
  let cutDone = false;
  const proxy = createServer((req, res) => {
    const range = req.headers.range;
    void fetch(`${a.url}${req.url}`, { headers: range ? { range } : {} }).then(async (upstream) => {
      const body = Buffer.from(await upstream.arrayBuffer());
      if (req.url === `/blob/${cut.sha256}` && !cutDone) {
        cutDone = true;
        res.writeHead(200, { "Content-Length": body.length });
        return void res.write(body.subarray(0, body.length >> 1), () => res.destroy());
      }
      if (req.url === `/blob/${cut.sha256}` && range) ranges.push(range);
      const headers: Record<string, string> = { "Content-Length": String(body.length) };
      const contentRange = upstream.headers.get("content-range");
      if (contentRange) headers["Content-Range"] = contentRange;
      res.writeHead(upstream.status, headers);
      res.end(body);
    });
  });
  raw.push(proxy);
  await new Promise<void>((ok) => proxy.listen(0, "127.0.0.1", ok));
  // When: a member downloads through it
  const got = await download([`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`]);
  // Then: the rest of the shard was asked for by range, and the dataset is whole
  expect(ranges).toEqual([`bytes=${(cut.tokens * dataset.manifest.tokenBytes) >> 1}-`]);
  expectSameDataset(got);
});

test("a cached shard damaged on disk is fetched again", async () => {
  const a = await serverWithDataset();
  await download([a.url]);
  const damaged = shards()[0];
  writeFileSync(join(cacheDir, dataset.hash, damaged.file), "not the shard");
  events = [];
  expectSameDataset(await download([a.url]));
  expect(finished()).toMatchObject({ downloaded: 1, cached: shards().length - 1 });
});

test.each([
  [
    "a dataset hash that is not 64 hex digits",
    "abc",
    ["http://127.0.0.1:1"],
    /invalid dataset request: dataset hash "abc"/,
  ],
  ["no servers", "0".repeat(64), [], /invalid dataset request: no data server given/],
])("%s is refused before any request", async (_, hash, urls, message) => {
  await expect(downloadDataset({ hash, servers: urls, cacheDir })).rejects.toThrow(message);
  expect(readdirSync(cacheDir)).toEqual([]);
});

test("when no server answers, the dataset comes from a peer that holds it, checked, with its bytes counted", async () => {
  // Given: the only server is down; a member holds the dataset
  const shelf = new BlobShelf();
  shelf.addDataset(dataset);
  const peers = await blobPeers(root, shelf);
  try {
    const bytes: number[] = [];
    // When: a member downloads, falling back on its peers
    const got = await within(
      downloadDataset({
        hash: dataset.hash,
        servers: [DOWN],
        peers: peers.fetch,
        cacheDir,
        onEvent: (e) => events.push(e),
        onBytes: (received) => bytes.push(received),
      }),
      "the download from peers",
      30_000,
    );
    // Then: the dataset is whole, the server's failure reported for each file, the progress at the total
    expectSameDataset(got);
    expect(events.filter((e) => e.kind === "blob-refused").map((e) => (e as { file: string }).file)).toEqual([
      "manifest.json",
      ...shards().map((s) => s.file),
    ]);
    expect(finished()).toMatchObject({ downloaded: shards().length, cached: 0 });
    expect(bytes[bytes.length - 1]).toBe(shards().reduce((n, s) => n + s.tokens * dataset.manifest.tokenBytes, 0));
  } finally {
    await peers.close();
  }
});

test("when no server answers and no peer holds the dataset, one error says both, naming each", async () => {
  const peers = await blobPeers(root, new BlobShelf(), { blobWaitMs: 200 });
  try {
    const e = await downloadDataset({ hash: dataset.hash, servers: [DOWN], peers: peers.fetch, cacheDir }).catch(
      (x: unknown) => x,
    );
    expect(isConcordError(e, CONCORD_ERROR__TRAINER__DATASET_UNAVAILABLE)).toBe(true);
    expect((e as Error).message).toMatch(
      new RegExp(
        `^no data server answered and no peer held the manifest of dataset ${dataset.hash}: ${DOWN}: fetch failed.*; ${peers.holderName}: does not hold it$`,
      ),
    );
    expect(existsSync(join(cacheDir, dataset.hash))).toBe(false);
  } finally {
    await peers.close();
  }
});
