import { commitmentAt, nextStop } from "./latency";

describe("latency schedule", () => {
  test("under cluster latency a transaction is processed in its landing slot, confirmed the next, then finalized", () => {
    expect([10, 11, 12, 40].map((slot) => commitmentAt("cluster", 10, slot))).toEqual([
      "processed",
      "confirmed",
      "finalized",
      "finalized",
    ]);
  });

  test("under instant latency a landed transaction is final at once", () => {
    expect(commitmentAt("instant", 10, 10)).toBe("finalized");
  });

  test("the clock stops at every slot while transactions wait, and jumps to wall time otherwise", () => {
    expect(nextStop(5, 9, true)).toBe(6);
    expect(nextStop(5, 9, false)).toBe(9);
  });
});
