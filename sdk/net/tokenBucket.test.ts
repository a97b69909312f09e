import { TokenBucket } from "./tokenBucket";

describe("token bucket", () => {
  it("passes a burst, refuses beyond it, and refills at the rate", () => {
    let t = 0;
    const bucket = new TokenBucket(10, 5, () => t);
    for (let i = 0; i < 5; i++) expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    t += 100; // one token back
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    t += 10_000; // never above the burst
    expect(bucket.take(5)).toBe(true);
    expect(bucket.take(1)).toBe(false);
  });

  it("a refused take takes nothing", () => {
    const bucket = new TokenBucket(1, 10, () => 0);
    expect(bucket.take(11)).toBe(false);
    expect(bucket.take(10)).toBe(true);
  });
});
