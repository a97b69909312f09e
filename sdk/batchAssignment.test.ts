import { assignBatchRows, roundDataSeed, shuffledSlots } from "./batchAssignment";
import { isConcordError } from "./errors/concordError";
import { CONCORD_ERROR__DATASET__BATCH_OUT_OF_RANGE } from "./errors/codes";

const seed = (n: number) => Uint8Array.from({ length: 32 }, (_, i) => (i * 31 + n * 17) & 255);

describe("batch assignment", () => {
  test("the ranges of all members tile the global batch exactly, whatever the member count", () => {
    for (const members of [1, 2, 3, 7, 64, 256]) {
      for (const batch of [members, members + 1, 3 * members + 2, 1024]) {
        const slots = Array.from({ length: members }, (_, i) => i * 2); // slots need not be contiguous
        const ranges = slots.map((s) => assignBatchRows(seed(members), slots, s, batch)!);
        const sorted = [...ranges].sort((a, b) => a.firstRow - b.firstRow);
        let next = 0;
        for (const r of sorted) {
          expect(r.firstRow).toBe(next);
          next += r.rows;
        }
        expect(next).toBe(batch);
        const sizes = ranges.map((r) => r.rows);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    }
  });

  test("with fewer rows than members, some members sit the round out", () => {
    const slots = [0, 1, 2, 3, 4];
    const ranges = slots.map((s) => assignBatchRows(seed(1), slots, s, 3));
    expect(ranges.filter((r) => r === null)).toHaveLength(2);
    expect(ranges.filter((r) => r !== null).reduce((n, r) => n + r!.rows, 0)).toBe(3);
  });

  test("non-members get nothing; the order is a permutation fixed by the seed and independent of input order", () => {
    expect(assignBatchRows(seed(2), [1, 5, 9], 4, 12)).toBeNull();
    const a = shuffledSlots(seed(3), [9, 1, 5, 3]);
    expect(shuffledSlots(seed(3), [3, 5, 1, 9])).toEqual(a);
    expect([...a].sort((x, y) => x - y)).toEqual([1, 3, 5, 9]);
    const orders = new Set(Array.from({ length: 50 }, (_, n) => shuffledSlots(seed(n), [0, 1, 2, 3, 4, 5]).join()));
    expect(orders.size).toBeGreaterThan(20); // the seed really moves members around
  });

  test("the data seed comes from its own bytes of the round seed", () => {
    const s = new Uint8Array(32);
    s.set([1, 2, 3, 4], 16);
    expect(roundDataSeed(s)).toBe(0x04030201);
  });

  test("bad inputs are refused with a clear error", () => {
    for (const f of [() => assignBatchRows(seed(1), [0], 0, 0), () => shuffledSlots(new Uint8Array(8), [0])]) {
      try {
        f();
        throw new Error("expected an error");
      } catch (e) {
        expect(isConcordError(e, CONCORD_ERROR__DATASET__BATCH_OUT_OF_RANGE)).toBe(true);
      }
    }
  });
});
