// A run's dataset from untrusted data servers into a local cache: the manifest must hash to the run's dataset hash,
// and each shard to the sha256 the manifest gives it, before it is kept. Shards already cached and valid are not
// fetched again, so a download cut short (a killed process, every server down) resumes where it stopped; a body cut
// mid-shard is resumed by range, and a server that fails or serves wrong bytes is skipped for the next (blobFetch).
// A member may also fall back on its peers (peerBlobs.ts) for any blob no server gave, checked the same way.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { DatasetManifest, ShardEntry } from "../../sdk/data/datasetManifest";
import { parseManifest } from "../../sdk/data/datasetManifest";
import { ConcordError, isConcordError } from "../../sdk/errors/concordError";
import {
  CONCORD_ERROR__DATASET__DOWNLOAD_FAILED,
  CONCORD_ERROR__DATASET__INVALID_SPEC,
  CONCORD_ERROR__PEER__BLOB_NOT_HELD,
  CONCORD_ERROR__PEER__BLOB_UNAVAILABLE,
  CONCORD_ERROR__TRAINER__DATASET_UNAVAILABLE,
} from "../../sdk/errors/codes";
import { fetchBlob } from "../../sdk/net/blobFetch";
import type { BlobSource } from "../node/peerBlobs";
import type { Dataset } from "./tokenShards";
import { allShards, MANIFEST_FILE, openDataset, verifiedShardBytes } from "./tokenShards";

/** Largest manifest accepted: a hostile server could otherwise stream forever under the dataset's name. */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/** What a download reports, one event per step (what `concord train --json` prints). */
export type DatasetEvent =
  | { kind: "download-started"; dataset: string; shards: number; cached: number; bytes: number }
  | { kind: "shard-downloaded"; shard: string; bytes: number }
  /** A server (or `peer <key>`) failed, or served bytes that do not hash to the manifest's or shard's hash; the next is tried. */
  | { kind: "blob-refused"; file: string; server: string; reason: string }
  | { kind: "download-finished"; dataset: string; dir: string; downloaded: number; cached: number; bytes: number };

const EVENT_KINDS: ReadonlySet<string> = new Set<DatasetEvent["kind"]>([
  "download-started",
  "shard-downloaded",
  "blob-refused",
  "download-finished",
]);

/** Tells a download's events from a node's in `concord train --json` output. */
export const isDatasetEvent = (e: { kind: string }): e is DatasetEvent => EVENT_KINDS.has(e.kind);

export interface DatasetDownloadOptions {
  /** The run's dataset hash (its on-chain config.datasetHash), lowercase hex. */
  readonly hash: string;
  /** Data server base URLs (`concord serve`), tried in order for each blob. */
  readonly servers: readonly string[];
  /** The run's peers, asked for a blob no server gave (a node that is a member: peers serve members only). */
  readonly peers?: BlobSource;
  /** The cache root: the dataset is kept in `<cacheDir>/<hash>/`. */
  readonly cacheDir: string;
  readonly onEvent?: (event: DatasetEvent) => void;
  /** Bytes of shards received so far, of all the shards this download fetches. */
  readonly onBytes?: (received: number, total: number) => void;
}

/** The run's dataset, from the cache where it is valid, else from the servers; opened and checked against `hash`. */
export async function downloadDataset(o: DatasetDownloadOptions): Promise<Dataset> {
  if (!/^[0-9a-f]{64}$/.test(o.hash))
    throw new ConcordError(CONCORD_ERROR__DATASET__INVALID_SPEC, { reason: `dataset hash ${JSON.stringify(o.hash)}` });
  if (o.servers.length === 0 && !o.peers)
    throw new ConcordError(CONCORD_ERROR__DATASET__INVALID_SPEC, { reason: "no data server given" });
  const emit = o.onEvent ?? (() => {});
  const dir = join(o.cacheDir, o.hash);
  // a process killed mid-write leaves its temporary file; the blob it held is fetched again
  if (existsSync(dir))
    for (const name of readdirSync(dir)) if (name.startsWith(".tmp-")) rmSync(join(dir, name), { force: true });

  // a server that failed once is asked last from then on: one that is down costs one warning, not one per blob
  const servers = [...o.servers];
  const refused = (file: string) => (server: string, reason: string) => {
    emit({ kind: "blob-refused", file, server, reason });
    const i = servers.indexOf(server); // a peer is not in the list
    if (i >= 0) servers.push(...servers.splice(i, 1));
  };
  const sources = { servers, peers: o.peers };

  const manifest = cachedManifest(dir, o.hash) ?? (await fetchManifest(dir, o.hash, sources, refused(MANIFEST_FILE)));
  const shards = allShards(manifest);
  const missing = shards.filter((s) => !isCached(dir, manifest, s));
  const sizeOf = (s: ShardEntry) => s.tokens * manifest.tokenBytes;
  const total = missing.reduce((sum, s) => sum + sizeOf(s), 0);
  const cached = shards.length - missing.length;
  emit({ kind: "download-started", dataset: o.hash, shards: shards.length, cached, bytes: total });
  let received = 0;
  for (const shard of missing) {
    const bytes = await fetchOrFail(sources, o.hash, `shard ${shard.file}`, shard.sha256, {
      maxBytes: sizeOf(shard),
      onProgress: (n) => o.onBytes?.(received + n, total),
      onFailure: refused(shard.file),
    });
    writeAtomically(dir, shard.file, bytes);
    received += bytes.length;
    o.onBytes?.(received, total);
    emit({ kind: "shard-downloaded", shard: shard.file, bytes: bytes.length });
  }
  emit({ kind: "download-finished", dataset: o.hash, dir, downloaded: missing.length, cached, bytes: received });
  return openDataset(dir, o.hash);
}

/** The cached manifest when it is there and is the run's; anything else is fetched again. */
function cachedManifest(dir: string, hash: string): DatasetManifest | undefined {
  try {
    return openDataset(dir, hash).manifest;
  } catch (e) {
    if (isConcordError(e)) return undefined;
    throw e;
  }
}

async function fetchManifest(
  dir: string,
  hash: string,
  sources: Sources,
  onFailure: (server: string, reason: string) => void,
): Promise<DatasetManifest> {
  // fetchBlob keeps only bytes that hash to the run's dataset hash (sha256 of the canonical manifest JSON): another
  // dataset's manifest, or this one reformatted, is refused there
  const bytes = await fetchOrFail(sources, hash, "the manifest", hash, {
    maxBytes: MAX_MANIFEST_BYTES,
    onFailure,
  });
  const manifest = parseManifest(new TextDecoder().decode(bytes));
  writeAtomically(dir, MANIFEST_FILE, bytes);
  return manifest;
}

function isCached(dir: string, manifest: DatasetManifest, shard: ShardEntry): boolean {
  try {
    verifiedShardBytes(dir, manifest, shard);
    return true;
  } catch (e) {
    if (isConcordError(e)) return false;
    throw e;
  }
}

interface Sources {
  readonly servers: readonly string[];
  readonly peers?: BlobSource;
}

/** fetchBlob over every server, then the peers; when none gives the blob, one error naming it and each failure. */
async function fetchOrFail(
  { servers, peers }: Sources,
  dataset: string,
  what: string,
  hash: string,
  opts: {
    maxBytes: number;
    onProgress?: (received: number) => void;
    onFailure: (from: string, reason: string) => void;
  },
): Promise<Uint8Array> {
  let failures = "no server given";
  if (servers.length > 0)
    try {
      return await fetchBlob([...servers], hash, opts);
    } catch (e) {
      if (!isConcordError(e, CONCORD_ERROR__PEER__BLOB_UNAVAILABLE)) throw e;
      if (!peers)
        throw new ConcordError(
          CONCORD_ERROR__DATASET__DOWNLOAD_FAILED,
          { what, dataset, failures: String(e.context.failures) },
          { cause: e },
        );
      failures = String(e.context.failures);
    }
  try {
    return await peers!(hash, opts);
  } catch (e) {
    if (!isConcordError(e, CONCORD_ERROR__PEER__BLOB_NOT_HELD)) throw e;
    throw new ConcordError(
      CONCORD_ERROR__TRAINER__DATASET_UNAVAILABLE,
      { what, dataset, failures: `${failures}; ${String(e.context.failures)}` },
      { cause: e },
    );
  }
}

/** Temporary name then rename: the folder never holds part of a blob under its real name. */
export function writeAtomically(dir: string, name: string, bytes: Uint8Array): void {
  mkdirSync(dir, { recursive: true }); // only once there is something to keep: a refused manifest leaves no folder
  const tmp = join(dir, `.tmp-${randomBytes(8).toString("hex")}`);
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, join(dir, name));
  } finally {
    rmSync(tmp, { force: true });
  }
}
