// A trainer node's side of the update exchange (DESIGN.md, "One round", step 3). Members announce, signed, the
// update they committed on-chain; a node checks the announce against the chain (member, run, live step, and hash and
// size equal to the on-chain receipt), pulls the bytes by hash, checks that they hash to the receipt, lets the node
// validate them, and only then stores, serves and reports them. A peer that sends what it should not (a forged or
// stale announce, bytes that do not match the receipt, an update nobody asked for) is banned; nothing it sent stays,
// and every other peer's updates go on. Nothing that is not verified against the on-chain receipt is stored, served
// or reported. Blobs of the run's public data (dataset files, checkpoints) travel the same connections (peerBlobs.ts).
import type { Keypair, PublicKey } from "@solana/web3.js";
import { updateHash } from "../../sdk/codec/updateCodec";
import { ConcordError, isConcordError } from "../../sdk/errors/concordError";
import {
  CONCORD_ERROR__PEER__EXCHANGE_CLOSED,
  CONCORD_ERROR__PEER__FETCH_ABORTED,
  CONCORD_ERROR__PEER__NO_ENDPOINT,
  CONCORD_ERROR__PEER__NOT_A_MEMBER,
  CONCORD_ERROR__PEER__RECEIPT_MISMATCH,
  CONCORD_ERROR__PEER__RECEIPT_NOT_FOUND,
  CONCORD_ERROR__PEER__RUN_MISMATCH,
  CONCORD_ERROR__PEER__STALE,
  CONCORD_ERROR__PEER__UNEXPECTED_MESSAGE,
} from "../../sdk/errors/codes";
import { BanList } from "../../sdk/net/banList";
import type { Backoff } from "../../sdk/net/peerDialer";
import { DEFAULT_BACKOFF, PeerDialer } from "../../sdk/net/peerDialer";
import { PeerServer } from "../../sdk/net/peerServer";
import type { PeerCounters, PeerLimits, PeerPayload, PeerSocketOptions } from "../../sdk/net/peerSocket";
import { DEFAULT_PEER_LIMITS, PeerSocket } from "../../sdk/net/peerSocket";
import { RelayLink } from "../../sdk/net/relayLink";
import { isRelayDialUrl, parseRelayEndpoint } from "../../sdk/net/relayUrls";
import type { AnnounceMessage, UpdateMessage } from "../../sdk/peer/peerMessages";
import { requireValidSignature, signAnnounce } from "../../sdk/peer/peerSignatures";
import type { BlobFetchOptions } from "./peerBlobs";
import { BlobExchange, BlobShelf } from "./peerBlobs";
import type { StoredUpdate, UpdateStore } from "./updateStore";

export type { StoredUpdate } from "./updateStore";

export interface ReceiptView {
  hash: Uint8Array;
  size: number;
  loss: number;
  epoch: number;
}

export interface ExchangeChain {
  /** The on-chain receipt of `member` at `step`, or null when none is recorded (yet). May query the chain. */
  receipt(member: PublicKey, step: number): Promise<ReceiptView | null>;
  /** Whether `member` is in the run's on-chain member table. */
  isMember(member: PublicKey): boolean;
  /** Announces and updates for steps below this are stale (replays): refused, and the sender is banned. */
  oldestLiveStep(): number;
}

export interface ExchangeLimits {
  /** Pauses between re-reads of a receipt the chain does not show yet: the announcer's commit may be ahead of our view. */
  readonly receiptRetryMs: readonly number[];
  /** How long a want waits for its update or missing before the next peer is asked. */
  readonly wantTimeoutMs: number;
  /** The pause before asking every peer again when none had the update. */
  readonly fetchRetryMs: number;
  /** How long a blob fetch keeps asking peers (they connect a few seconds after a member joins) before giving up. */
  readonly blobWaitMs: number;
  readonly peer: PeerLimits;
  readonly backoff: Backoff;
}

// Four re-reads over ~4 s cover a commit a slot or two ahead of our view; a full update at a few MiB/s fits in 15 s.
export const DEFAULT_EXCHANGE_LIMITS: ExchangeLimits = {
  receiptRetryMs: [250, 500, 1_000, 2_000],
  wantTimeoutMs: 15_000,
  fetchRetryMs: 1_000,
  blobWaitMs: 60_000,
  peer: DEFAULT_PEER_LIMITS,
  backoff: DEFAULT_BACKOFF,
};

export interface ExchangeOptions {
  run: PublicKey;
  /** The member's Solana keypair: signs hello and announces. */
  keypair: Keypair;
  /** Listen address (port 0: any free port); omitted, the node accepts peers only through its relays. */
  listen?: { host: string; port: number };
  /** Relay endpoints (ws://HOST:PORT/relay) this member registers with; the first is the one it advertises. */
  relays?: readonly string[];
  store: UpdateStore;
  /** The verified blobs (dataset files, checkpoints) this node serves to peers that ask for them by hash. */
  blobs?: BlobShelf;
  chain: ExchangeChain;
  /** Checks beyond the hash (the node decodes with the run's update layout and checks the receipt metadata); throws on bad input. */
  validate(update: StoredUpdate, receipt: ReceiptView): void;
  log?: (line: string) => void;
  limits?: Partial<ExchangeLimits>;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

type Reply = UpdateMessage | null;

export class UpdateExchange {
  private readonly limits: ExchangeLimits;
  private readonly bans = new BanList();
  private readonly counters: PeerCounters = { bytesSent: 0, bytesReceived: 0, peersBanned: 0 };
  private rejected = 0;
  private closed = false;
  private server: PeerServer | null = null;
  private readonly relays: RelayLink[] = [];
  private readonly socketOptions: PeerSocketOptions;
  private readonly peers = new Set<PeerSocket>();
  private readonly dialers = new Map<string, PeerDialer>();
  /** This member's live announces by step, sent to every peer that connects. */
  private readonly announces = new Map<number, AnnounceMessage>();
  /** Outstanding wants: per peer, per hash hex, who waits for the reply. */
  private readonly wants = new Map<PeerSocket, Map<string, Set<(reply: Reply) => void>>>();
  /** One pull per (step, member, hash) however many announces and fetches ask for it. */
  private readonly pulls = new Map<string, Promise<StoredUpdate>>();
  /** Updates whose bytes match their receipt but that the node's validate refused: never pulled again. */
  private readonly invalid = new Map<string, unknown>();
  private readonly listeners = new Set<(update: StoredUpdate) => void>();
  private readonly wakers = new Set<() => void>();
  private readonly blobs: BlobExchange;

  private constructor(private readonly options: ExchangeOptions) {
    this.limits = { ...DEFAULT_EXCHANGE_LIMITS, ...options.limits };
    this.blobs = new BlobExchange(options.blobs ?? new BlobShelf(options.log), {
      candidates: () => this.candidates(),
      sleep: (ms) => this.sleep(ms),
      closed: () => this.closed,
      wantTimeoutMs: this.limits.wantTimeoutMs,
      retryMs: this.limits.fetchRetryMs,
      waitMs: this.limits.blobWaitMs,
      // half the limit: updates share the connection
      bytesPerSecond: this.limits.peer.bytesPerSecond / 2,
    });
    this.socketOptions = {
      run: options.run,
      keypair: options.keypair,
      bans: this.bans,
      limits: this.limits.peer,
      counters: this.counters,
      admit: (member) => {
        if (!options.chain.isMember(member)) throw this.notAMember(member);
      },
      onReady: (peer) => this.ready(peer),
      onMessage: (peer, m) => this.receive(peer, m),
      onClose: (peer) => this.dropped(peer),
      log: options.log,
    };
  }

  static async start(options: ExchangeOptions): Promise<UpdateExchange> {
    const relays = (options.relays ?? []).map(parseRelayEndpoint);
    if (!options.listen && relays.length === 0) throw new ConcordError(CONCORD_ERROR__PEER__NO_ENDPOINT);
    const exchange = new UpdateExchange(options);
    if (options.listen)
      exchange.server = await PeerServer.start(options.listen.host, options.listen.port, exchange.socketOptions);
    // A connection through a relay is accepted like an inbound one, but ban decisions know a relay carried it
    for (const endpoint of relays)
      exchange.relays.push(
        new RelayLink(endpoint, {
          ...exchange.socketOptions,
          backoff: exchange.limits.backoff,
          onAccept: (ws, origin) => new PeerSocket(ws, origin, { ...exchange.socketOptions, relayed: true }),
        }),
      );
    return exchange;
  }

  /** What peers dial: the first relay's endpoint when the node has relays, else ws://host:port as bound. */
  get url(): string {
    return this.relays[0]?.endpoint ?? this.server!.url;
  }

  /** Totals since start, and `peers`: the members connected now. */
  get stats(): { bytesSent: number; bytesReceived: number; peersBanned: number; rejected: number; peers: number } {
    return { ...this.counters, rejected: this.rejected, peers: this.candidates().length };
  }

  /** The other members' ws URLs (relayUrls.peerDialUrl of their endpoints): keeps a connection to each (reconnecting with backoff), drops the rest. */
  setPeers(urls: string[]): void {
    const wanted = new Set(urls.filter((url) => url !== this.url));
    for (const [url, dialer] of this.dialers)
      if (!wanted.has(url)) {
        dialer.stop();
        this.dialers.delete(url);
      }
    if (this.closed) return;
    for (const url of wanted)
      if (!this.dialers.has(url))
        this.dialers.set(
          url,
          new PeerDialer(url, { ...this.socketOptions, relayed: isRelayDialUrl(url), backoff: this.limits.backoff }),
        );
  }

  /** Stores this member's own update for `step` and announces it to every peer, now and as they connect while live. */
  async publish(step: number, bytes: Uint8Array, metadata: Uint8Array): Promise<void> {
    this.throwIfClosed();
    const { run, keypair, store } = this.options;
    const hash = updateHash(bytes);
    store.put({ member: keypair.publicKey, step, hash, bytes, metadata });
    const announce = signAnnounce(
      { run, step, member: keypair.publicKey, updateHash: hash, size: bytes.length },
      keypair.secretKey,
    );
    const oldest = this.options.chain.oldestLiveStep();
    for (const s of this.announces.keys()) if (s < oldest) this.announces.delete(s);
    for (const key of this.invalid.keys()) if (Number(key.split("/")[0]) < oldest) this.invalid.delete(key);
    this.announces.set(step, announce);
    for (const peer of this.peers) peer.send(announce);
  }

  /** Resolves once `member`'s update for `step` with this hash is verified and stored, pulled from any peer that has it. */
  fetch(member: PublicKey, step: number, hash: Uint8Array, signal?: AbortSignal): Promise<StoredUpdate> {
    if (this.closed) return Promise.reject(this.closedError());
    const held = this.options.store.get(member, step);
    if (held && sameBytes(held.hash, hash)) return Promise.resolve(held);
    return abortable(this.pull(member, step, hash), { member: member.toBase58(), step }, signal);
  }

  /**
   * A past round's update, for a node catching up: like fetch(), against a receipt the caller read from the chain's
   * record (the node no longer follows that round), however old the step.
   */
  fetchRecorded(member: PublicKey, step: number, receipt: ReceiptView, signal?: AbortSignal): Promise<StoredUpdate> {
    const held = this.options.store.get(member, step);
    if (held && sameBytes(held.hash, receipt.hash)) return Promise.resolve(held);
    return abortable(
      this.pull(member, step, receipt.hash, undefined, receipt),
      { member: member.toBase58(), step },
      signal,
    );
  }

  /** A blob by sha256 hex from the peers (BlobExchange.fetch): for a dataset or checkpoint no data server gave. */
  fetchBlob(hash: string, options?: BlobFetchOptions): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(this.closedError());
    return this.blobs.fetch(hash, options);
  }

  /** The verified updates held for `step` (own included), keyed by member base58. */
  verified(step: number): Map<string, StoredUpdate> {
    return new Map(this.options.store.step(step).map((u) => [u.member.toBase58(), u]));
  }

  /** Called after each newly verified update from a peer. */
  onVerified(listener: (update: StoredUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.setPeers([]);
    for (const wake of this.wakers) wake();
    for (const relay of this.relays) relay.stop();
    await this.server?.close();
  }

  private ready(peer: PeerSocket): void {
    if (this.closed) return peer.close();
    this.peers.add(peer);
    const oldest = this.options.chain.oldestLiveStep();
    for (const [step, announce] of this.announces) if (step >= oldest) peer.send(announce);
  }

  private dropped(peer: PeerSocket): void {
    this.peers.delete(peer);
    for (const waiters of this.wants.get(peer)?.values() ?? []) for (const done of waiters) done(null);
    this.wants.delete(peer);
    this.blobs.dropped(peer);
  }

  /** A ConcordError thrown here bans the peer (PeerSocket does it). */
  private receive(peer: PeerSocket, m: PeerPayload): void {
    try {
      switch (m.kind) {
        case "announce":
          return this.announced(peer, m);
        case "want":
          return this.serve(peer, m.updateHash);
        case "update":
        case "missing":
          return this.answered(peer, m.kind, m.updateHash, m.kind === "update" ? m : null);
        case "want-blob":
          return this.blobs.serve(peer, m);
        case "blob":
        case "no-blob":
          return this.blobs.answered(peer, m);
      }
    } catch (e) {
      this.rejected++;
      throw e;
    }
  }

  private announced(peer: PeerSocket, a: AnnounceMessage): void {
    requireValidSignature(a);
    const { run, chain, store, keypair } = this.options;
    if (!a.run.equals(run))
      throw new ConcordError(CONCORD_ERROR__PEER__RUN_MISMATCH, {
        kind: "announce",
        got: a.run.toBase58(),
        expected: run.toBase58(),
      });
    if (!chain.isMember(a.member)) throw this.notAMember(a.member);
    const oldest = chain.oldestLiveStep();
    if (a.step < oldest) throw new ConcordError(CONCORD_ERROR__PEER__STALE, { kind: "announce", step: a.step, oldest });
    if (a.member.equals(keypair.publicKey) || store.has(a.member, a.step)) return;
    void this.pullAnnounced(peer, a);
  }

  private async pullAnnounced(peer: PeerSocket, a: AnnounceMessage): Promise<void> {
    try {
      if (await this.checkAnnounce(peer, a)) await this.pull(a.member, a.step, a.updateHash, peer);
    } catch (e) {
      this.log(`update of ${a.member.toBase58()} at step ${a.step} announced by ${peer.name}: ${String(e)}`);
    }
  }

  /** Whether the announce matches the on-chain receipt; a mismatch bans the announcer, a missing receipt is dropped. */
  private async checkAnnounce(peer: PeerSocket, a: AnnounceMessage): Promise<boolean> {
    const receipt = await this.receiptOf(a.member, a.step);
    const member = a.member.toBase58();
    if (!receipt) {
      this.rejected++;
      this.log(`announce of ${member} at step ${a.step} dropped: no on-chain receipt after retries`);
      return false;
    }
    if (sameBytes(receipt.hash, a.updateHash) && receipt.size === a.size) return true;
    this.rejected++;
    peer.fail(
      new ConcordError(CONCORD_ERROR__PEER__RECEIPT_MISMATCH, {
        member,
        step: a.step,
        reason: `announced ${hex(a.updateHash)} (${a.size} bytes), receipt ${hex(receipt.hash)} (${receipt.size} bytes)`,
      }),
    );
    return false;
  }

  /** The receipt, re-read a few times while the chain does not show it yet. */
  private async receiptOf(member: PublicKey, step: number): Promise<ReceiptView | null> {
    for (const pause of [0, ...this.limits.receiptRetryMs]) {
      if (pause > 0) await this.sleep(pause);
      if (this.closed) return null;
      const receipt = await this.options.chain.receipt(member, step);
      if (receipt) return receipt;
    }
    return null;
  }

  private pull(
    member: PublicKey,
    step: number,
    hash: Uint8Array,
    first?: PeerSocket,
    recorded?: ReceiptView,
  ): Promise<StoredUpdate> {
    const key = `${step}/${member.toBase58()}/${hex(hash)}`;
    let pull = this.pulls.get(key);
    if (!pull) {
      pull = this.pullOnce(key, member, step, hash, first, recorded).finally(() => this.pulls.delete(key));
      this.pulls.set(key, pull);
    }
    return pull;
  }

  /** Asks peer after peer (the announcer first) until one serves bytes that verify, the step goes stale or we close. */
  private async pullOnce(
    key: string,
    member: PublicKey,
    step: number,
    hash: Uint8Array,
    first?: PeerSocket,
    recorded?: ReceiptView,
  ): Promise<StoredUpdate> {
    if (this.invalid.has(key)) throw this.invalid.get(key);
    const who = { member: member.toBase58(), step };
    const receipt = recorded ?? (await this.receiptOf(member, step));
    if (!receipt) throw new ConcordError(CONCORD_ERROR__PEER__RECEIPT_NOT_FOUND, who);
    if (!sameBytes(receipt.hash, hash))
      throw new ConcordError(CONCORD_ERROR__PEER__RECEIPT_MISMATCH, { ...who, reason: "not the receipt's hash" });
    for (;;) {
      this.throwIfClosed();
      const oldest = this.options.chain.oldestLiveStep();
      if (!recorded && step < oldest)
        throw new ConcordError(CONCORD_ERROR__PEER__STALE, { kind: "update", step, oldest });
      for (const peer of this.candidates(first)) {
        const reply = await this.want(peer, hash);
        if (!reply) continue;
        const update = { member, step, hash, bytes: reply.bytes, metadata: reply.metadata };
        if (!sameBytes(updateHash(reply.bytes), hash)) {
          this.rejected++;
          peer.fail(
            new ConcordError(CONCORD_ERROR__PEER__RECEIPT_MISMATCH, { ...who, reason: "bytes of another hash" }),
          );
          continue;
        }
        this.check(key, update, receipt);
        this.options.store.put(update);
        for (const listener of this.listeners) listener(update);
        return update;
      }
      await this.sleep(this.limits.fetchRetryMs);
    }
  }

  /** The node's checks on bytes that match the receipt: a refusal is the committer's fault, not the sender's. */
  private check(key: string, update: StoredUpdate, receipt: ReceiptView): void {
    try {
      if (update.bytes.length !== receipt.size)
        throw new ConcordError(CONCORD_ERROR__PEER__RECEIPT_MISMATCH, {
          member: update.member.toBase58(),
          step: update.step,
          reason: `${update.bytes.length} bytes, the receipt says ${receipt.size}`,
        });
      this.options.validate(update, receipt);
    } catch (e) {
      this.rejected++;
      this.invalid.set(key, e);
      throw e;
    }
  }

  /** Ready peers, one connection per member, `first` (the announcer) ahead of the rest. */
  private candidates(first?: PeerSocket): PeerSocket[] {
    const byMember = new Map<string, PeerSocket>();
    for (const peer of [...(first?.isReady ? [first] : []), ...this.peers])
      if (peer.member && !byMember.has(peer.member.toBase58())) byMember.set(peer.member.toBase58(), peer);
    return [...byMember.values()];
  }

  /** Sends a want and waits for the update, a missing, the peer's close or the timeout (the last three: null). */
  private want(peer: PeerSocket, hash: Uint8Array): Promise<Reply> {
    return new Promise((resolve) => {
      const key = hex(hash);
      const byHash = this.wants.get(peer) ?? new Map<string, Set<(reply: Reply) => void>>();
      this.wants.set(peer, byHash);
      const waiters = byHash.get(key) ?? new Set();
      byHash.set(key, waiters);
      const done = (reply: Reply) => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0) byHash.delete(key);
        resolve(reply);
      };
      const timer = setTimeout(() => done(null), this.limits.wantTimeoutMs);
      waiters.add(done);
      if (!peer.send({ kind: "want", updateHash: hash })) done(null);
    });
  }

  private answered(peer: PeerSocket, kind: string, hash: Uint8Array, reply: Reply): void {
    const waiters = this.wants.get(peer)?.get(hex(hash));
    if (!waiters) {
      if (kind === "missing") return; // a late answer to a want that timed out: harmless
      throw new ConcordError(CONCORD_ERROR__PEER__UNEXPECTED_MESSAGE, {
        peer: peer.name,
        kind,
        reason: "no want asked for it",
      });
    }
    for (const done of [...waiters]) done(reply);
  }

  /** Answers a want with any update held (own or verified), else missing. */
  private serve(peer: PeerSocket, hash: Uint8Array): void {
    let held: StoredUpdate | null = null;
    try {
      held = this.options.store.getByHash(hash);
    } catch (e) {
      if (!isConcordError(e)) throw e;
      this.log(`not serving ${hex(hash)}: ${e.message}`);
    }
    peer.send(
      held
        ? { kind: "update", updateHash: hash, bytes: held.bytes, metadata: held.metadata }
        : { kind: "missing", updateHash: hash },
    );
  }

  /** A pause that close() cuts short. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  private notAMember(member: PublicKey): ConcordError {
    return new ConcordError(CONCORD_ERROR__PEER__NOT_A_MEMBER, {
      member: member.toBase58(),
      run: this.options.run.toBase58(),
    });
  }

  private throwIfClosed(): void {
    if (this.closed) throw this.closedError();
  }

  private closedError(): ConcordError {
    return new ConcordError(CONCORD_ERROR__PEER__EXCHANGE_CLOSED);
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}

/** `promise`, or FETCH_ABORTED for `who` as soon as `signal` aborts. */
function abortable<T>(promise: Promise<T>, who: { member: string; step: number }, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    const abort = () =>
      reject(new ConcordError(CONCORD_ERROR__PEER__FETCH_ABORTED, { ...who, reason: String(signal.reason) }));
    if (signal.aborted) return abort();
    signal.addEventListener("abort", abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}
