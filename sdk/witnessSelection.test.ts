import { selectWitnesses, splitmix64, witnessQuorum } from "./witnessSelection";

describe("witnessSelection", () => {
  test("splitmix64 gives the reference outputs for state 0", () => {
    // Vigna's splitmix64.c seeded with 0
    let state = 0n;
    const outputs: bigint[] = [];
    for (let i = 0; i < 3; i++) {
      let out: bigint;
      [out, state] = splitmix64(state);
      outputs.push(out);
    }
    expect(outputs).toEqual([0xe220a8397b1dcdafn, 0x6e789e6aa1b965f4n, 0x06c45d188009454fn]);
  });

  test("quorum follows Psyche's rule: 1, 2, 2 for 1-3 witnesses, then floor(2n/3)", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 9, 32].map(witnessQuorum)).toEqual([0, 1, 2, 2, 2, 3, 4, 6, 21]);
  });

  test("draws min(nodes, members) distinct members, deterministically from the seed", () => {
    const slots = [0, 3, 4, 9, 10, 200];
    const seed = new Uint8Array(32).fill(7);
    const drawn = selectWitnesses(seed, slots, 4);
    expect(drawn).toHaveLength(4);
    expect(new Set(drawn).size).toBe(4);
    expect(drawn.every((s) => slots.includes(s))).toBe(true);
    expect(selectWitnesses(seed, slots, 4)).toEqual(drawn);
    expect(selectWitnesses(new Uint8Array(32).fill(8), slots, 4)).not.toEqual(drawn);
    expect(selectWitnesses(seed, slots, 32).sort((a, b) => a - b)).toEqual(slots);
    expect(selectWitnesses(seed, [], 3)).toEqual([]);
  });

  test("every member is drawn about equally often", () => {
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 4000; i++) {
      const seed = new Uint8Array(32);
      new DataView(seed.buffer).setUint32(0, i, true);
      for (const s of selectWitnesses(seed, [0, 1, 2, 3, 4, 5, 6, 7], 2)) counts[s]++;
    }
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(120);
  });
});
