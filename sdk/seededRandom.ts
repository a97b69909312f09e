// Seeded pseudo-random numbers that every trainer and auditor computes identically: model initialisation and data
// sampling must be reproducible bit for bit from a seed, on any machine.

/** mulberry32: a small, fast 32-bit generator. Returns a function giving uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fills `out` with normal samples of mean 0 and standard deviation `std` (Box-Muller over `uniform`). */
export function fillNormal(out: Float32Array, uniform: () => number, std: number): Float32Array {
  for (let i = 0; i < out.length; i += 2) {
    const u = Math.max(uniform(), 1e-12);
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/**
 * A 32-bit hash of a few 32-bit words (murmur3's finaliser applied per word). Counter-based randomness: the value for
 * (seed, batch, row) is computed directly, so any batch can be sampled without replaying the ones before it.
 */
export function hashWords(...words: number[]): number {
  let h = 0x9e3779b9;
  for (const w of words) {
    h = Math.imul(h ^ (w >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** Uniform integer in [0, n) from the words: 53 random bits, so the bias is about n / 2^53 (nil for token counts). */
export function uniformIndex(n: number, ...words: number[]): number {
  const hi = hashWords(...words, 1) >>> 11; // 21 bits
  const lo = hashWords(...words, 2); // 32 bits
  return Math.floor(((hi * 4294967296 + lo) / 2 ** 53) * n);
}
