// A seeded generator for randomized tests (the SDK's splitmix64), so every failure replays from its seed.
import { splitmix64 } from "../../sdk/witnessSelection";

export class SeededRandom {
  private state: bigint;

  constructor(seed: number | bigint) {
    this.state = BigInt(seed);
  }

  u64(): bigint {
    let out: bigint;
    [out, this.state] = splitmix64(this.state);
    return out;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Number(this.u64() % BigInt(n));
  }

  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.int(1_000_000) < p * 1_000_000;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** A random subset, each item kept with probability p. */
  subset<T>(items: readonly T[], p = 0.5): T[] {
    return items.filter(() => this.chance(p));
  }

  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.int(256));
  }
}
