import { CONCORD_ERROR__DATASET__BATCH_OUT_OF_RANGE } from "../errors/codes";
import { batchOffsets, evaluationOffsets } from "./batchSampling";
import { expectConcordError } from "../../tests/helpers/expectConcordError";

describe("batch sampling", () => {
  const request = { seed: 7, batchId: 42, firstRow: 0, rows: 12, seqLen: 64 };

  test("a batch id maps to the same windows every time, and a worker's slice is part of the global batch", () => {
    const all = batchOffsets(request, 100_000);
    expect(batchOffsets(request, 100_000)).toEqual(all);
    expect(batchOffsets({ ...request, firstRow: 3, rows: 3 }, 100_000)).toEqual(all.slice(3, 6));
    for (const o of all) expect(o >= 0 && o <= 100_000 - 65).toBe(true);
    expect(new Set(all).size).toBe(12);
  });

  test("different batch ids and seeds give different windows", () => {
    const a = batchOffsets(request, 1e6);
    expect(batchOffsets({ ...request, batchId: 43 }, 1e6)).not.toEqual(a);
    expect(batchOffsets({ ...request, seed: 8 }, 1e6)).not.toEqual(a);
  });

  test("windows cover the split roughly uniformly", () => {
    const counts = new Array(10).fill(0);
    for (let b = 0; b < 2000; b++)
      for (const o of batchOffsets({ ...request, batchId: b }, 10_064)) counts[Math.floor(o / 1000)]++;
    for (const c of counts) expect(Math.abs(c - 2400)).toBeLessThan(250);
  });

  test("bad requests are refused", () => {
    const bad = [
      () => batchOffsets({ ...request, batchId: -1 }, 1e6),
      () => batchOffsets({ ...request, batchId: 2 ** 32 }, 1e6),
      () => batchOffsets({ ...request, rows: 0 }, 1e6),
      () => batchOffsets({ ...request, seqLen: 0 }, 1e6),
      () => batchOffsets(request, 64),
    ];
    for (const f of bad) {
      expectConcordError(() => f(), CONCORD_ERROR__DATASET__BATCH_OUT_OF_RANGE);
    }
  });

  test("evaluation windows tile the split without overlap", () => {
    expect(evaluationOffsets(200, 64)).toEqual([0, 64, 128]);
    expect(evaluationOffsets(193, 64)).toEqual([0, 64, 128]);
    expect(evaluationOffsets(192, 64)).toEqual([0, 64]);
    expect(evaluationOffsets(111_540, 64)).toHaveLength(1742);
  });
});
