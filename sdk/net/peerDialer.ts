// Keeps one outbound connection to a peer's ws URL: dials, and after every close dials again with exponential backoff
// and jitter (so the peers of a server that restarts do not all return in the same instant), until stopped. A URL
// banned for misbehaving before hello is not dialed again until its ban ends.
import { WebSocket } from "ws";
import { MAX_MESSAGE_BYTES } from "../peer/peerMessages";
import type { PeerSocketOptions } from "./peerSocket";
import { PeerSocket } from "./peerSocket";

export interface Backoff {
  /** The delay ceiling after the first failure; it doubles per failure up to maxMs. */
  readonly initialMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 250, maxMs: 30_000 };

/** The pause after `failures` closes in a row. Equal jitter: half the ceiling fixed, half random. */
export function backoffDelay(backoff: Backoff, failures: number, random: () => number): number {
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** failures);
  return Math.round(ceiling * (0.5 + 0.5 * random()));
}

export interface PeerDialerOptions extends PeerSocketOptions {
  readonly backoff?: Backoff;
  readonly random?: () => number;
}

export class PeerDialer {
  private socket: PeerSocket | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Closes since the last accepted hello. */
  private failures = 0;
  private stopped = false;

  constructor(
    readonly url: string,
    private readonly options: PeerDialerOptions,
  ) {
    this.dial();
  }

  /** The connection, once the peer's hello is accepted. */
  get peer(): PeerSocket | null {
    return this.socket?.isReady ? this.socket : null;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.close();
  }

  private dial(): void {
    this.timer = null;
    if (this.stopped) return;
    const origin = `url:${this.url}`;
    const bannedMs = this.options.bans.remainingMs(origin);
    if (bannedMs > 0) return this.retryIn(bannedMs);
    const ws = new WebSocket(this.url, { maxPayload: MAX_MESSAGE_BYTES });
    this.socket = new PeerSocket(ws, origin, {
      ...this.options,
      onReady: (peer) => {
        this.failures = 0;
        this.options.onReady?.(peer);
      },
      onClose: (peer) => {
        this.socket = null;
        this.options.onClose?.(peer);
        this.retryIn(this.nextDelay());
      },
    });
  }

  private nextDelay(): number {
    return backoffDelay(this.options.backoff ?? DEFAULT_BACKOFF, this.failures++, this.options.random ?? Math.random);
  }

  private retryIn(ms: number): void {
    if (this.stopped) return;
    this.options.log?.(`dialing ${this.url} again in ${ms} ms (failure ${this.failures})`);
    this.timer = setTimeout(() => this.dial(), ms);
    this.timer.unref();
  }
}
