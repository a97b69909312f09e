// Token shards on disk: writing a dataset folder (shards + manifest.json) and reading it back with every shard's
// size, token range and sha256 checked against the manifest before a single token is served.
import { sha256 } from "@noble/hashes/sha256";
import { bytesToHex } from "@noble/hashes/utils";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DatasetManifest, ShardEntry, SplitEntry, TokenizerSpec } from "../../sdk/data/datasetManifest";
import {
  datasetHash,
  manifestBytes,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  parseManifest,
  validateManifest,
  vocabSize,
} from "../../sdk/data/datasetManifest";
import { ConcordError } from "../../sdk/errors/concordError";
import {
  CONCORD_ERROR__DATASET__DATASET_HASH_MISMATCH,
  CONCORD_ERROR__DATASET__INVALID_SPEC,
  CONCORD_ERROR__DATASET__MALFORMED_SHARD,
  CONCORD_ERROR__DATASET__SHARD_HASH_MISMATCH,
  CONCORD_ERROR__DATASET__SOURCE_NOT_FOUND,
} from "../../sdk/errors/codes";
import { readUint, uintWidth, writeUint } from "../../sdk/uintWidth";
import type { TokenSource } from "./tokenSource";
import { checkTokenRange } from "./tokenSource";

export const MANIFEST_FILE = "manifest.json";

export interface DatasetToWrite {
  readonly name: string;
  readonly tokenizer: TokenizerSpec;
  /** Token ids per split, in order. */
  readonly splits: Readonly<Record<string, ArrayLike<number>>>;
  /** Most tokens per shard file. */
  readonly shardTokens: number;
  readonly source: string;
  /** Called after each shard is written: tokens written so far, of all splits' tokens. */
  readonly onTokens?: (written: number, total: number) => void;
}

/** Writes shards and manifest.json into `dir` (created if needed); returns the manifest and dataset hash. */
export function writeDataset(dir: string, d: DatasetToWrite): { manifest: DatasetManifest; hash: string } {
  if (!Number.isInteger(d.shardTokens) || d.shardTokens < 1)
    throw new ConcordError(CONCORD_ERROR__DATASET__INVALID_SPEC, { reason: `shardTokens ${d.shardTokens}` });
  const width = uintWidth(vocabSize(d.tokenizer));
  mkdirSync(dir, { recursive: true });
  const splits: Record<string, SplitEntry> = {};
  const total = Object.values(d.splits).reduce((sum, t) => sum + t.length, 0);
  let written = 0;
  for (const [name, tokens] of Object.entries(d.splits)) {
    if (tokens.length === 0)
      throw new ConcordError(CONCORD_ERROR__DATASET__INVALID_SPEC, { reason: `split ${name} is empty` });
    const shards = [];
    for (let start = 0, i = 0; start < tokens.length; start += d.shardTokens, i++) {
      const count = Math.min(d.shardTokens, tokens.length - start);
      const bytes = new Uint8Array(count * width);
      const view = new DataView(bytes.buffer);
      for (let j = 0; j < count; j++) writeUint(view, j * width, width, tokens[start + j]);
      const file = `${name}-${String(i).padStart(5, "0")}.bin`;
      writeFileSync(join(dir, file), bytes);
      shards.push({ file, tokens: count, sha256: bytesToHex(sha256(bytes)) });
      d.onTokens?.((written += count), total);
    }
    splits[name] = { tokens: tokens.length, shards };
  }
  const manifest = validateManifest({
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    name: d.name,
    tokenizer: d.tokenizer,
    tokenBytes: width,
    splits,
    source: d.source,
  });
  writeFileSync(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, hash: datasetHash(manifest) };
}

export interface Dataset {
  readonly dir: string;
  readonly manifest: DatasetManifest;
  /** sha256 of the manifest's canonical JSON. */
  readonly hash: string;
  /** A split's tokens; each shard is read and verified the first time a token of it is needed. */
  split(name: string): TokenSource;
}

/** Opens a dataset folder; with `expectedHash` (the run's on-chain value), refuses any other dataset. */
export function openDataset(dir: string, expectedHash?: string): Dataset {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) throw new ConcordError(CONCORD_ERROR__DATASET__SOURCE_NOT_FOUND, { path });
  const manifest = parseManifest(readFileSync(path, "utf8"));
  const hash = datasetHash(manifest);
  if (expectedHash !== undefined && hash !== expectedHash)
    throw new ConcordError(CONCORD_ERROR__DATASET__DATASET_HASH_MISMATCH, { actual: hash, expected: expectedHash });
  const sources = new Map<string, TokenSource>();
  return {
    dir,
    manifest,
    hash,
    split(name) {
      const entry = Object.prototype.hasOwnProperty.call(manifest.splits, name) ? manifest.splits[name] : undefined;
      if (!entry) throw new ConcordError(CONCORD_ERROR__DATASET__INVALID_SPEC, { reason: `no split named ${name}` });
      let source = sources.get(name);
      if (!source) sources.set(name, (source = shardSource(dir, manifest, entry)));
      return source;
    },
  };
}

function shardSource(dir: string, manifest: DatasetManifest, split: SplitEntry): TokenSource {
  const starts: number[] = [];
  split.shards.reduce((start, s) => (starts.push(start), start + s.tokens), 0);
  const loaded = new Map<number, Int32Array>();
  const shard = (i: number): Int32Array => {
    let tokens = loaded.get(i);
    if (!tokens) loaded.set(i, (tokens = readShard(dir, manifest, split.shards[i])));
    return tokens;
  };
  return {
    length: split.tokens,
    read(offset, count) {
      checkTokenRange(offset, count, split.tokens);
      const out = new Int32Array(count);
      // Last shard starting at or before offset, then copy across shard boundaries.
      let i = starts.length - 1;
      while (starts[i] > offset) i--;
      for (let done = 0; done < count; i++) {
        const from = offset + done - starts[i];
        const piece = shard(i).subarray(from, Math.min(split.shards[i].tokens, from + count - done));
        out.set(piece, done);
        done += piece.length;
      }
      return out;
    },
  };
}

/** Every shard the manifest lists, split by split. */
export const allShards = (manifest: DatasetManifest): ShardEntry[] =>
  Object.values(manifest.splits).flatMap((split) => split.shards);

/** A shard file's bytes, refused unless they hash to the manifest's sha256 and hold its token count. */
export function verifiedShardBytes(dir: string, manifest: DatasetManifest, entry: ShardEntry): Buffer {
  const path = join(dir, entry.file);
  if (!existsSync(path)) throw new ConcordError(CONCORD_ERROR__DATASET__SOURCE_NOT_FOUND, { path });
  const bytes = readFileSync(path);
  const actual = bytesToHex(sha256(bytes));
  if (actual !== entry.sha256)
    throw new ConcordError(CONCORD_ERROR__DATASET__SHARD_HASH_MISMATCH, {
      shard: entry.file,
      actual,
      expected: entry.sha256,
    });
  const width = manifest.tokenBytes;
  if (bytes.length !== entry.tokens * width)
    throw new ConcordError(CONCORD_ERROR__DATASET__MALFORMED_SHARD, {
      shard: entry.file,
      reason: `${bytes.length} bytes for ${entry.tokens} tokens of ${width} bytes`,
    });
  return bytes;
}

/** One blob that publishes a dataset: its sha256, and its bytes (checked again when read). */
export interface DatasetBlob {
  readonly hash: string;
  read(): Uint8Array;
}

/**
 * What publishes a dataset on a data server: the manifest's canonical JSON under the dataset hash, then each shard
 * under its sha256. Every shard is checked against the manifest here, before any is offered, so a stale or damaged
 * folder is refused whole (naming the shard) instead of half published.
 */
export function datasetBlobs(dir: string): { hash: string; blobs: DatasetBlob[] } {
  const { manifest, hash } = openDataset(dir);
  const shards = allShards(manifest);
  for (const s of shards) verifiedShardBytes(dir, manifest, s);
  return {
    hash,
    blobs: [
      { hash, read: () => manifestBytes(manifest) },
      ...shards.map((s) => ({ hash: s.sha256, read: () => verifiedShardBytes(dir, manifest, s) })),
    ],
  };
}

function readShard(dir: string, manifest: DatasetManifest, entry: ShardEntry): Int32Array {
  const bytes = verifiedShardBytes(dir, manifest, entry);
  const width = manifest.tokenBytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vocab = vocabSize(manifest.tokenizer);
  const tokens = new Int32Array(entry.tokens);
  for (let j = 0; j < tokens.length; j++) {
    const t = readUint(view, j * width, width);
    if (t >= vocab)
      throw new ConcordError(CONCORD_ERROR__DATASET__MALFORMED_SHARD, {
        shard: entry.file,
        reason: `token ${t} at ${j} >= vocabulary ${vocab}`,
      });
    tokens[j] = t;
  }
  return tokens;
}
