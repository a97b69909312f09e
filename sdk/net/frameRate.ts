// A connection's rate limits: one token bucket for frames and one for bytes, so a short burst passes and a sustained
// flood does not. A peer socket charges every frame it receives, and so does the relay on each side of a session
// before it decodes anything: decoding and signature checks are what a flood would make it pay for.
import { ConcordError } from "../errors/concordError";
import { CONCORD_ERROR__PEER__RATE_LIMITED } from "../errors/codes";
import { TokenBucket } from "./tokenBucket";

export interface FrameRateLimits {
  /** Sustained messages per second from one connection, and the burst allowed above it. */
  readonly messagesPerSecond: number;
  readonly messageBurst: number;
  /** Sustained bytes per second from one connection, and the burst: at least MAX_MESSAGE_BYTES or no full update fits. */
  readonly bytesPerSecond: number;
  readonly byteBurst: number;
}

export class FrameRate {
  private readonly messages: TokenBucket;
  private readonly bytes: TokenBucket;

  constructor(
    private readonly limits: FrameRateLimits,
    now: () => number = Date.now,
  ) {
    this.messages = new TokenBucket(limits.messagesPerSecond, limits.messageBurst, now);
    this.bytes = new TokenBucket(limits.bytesPerSecond, limits.byteBurst, now);
  }

  /** Charges one frame of `size` bytes from `peer`; RATE_LIMITED when either bucket is empty. */
  charge(peer: string, size: number): void {
    if (!this.messages.take())
      throw new ConcordError(CONCORD_ERROR__PEER__RATE_LIMITED, {
        peer,
        what: "messages",
        limit: this.limits.messagesPerSecond,
      });
    if (!this.bytes.take(size))
      throw new ConcordError(CONCORD_ERROR__PEER__RATE_LIMITED, {
        peer,
        what: "bytes",
        limit: this.limits.bytesPerSecond,
      });
  }
}
