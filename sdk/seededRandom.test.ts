import { fillNormal, hashWords, mulberry32, uniformIndex } from "./seededRandom";

describe("seeded randomness", () => {
  test("mulberry32 is reproducible, in [0, 1), and seed-dependent (golden first values)", () => {
    const a = mulberry32(1337);
    const first = [a(), a(), a()];
    const b = mulberry32(1337);
    expect([b(), b(), b()]).toEqual(first);
    // Golden values: initial weights and batches on every trainer depend on them.
    expect(first.map((x) => x.toFixed(9))).toEqual(["0.184411833", "0.189989251", "0.810471992"]);
    expect(mulberry32(1338)()).not.toBe(first[0]);
    const u = mulberry32(9);
    for (let i = 0; i < 10_000; i++) {
      const x = u();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });

  test("fillNormal has the requested spread", () => {
    const x = fillNormal(new Float32Array(100_001), mulberry32(4), 0.02);
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const std = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length);
    expect(Math.abs(mean)).toBeLessThan(5e-4);
    expect(Math.abs(std - 0.02)).toBeLessThan(5e-4);
  });

  test("hashWords depends on every word and its position; uniformIndex stays in range", () => {
    expect(hashWords(1, 2, 3)).toBe(2901138804);
    expect(new Set([hashWords(1, 2, 3), hashWords(1, 2, 4), hashWords(2, 1, 3), hashWords(1, 2)]).size).toBe(4);
    for (let i = 0; i < 1000; i++) {
      const v = uniformIndex(7, 5, i);
      expect(Number.isInteger(v) && v >= 0 && v < 7).toBe(true);
    }
    expect(uniformIndex(2 ** 40, 1, 2)).toBeLessThan(2 ** 40);
  });
});
