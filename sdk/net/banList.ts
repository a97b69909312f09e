// Who this node refuses to talk to, and until when. Keys are strings chosen by the caller ("member:<base58>",
// "origin:<address or url>"); entries expire on their own, so a ban is a timeout, never a permanent verdict. The
// clock is injected so tests can move it.
/** Expired entries are swept once the list grows past this, so an attacker cycling addresses cannot grow it forever. */
const SWEEP_AT = 10_000;

export class BanList {
  private readonly until = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Bans `key` for `durationMs` from now; an existing longer ban stays. */
  ban(key: string, durationMs: number): void {
    if (this.until.size >= SWEEP_AT) this.sweep();
    const end = this.now() + durationMs;
    if (end > (this.until.get(key) ?? 0)) this.until.set(key, end);
  }

  /** Milliseconds left on `key`'s ban; 0 when it is not banned. */
  remainingMs(key: string): number {
    const end = this.until.get(key);
    if (end === undefined) return 0;
    const left = end - this.now();
    if (left > 0) return left;
    this.until.delete(key);
    return 0;
  }

  isBanned(key: string): boolean {
    return this.remainingMs(key) > 0;
  }

  private sweep(): void {
    const t = this.now();
    for (const [key, end] of this.until) if (end <= t) this.until.delete(key);
  }
}
