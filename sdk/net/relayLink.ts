// A member's registration at one relay (coordinator/relay), for a member that accepts no inbound connections. It keeps
// an outbound control connection to the relay, registered with a message signed over the run, the member, the relay
// and the time, and dials it again with the PeerDialer's backoff after every close: a relay holds nothing it cannot
// lose, so one that restarts simply sees its members register again. For each session the relay opens (a peer dialing
// the member there), it dials the session's accept URL and hands the connection on, to be treated like an inbound one.
import { randomBytes } from "node:crypto";
import type { Keypair, PublicKey } from "@solana/web3.js";
import { WebSocket } from "ws";
import { ConcordError, isConcordError } from "../errors/concordError";
import { CONCORD_ERROR__PEER__UNEXPECTED_MESSAGE } from "../errors/codes";
import {
  MAX_MESSAGE_BYTES,
  MAX_RELAY_MESSAGE_BYTES,
  decodeRelayMessage,
  encodeRelayMessage,
} from "../peer/peerMessages";
import { signRegister } from "../peer/peerSignatures";
import type { BanList } from "./banList";
import type { Backoff } from "./peerDialer";
import { DEFAULT_BACKOFF, backoffDelay } from "./peerDialer";
import { closeCode, closeReason } from "./peerSocket";
import { relayAcceptUrl, relayControlUrl } from "./relayUrls";

export interface RelayLinkOptions {
  readonly run: PublicKey;
  readonly keypair: Keypair;
  /** Sessions are not accepted while the relay's origin is banned (a violation seen on one of its connections). */
  readonly bans: BanList;
  readonly backoff?: Backoff;
  readonly random?: () => number;
  readonly now?: () => number;
  /** A peer's connection through the relay, still opening; `origin` names the relay (its ban key). */
  readonly onAccept: (ws: WebSocket, origin: string) => void;
  /** A control connection that answers no ping within this is dropped and dialed again (default 15 s). */
  readonly heartbeatMs?: number;
  readonly log?: (line: string) => void;
}

export class RelayLink {
  /** The ban key of every connection accepted through this relay. */
  readonly origin: string;
  private control: WebSocket | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Closes since the relay last acknowledged a registration. */
  private failures = 0;
  private stopped = false;

  /** `endpoint`: the relay's ws://HOST:PORT/relay (relayUrls.parseRelayEndpoint). */
  constructor(
    readonly endpoint: string,
    private readonly options: RelayLinkOptions,
  ) {
    this.origin = `relay:${endpoint}`;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.control?.terminate();
  }

  private connect(): void {
    this.timer = null;
    if (this.stopped) return;
    const { run, keypair, now = Date.now } = this.options;
    const ws = new WebSocket(relayControlUrl(this.endpoint), { maxPayload: MAX_RELAY_MESSAGE_BYTES });
    this.control = ws;
    ws.binaryType = "nodebuffer";
    ws.on("open", () => {
      answered = true;
      const fields = { run, member: keypair.publicKey, relay: this.endpoint, timestamp: now(), nonce: randomBytes(32) };
      ws.send(encodeRelayMessage(signRegister(fields, keypair.secretKey)));
    });
    ws.on("message", (data) => this.receive(ws, data as Buffer));
    ws.on("error", (e) => this.log(`relay ${this.endpoint}: ${e.message}`));
    // A relay host that vanishes without closing (power, partition) would leave the member registered nowhere; a
    // connect that hangs past one beat is dropped too
    let answered = true;
    ws.on("pong", () => (answered = true));
    const heartbeat = setInterval(() => {
      if (!answered) return ws.terminate();
      answered = false;
      if (ws.readyState === ws.OPEN) ws.ping();
    }, this.options.heartbeatMs ?? 15_000);
    heartbeat.unref();
    ws.once("close", (code, reason) => {
      clearInterval(heartbeat);
      this.control = null;
      if (this.stopped) return;
      const ms = backoffDelay(
        this.options.backoff ?? DEFAULT_BACKOFF,
        this.failures++,
        this.options.random ?? Math.random,
      );
      this.log(`relay ${this.endpoint} closed (${code} ${reason.toString()}); registering again in ${ms} ms`);
      this.timer = setTimeout(() => this.connect(), ms);
      this.timer.unref();
    });
  }

  private receive(ws: WebSocket, data: Buffer): void {
    try {
      const m = decodeRelayMessage(data);
      if (m.kind === "registered") {
        this.failures = 0;
      } else if (m.kind === "open") {
        if (this.options.bans.isBanned(this.origin)) return; // the relay's session times out
        const accept = new WebSocket(relayAcceptUrl(this.endpoint, m.session), { maxPayload: MAX_MESSAGE_BYTES });
        this.options.onAccept(accept, this.origin);
      } else
        throw new ConcordError(CONCORD_ERROR__PEER__UNEXPECTED_MESSAGE, {
          peer: this.origin,
          kind: m.kind,
          reason: "a relay sends only registered and open",
        });
    } catch (e) {
      if (!isConcordError(e)) throw e;
      this.log(`relay ${this.endpoint}: ${e.message}`);
      ws.close(closeCode(e), closeReason(e.message));
    }
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}
