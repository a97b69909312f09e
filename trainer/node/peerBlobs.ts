// Content-addressed blobs between peers: the run's dataset (manifest and shards) and its recorded checkpoint, for a
// member that joins or catches up while no data server answers. A node serves only blobs it holds and has checked
// against their hash (BlobShelf: looked up by hash, never by a name from the wire), in chunks that fit a peer
// message; a fetching node asks one peer at a time, chunk by chunk, keeps the bytes only if they hash to the name the
// chain gave (dataset hash → manifest → shard hashes; the Run's checkpoint hash), and bans a peer that served others.
import { sha256 } from "@noble/hashes/sha256";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils";
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";
import { manifestBytes } from "../../sdk/data/datasetManifest";
import { ConcordError } from "../../sdk/errors/concordError";
import {
  CONCORD_ERROR__PEER__BLOB_ANSWER_MISMATCH,
  CONCORD_ERROR__PEER__BLOB_NOT_HELD,
  CONCORD_ERROR__PEER__BLOB_OUT_OF_RANGE,
  CONCORD_ERROR__PEER__INVALID_BLOB_HASH,
  CONCORD_ERROR__PEER__UNEXPECTED_MESSAGE,
} from "../../sdk/errors/codes";
import type { PeerSocket } from "../../sdk/net/peerSocket";
import type { BlobMessage, NoBlobMessage, WantBlobMessage } from "../../sdk/peer/peerMessages";
import { MAX_BLOB_CHUNK_BYTES, MAX_PEER_BLOB_BYTES } from "../../sdk/peer/peerMessages";
import type { Dataset } from "../data/tokenShards";
import { allShards } from "../data/tokenShards";

/** Where a blob offered is: bytes in memory, or a file (read by range once checked). */
type Shelved = { bytes: Uint8Array; checked: boolean } | { path: string; size?: number };

/**
 * Blobs a node may serve, by sha256 hex. Each is checked against its name the first time it is asked for (a file is
 * hashed whole once, then read by range), and never served when it does not hash to it.
 */
export class BlobShelf {
  private readonly blobs = new Map<string, Shelved>();

  constructor(private readonly log: (line: string) => void = () => {}) {}

  /** Offers `bytes` under `hash` (sha256 hex). */
  add(hash: string, bytes: Uint8Array): void {
    this.blobs.set(hash, { bytes, checked: false });
  }

  /** Offers the file at `path` under `hash`. */
  addFile(hash: string, path: string): void {
    this.blobs.set(hash, { path });
  }

  /** A run's dataset: its manifest under the dataset hash (canonical JSON, as servers publish it) and each shard. */
  addDataset(dataset: Dataset): void {
    this.add(dataset.hash, manifestBytes(dataset.manifest));
    for (const shard of allShards(dataset.manifest)) this.addFile(shard.sha256, join(dataset.dir, shard.file));
  }

  /** The blob's size, or null when this node does not hold it (or what it holds does not hash to its name). */
  size(hash: string): number | null {
    const blob = this.blobs.get(hash);
    if (!blob) return null;
    if ("bytes" in blob && blob.checked) return blob.bytes.length;
    if ("path" in blob && blob.size !== undefined) return blob.size;
    try {
      const bytes = "bytes" in blob ? blob.bytes : readFileSync(blob.path);
      const actual = bytesToHex(sha256(bytes));
      if (actual !== hash) throw new Error(`its bytes hash to ${actual}`);
      if ("bytes" in blob) blob.checked = true;
      else blob.size = bytes.length;
      return bytes.length;
    } catch (e) {
      this.blobs.delete(hash);
      this.log(`not serving blob ${hash}: ${(e as Error).message}`);
      return null;
    }
  }

  /** Bytes [offset, offset + length) of a blob whose size() was given, fewer at its end. */
  read(hash: string, offset: number, length: number): Uint8Array {
    const blob = this.blobs.get(hash)!;
    if ("bytes" in blob) return blob.bytes.subarray(offset, offset + length);
    const out = Buffer.alloc(Math.max(0, Math.min(length, blob.size! - offset)));
    const fd = openSync(blob.path, "r");
    try {
      readSync(fd, out, 0, out.length, offset);
    } finally {
      closeSync(fd);
    }
    return out;
  }
}

export interface BlobFetchOptions {
  /** Refuse blobs larger than this (MAX_PEER_BLOB_BYTES at most). */
  readonly maxBytes?: number;
  /** Bytes held so far of the blob being fetched, and its size once a peer has said it. */
  readonly onProgress?: (received: number, total: number) => void;
  /** Called once per peer that gave nothing usable (it does not hold the blob, answered wrong, went away). */
  readonly onFailure?: (peer: string, reason: string) => void;
}

/** A source of blobs by hash (sha256 hex), as the dataset download and the checkpoint fetch use one. */
export type BlobSource = (hash: string, options: BlobFetchOptions) => Promise<Uint8Array>;

export interface BlobExchangeHooks {
  /** The peers to ask now (one connection per member). */
  candidates(): PeerSocket[];
  /** A pause that the exchange's close cuts short; `closed` says whether it was. */
  sleep(ms: number): Promise<void>;
  closed(): boolean;
  /** How long one chunk's answer is waited for before the next peer is asked. */
  readonly wantTimeoutMs: number;
  /** The pause before asking every peer again when none gave the blob. */
  readonly retryMs: number;
  /** How long a fetch goes on asking before it gives up: peers connect a few seconds after a member joins. */
  readonly waitMs: number;
  /**
   * The pace of the bytes asked of one peer: below this node's own byte limit per connection (PeerLimits), which
   * would otherwise take an honest holder answering a large blob quickly for a flood and ban it.
   */
  readonly bytesPerSecond: number;
}

type Reply = BlobMessage | NoBlobMessage | null;

const peerName = (peer: PeerSocket) => `peer ${peer.name}`;

/** The blob half of a node's peer exchange: answers want-blob from its shelf, fetches blobs from peers. */
export class BlobExchange {
  /** Outstanding want-blobs: per peer, per "hash/offset", who waits for the answer. */
  private readonly wants = new Map<PeerSocket, Map<string, (reply: Reply) => void>>();

  constructor(
    private readonly shelf: BlobShelf,
    private readonly hooks: BlobExchangeHooks,
  ) {}

  /** Answers a want-blob: the range asked of a blob held, else no-blob. A ConcordError thrown bans the asker. */
  serve(peer: PeerSocket, m: WantBlobMessage): void {
    const hash = bytesToHex(m.blobHash);
    const total = this.shelf.size(hash);
    if (total === null) {
      peer.send({ kind: "no-blob", blobHash: m.blobHash });
      return;
    }
    if (m.offset > total)
      throw new ConcordError(CONCORD_ERROR__PEER__BLOB_OUT_OF_RANGE, { hash, offset: m.offset, total });
    const bytes = this.shelf.read(hash, m.offset, m.length);
    peer.send({ kind: "blob", blobHash: m.blobHash, offset: m.offset, total, bytes });
  }

  /** A blob or no-blob from `peer`: for the want waiting on it; a blob nobody asked for bans the peer. */
  answered(peer: PeerSocket, m: BlobMessage | NoBlobMessage): void {
    const byKey = this.wants.get(peer);
    const hash = bytesToHex(m.blobHash);
    const key = m.kind === "blob" ? `${hash}/${m.offset}` : [...(byKey?.keys() ?? [])].find((k) => k.startsWith(hash));
    const done = key === undefined ? undefined : byKey?.get(key);
    if (done) return done(m);
    if (m.kind === "no-blob") return; // a late answer to a want that timed out: harmless
    throw new ConcordError(CONCORD_ERROR__PEER__UNEXPECTED_MESSAGE, {
      peer: peer.name,
      kind: m.kind,
      reason: "no want-blob asked for it",
    });
  }

  dropped(peer: PeerSocket): void {
    for (const done of this.wants.get(peer)?.values() ?? []) done(null);
    this.wants.delete(peer);
  }

  /**
   * The blob named `hash`, from the first peer that serves bytes of that hash. Peers are asked one at a time, again
   * every retryMs until waitMs has passed; a peer that serves other bytes or a wrong chunk is banned. Throws
   * BLOB_NOT_HELD, naming each peer's failure, when none gave it.
   */
  async fetch(hash: string, options: BlobFetchOptions = {}): Promise<Uint8Array> {
    if (!/^[0-9a-f]{64}$/.test(hash))
      throw new ConcordError(CONCORD_ERROR__PEER__INVALID_BLOB_HASH, { name: JSON.stringify(hash) });
    const maxBytes = Math.min(options.maxBytes ?? MAX_PEER_BLOB_BYTES, MAX_PEER_BLOB_BYTES);
    const failures = new Map<string, string>();
    const deadline = Date.now() + this.hooks.waitMs;
    for (;;) {
      for (const peer of this.hooks.candidates()) {
        const got = await this.fetchFrom(peer, hash, maxBytes, options);
        if (got instanceof Uint8Array) return got;
        if (failures.get(peerName(peer)) !== got) options.onFailure?.(peerName(peer), got);
        failures.set(peerName(peer), got);
      }
      if (this.hooks.closed() || Date.now() >= deadline) break;
      await this.hooks.sleep(this.hooks.retryMs);
    }
    const list = [...failures].map(([peer, reason]) => `${peer}: ${reason}`);
    throw new ConcordError(CONCORD_ERROR__PEER__BLOB_NOT_HELD, {
      hash,
      failures: list.join("; ") || `no peer connected within ${this.hooks.waitMs} ms`,
    });
  }

  /** The blob's bytes from one peer (checked), or why it gave none; a peer that answered wrong is banned. */
  private async fetchFrom(
    peer: PeerSocket,
    hash: string,
    maxBytes: number,
    options: BlobFetchOptions,
  ): Promise<Uint8Array | string> {
    const blobHash = hexToBytes(hash);
    const parts: Uint8Array[] = [];
    let offset = 0;
    let total: number | undefined;
    const wrong = (reason: string) => {
      const e = new ConcordError(CONCORD_ERROR__PEER__BLOB_ANSWER_MISMATCH, { hash, peer: peer.name, reason });
      peer.fail(e);
      return `refused, and banned: ${reason}`;
    };
    let next = Date.now();
    while (total === undefined || offset < total) {
      const length = Math.min(MAX_BLOB_CHUNK_BYTES, (total ?? maxBytes) - offset) || 1;
      if (next > Date.now()) await this.hooks.sleep(next - Date.now());
      if (this.hooks.closed()) return "the exchange closed";
      next = Math.max(next, Date.now()) + (length * 1000) / this.hooks.bytesPerSecond;
      const reply = await this.want(peer, blobHash, offset, length);
      if (!reply) return "no answer (gone, or timed out)";
      if (reply.kind === "no-blob") return offset === 0 ? "does not hold it" : `stopped holding it at byte ${offset}`;
      if (total !== undefined && reply.total !== total)
        return wrong(`its size changed from ${total} to ${reply.total}`);
      if (reply.total > maxBytes) return wrong(`${reply.total} bytes, over the ${maxBytes} expected at most`);
      if (reply.bytes.length > length) return wrong(`${reply.bytes.length} bytes for ${length} asked`);
      if (reply.bytes.length === 0 && offset < reply.total) return wrong(`no bytes at offset ${offset}`);
      total = reply.total;
      parts.push(reply.bytes);
      offset += reply.bytes.length;
      options.onProgress?.(offset, total);
    }
    const bytes = Buffer.concat(parts);
    const actual = bytesToHex(sha256(bytes));
    return actual === hash ? bytes : wrong(`bytes of another blob (sha256 ${actual})`);
  }

  /** Sends a want-blob and waits for its answer, the peer's close or the timeout (the last two: null). */
  private want(peer: PeerSocket, blobHash: Uint8Array, offset: number, length: number): Promise<Reply> {
    return new Promise((resolve) => {
      const key = `${bytesToHex(blobHash)}/${offset}`;
      const byKey = this.wants.get(peer) ?? new Map<string, (reply: Reply) => void>();
      this.wants.set(peer, byKey);
      const done = (reply: Reply) => {
        clearTimeout(timer);
        byKey.delete(key);
        if (byKey.size === 0 && this.wants.get(peer) === byKey) this.wants.delete(peer);
        resolve(reply);
      };
      const timer = setTimeout(() => done(null), this.hooks.wantTimeoutMs);
      byKey.set(key, done);
      if (!peer.send({ kind: "want-blob", blobHash, offset, length })) done(null);
    });
  }
}
