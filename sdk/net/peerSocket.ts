// One connection to a peer over a `ws` WebSocket, accepted or dialed. Each binary ws message is one peer message,
// charged to the connection's rate limits and then decoded and validated (decodePeerMessage) before anyone sees it.
// The first message each way is a hello signed for this run; nothing else is accepted before a valid one. A violation
// closes the connection with the error's code and bans the offender: by member key once its hello proved the key,
// else by origin (remote address or dialed URL). An origin ban only refuses new connections, so a client misbehaving
// before hello never costs an authenticated peer behind the same address its connection.
import { randomBytes } from "node:crypto";
import type { Keypair, PublicKey } from "@solana/web3.js";
import type { RawData, WebSocket } from "ws";
import { ConcordError, isConcordError } from "../errors/concordError";
import {
  CONCORD_ERROR__PEER__BAD_SIGNATURE,
  CONCORD_ERROR__PEER__BANNED,
  CONCORD_ERROR__PEER__HANDSHAKE_FAILED,
  CONCORD_ERROR__PEER__MALFORMED_MESSAGE,
  CONCORD_ERROR__PEER__MESSAGE_TOO_LARGE,
  CONCORD_ERROR__PEER__RUN_MISMATCH,
  CONCORD_ERROR__PEER__UNEXPECTED_MESSAGE,
} from "../errors/codes";
import type { HelloMessage, PeerMessage } from "../peer/peerMessages";
import { MAX_MESSAGE_BYTES, decodePeerMessage, encodePeerMessage } from "../peer/peerMessages";
import { signHello, verifyHello } from "../peer/peerSignatures";
import type { BanList } from "./banList";
import type { FrameRateLimits } from "./frameRate";
import { FrameRate } from "./frameRate";

export interface PeerLimits extends FrameRateLimits {
  /** A connection that has not said hello by then is closed. */
  readonly helloTimeoutMs: number;
  /** How far a hello's timestamp may be from this node's clock: bounds how long a captured hello can be replayed. */
  readonly helloSkewMs: number;
  readonly memberBanMs: number;
  /** Short: an origin may be shared (NAT, loopback), and this only delays honest peers' new connections there. */
  readonly originBanMs: number;
}

// A step moves a few announces, wants and updates per peer: 100 messages/s is far above honest traffic, and 16 MiB/s
// with a burst of four full updates lets a witness pull several updates from one peer back to back.
export const DEFAULT_PEER_LIMITS: PeerLimits = {
  messagesPerSecond: 100,
  messageBurst: 200,
  bytesPerSecond: 16 * 2 ** 20,
  byteBurst: 4 * MAX_MESSAGE_BYTES,
  helloTimeoutMs: 10_000,
  helloSkewMs: 60_000,
  memberBanMs: 10 * 60_000,
  originBanMs: 60_000,
};

/** Traffic and bans over all of a node's connections, closed ones included. */
export interface PeerCounters {
  bytesSent: number;
  bytesReceived: number;
  peersBanned: number;
}

/** Any message but hello: what a connection hands on once the handshake is done. */
export type PeerPayload = Exclude<PeerMessage, HelloMessage>;

export interface PeerSocketOptions {
  readonly run: PublicKey;
  /** This node's member key: signs its hello. */
  readonly keypair: Keypair;
  readonly bans: BanList;
  readonly limits?: PeerLimits;
  readonly counters?: PeerCounters;
  readonly now?: () => number;
  /** Throws a ConcordError (NOT_A_MEMBER, say) to refuse a peer whose hello is valid; the peer is not banned. */
  readonly admit?: (member: PublicKey) => void;
  /**
   * The bytes pass a relay, which can alter anything the peer did not sign: a violation may be the relay's, so it
   * bans this route to the member (origin and member) for originBanMs instead of the member everywhere.
   */
  readonly relayed?: boolean;
  readonly onReady?: (peer: PeerSocket) => void;
  /** A ConcordError thrown here closes the connection and bans the peer. */
  readonly onMessage?: (peer: PeerSocket, message: PeerPayload) => void;
  readonly onClose?: (peer: PeerSocket) => void;
  readonly log?: (line: string) => void;
}

export const memberBanKey = (member: PublicKey) => `member:${member.toBase58()}`;

/**
 * Websocket close codes an application may send are 4000-4999, so a ConcordError of the peer block (14000-14999)
 * closes with its code less CLOSE_CODE_OFFSET; anything else is a policy violation (1008).
 */
export const CLOSE_CODE_OFFSET = 10_000;
export const closeCode = (e: ConcordError) =>
  e.code >= 14_000 && e.code <= 14_999 ? e.code - CLOSE_CODE_OFFSET : 1008;
/** The ConcordError code a close code carries (4008 → 14008); websocket's own codes as they are. */
export const closeErrorCode = (code: number) => (code >= 4000 && code <= 4999 ? code + CLOSE_CODE_OFFSET : code);
// ws refuses close reasons over 123 bytes; ASCII keeps characters and bytes the same count.
export const closeReason = (text: string) => text.replace(/[^\x20-\x7e]/g, "?").slice(0, 123);

export class PeerSocket {
  /** The peer's member key, once its hello was accepted. */
  member: PublicKey | null = null;
  private closed = false;
  private readonly limits: PeerLimits;
  private readonly counters: PeerCounters;
  private readonly now: () => number;
  private readonly rate: FrameRate;
  private readonly helloTimer: NodeJS.Timeout;

  /** `origin` is the ban key before hello: "address:<ip>" for accepted connections, "url:<url>" for dialed ones. */
  constructor(
    private readonly ws: WebSocket,
    readonly origin: string,
    private readonly options: PeerSocketOptions,
  ) {
    this.limits = options.limits ?? DEFAULT_PEER_LIMITS;
    this.counters = options.counters ?? { bytesSent: 0, bytesReceived: 0, peersBanned: 0 };
    this.now = options.now ?? Date.now;
    this.rate = new FrameRate(this.limits, this.now);
    ws.binaryType = "nodebuffer";
    if (ws.readyState === ws.OPEN) this.sendHello();
    else ws.once("open", () => this.sendHello());
    ws.on("message", (data, isBinary) => this.receive(data, isBinary));
    ws.on("error", (e) => this.wsError(e));
    ws.once("close", () => {
      this.closed = true;
      clearTimeout(this.helloTimer);
      options.onClose?.(this);
    });
    this.helloTimer = setTimeout(
      () => this.refuse(this.handshakeError(`no hello within ${this.limits.helloTimeoutMs} ms`)),
      this.limits.helloTimeoutMs,
    );
    this.helloTimer.unref();
  }

  /** The member once known, else the origin: for logs and errors. */
  get name(): string {
    return this.member?.toBase58() ?? this.origin;
  }

  get isReady(): boolean {
    return this.member !== null && !this.closed;
  }

  /** Sends `m` if the connection is open; false when it is not. */
  send(m: PeerMessage): boolean {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return false;
    const bytes = encodePeerMessage(m);
    this.ws.send(bytes);
    this.counters.bytesSent += bytes.length;
    return true;
  }

  /** Closes with `e`'s code and bans the peer: its member key if known (its route if relayed), else its origin. */
  fail(e: ConcordError): void {
    if (this.closed) return;
    const [key, ms] = !this.member
      ? [this.origin, this.limits.originBanMs]
      : this.options.relayed
        ? [this.routeBanKey(this.member), this.limits.originBanMs]
        : [memberBanKey(this.member), this.limits.memberBanMs];
    this.options.bans.ban(key, ms);
    this.counters.peersBanned++;
    this.options.log?.(`banned ${key} for ${ms} ms: ${e.message}`);
    this.close(closeCode(e), e.message);
  }

  /** Closes with `e`'s code, without a ban: for mistakes rather than attacks. */
  refuse(e: ConcordError): void {
    if (this.closed) return;
    this.options.log?.(`closing ${this.name}: ${e.message}`);
    this.close(closeCode(e), e.message);
  }

  close(code = 1000, reason = ""): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.helloTimer);
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(code, closeReason(reason));
    else if (this.ws.readyState === this.ws.CONNECTING) this.ws.terminate();
  }

  private sendHello(): void {
    const { run, keypair } = this.options;
    const fields = { run, member: keypair.publicKey, timestamp: this.now(), nonce: randomBytes(32) };
    this.send(signHello(fields, keypair.secretKey));
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (this.closed) return; // frames ws had parsed before our close
    try {
      const frame = data as Buffer; // binaryType "nodebuffer"
      this.counters.bytesReceived += frame.length;
      this.rate.charge(this.name, frame.length);
      if (!isBinary)
        throw new ConcordError(CONCORD_ERROR__PEER__MALFORMED_MESSAGE, { reason: "a text frame (peers send binary)" });
      const m = decodePeerMessage(frame);
      if (m.kind === "hello") return this.hello(m);
      if (!this.member) throw this.handshakeError(`the first message must be hello, got ${m.kind}`);
      // A member banned on another of its connections loses this one at its next message.
      if (this.refusedIfBanned(this.member)) return;
      this.options.onMessage?.(this, m);
    } catch (e) {
      if (isConcordError(e)) return this.fail(e);
      // A bug in a handler must not let a peer crash the node: drop the connection, keep serving.
      this.options.log?.(`internal error on ${this.name}: ${String(e)}`);
      this.close(1011, "internal error");
    }
  }

  private hello(m: HelloMessage): void {
    if (this.member)
      throw new ConcordError(CONCORD_ERROR__PEER__UNEXPECTED_MESSAGE, {
        peer: this.name,
        kind: "hello",
        reason: "the handshake is done",
      });
    if (!verifyHello(m))
      throw new ConcordError(CONCORD_ERROR__PEER__BAD_SIGNATURE, { kind: "hello", member: m.member.toBase58() });
    // The key is proven from here: a wrong run, a skewed clock or a chain view that lags are refused, not banned.
    const { run, keypair } = this.options;
    if (!m.run.equals(run))
      return this.refuse(
        new ConcordError(CONCORD_ERROR__PEER__RUN_MISMATCH, {
          kind: "hello",
          got: m.run.toBase58(),
          expected: run.toBase58(),
        }),
      );
    const skew = m.timestamp - this.now();
    if (Math.abs(skew) > this.limits.helloSkewMs)
      return this.refuse(this.handshakeError(`its hello is ${skew} ms off this node's clock`));
    if (m.member.equals(keypair.publicKey)) return this.refuse(this.handshakeError("it is this node itself"));
    if (this.refusedIfBanned(m.member)) return;
    try {
      this.options.admit?.(m.member);
    } catch (e) {
      if (isConcordError(e)) return this.refuse(e);
      throw e;
    }
    this.member = m.member;
    clearTimeout(this.helloTimer);
    this.options.onReady?.(this);
  }

  private routeBanKey(member: PublicKey): string {
    return `${this.origin} ${memberBanKey(member)}`;
  }

  private refusedIfBanned(member: PublicKey): boolean {
    const { bans, relayed } = this.options;
    const remainingMs = Math.max(
      bans.remainingMs(memberBanKey(member)),
      relayed ? bans.remainingMs(this.routeBanKey(member)) : 0,
    );
    if (remainingMs > 0)
      this.refuse(new ConcordError(CONCORD_ERROR__PEER__BANNED, { peer: member.toBase58(), remainingMs }));
    return remainingMs > 0;
  }

  private wsError(e: Error & { code?: string }): void {
    // ws has already closed the connection for these (1009 for size, 1002 for a protocol error); we ban.
    if (e.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH")
      this.fail(new ConcordError(CONCORD_ERROR__PEER__MESSAGE_TOO_LARGE, { size: "more", limit: MAX_MESSAGE_BYTES }));
    else if (e.code?.startsWith("WS_ERR_"))
      this.fail(new ConcordError(CONCORD_ERROR__PEER__MALFORMED_MESSAGE, { reason: e.message }));
    else this.options.log?.(`${this.name}: ${e.message}`);
  }

  private handshakeError(reason: string): ConcordError {
    return new ConcordError(CONCORD_ERROR__PEER__HANDSHAKE_FAILED, { peer: this.name, reason });
  }
}
