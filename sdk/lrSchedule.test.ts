import { CONCORD_ERROR__TRAINER__INVALID_CONFIG } from "./errors/codes";
import { learningRate, validateLrSchedule } from "./lrSchedule";
import type { LrSchedule } from "./lrSchedule";
import { expectConcordError } from "../tests/helpers/expectConcordError";

describe("learning-rate schedules", () => {
  test("cosine matches nanoGPT's get_lr (warm-up 100, 1e-3 -> 1e-4 at 2000)", () => {
    const s: LrSchedule = { kind: "cosine", lr: 1e-3, minLr: 1e-4, warmupSteps: 100, totalSteps: 2000 };
    expect(learningRate(s, 0)).toBeCloseTo(1e-3 / 101, 12);
    expect(learningRate(s, 99)).toBeCloseTo(1e-3 * (100 / 101), 12);
    expect(learningRate(s, 100)).toBeCloseTo(1e-3, 12);
    expect(learningRate(s, 1050)).toBeCloseTo(5.5e-4, 12);
    expect(learningRate(s, 2000)).toBe(1e-4);
    expect(learningRate(s, 5000)).toBe(1e-4);
  });

  test("constant and warmup-stable-decay", () => {
    expect(learningRate({ kind: "constant", lr: 0.1, warmupSteps: 0 }, 7)).toBe(0.1);
    const wsd: LrSchedule = { kind: "wsd", lr: 1, minLr: 0, warmupSteps: 10, decayStart: 80, totalSteps: 100 };
    expect(learningRate(wsd, 4)).toBeCloseTo(5 / 11, 12);
    expect(learningRate(wsd, 50)).toBe(1);
    expect(learningRate(wsd, 90)).toBeCloseTo(0.5, 12);
    expect(learningRate(wsd, 100)).toBe(0);
  });

  test("invalid schedules are refused", () => {
    const bad: LrSchedule[] = [
      { kind: "constant", lr: -1, warmupSteps: 0 },
      { kind: "cosine", lr: 1, minLr: 2, warmupSteps: 0, totalSteps: 10 },
      { kind: "cosine", lr: 1, minLr: 0, warmupSteps: 10, totalSteps: 10 },
      { kind: "wsd", lr: 1, minLr: 0, warmupSteps: 0, decayStart: 10, totalSteps: 10 },
    ];
    for (const s of bad) {
      expectConcordError(() => validateLrSchedule(s), CONCORD_ERROR__TRAINER__INVALID_CONFIG);
    }
  });
});
