import { BN } from "@coral-xyz/anchor";
import { expectConcordError } from "../tests/helpers/expectConcordError";
import type { RunConfig } from "./coordinatorAccounts";
import { CONCORD_ERROR__CLIENT__INVALID_RUN_CONFIG, CONCORD_ERROR__TRAINER__INVALID_CONFIG } from "./errors/codes";
import { assertValidRunConfig, runConfigViolation, valueFormatOf } from "./runConfig";

const valid: RunConfig = {
  totalSteps: new BN(10),
  minStake: new BN(1),
  rewardPerEpoch: new BN(0),
  challengeBond: new BN(1),
  modelHash: new Array(32).fill(1),
  datasetHash: new Array(32).fill(1),
  warmupTime: 0,
  cooldownTime: 0,
  maxRoundTrainTime: 1,
  roundWitnessTime: 1,
  epochTime: 2,
  globalBatchSize: 1,
  sequenceLength: 1,
  learningRate: 1e-4,
  demoDecay: 0.5,
  outerLearningRate: 1,
  outerMomentum: 0,
  minClients: 1,
  initMinClients: 1,
  witnessNodes: 1,
  roundsPerEpoch: 1,
  innerSteps: 1,
  demoChunk: 2,
  demoTopK: 4,
  slashBps: 1,
  valueBits: 32,
  padding: [0, 0, 0],
};

describe("runConfig", () => {
  test("the smallest valid configuration passes", () => {
    expect(runConfigViolation(valid)).toBeNull();
    expect(() => assertValidRunConfig(valid)).not.toThrow();
  });

  test("rules are checked in the program's order and name the program's error", () => {
    expect(runConfigViolation({ ...valid, warmupTime: 2, witnessNodes: 0 })).toEqual({
      error: "invalidConfigTiming",
      rule: "warmup_time must be < epoch_time",
      field: "warmupTime",
    });
    expect(runConfigViolation({ ...valid, demoTopK: 5 })?.error).toBe("invalidConfigDemo");
    expect(runConfigViolation({ ...valid, rewardPerEpoch: new BN(2).pow(new BN(56)).addn(1) })?.error).toBe(
      "invalidConfigEconomics",
    );
  });

  test("assertValidRunConfig throws a ConcordError with the rule", () => {
    const error = expectConcordError(
      () => assertValidRunConfig({ ...valid, demoDecay: 1 }),
      CONCORD_ERROR__CLIENT__INVALID_RUN_CONFIG,
    );
    expect(error.message).toBe("invalid run configuration: demo_decay must be in (0, 1)");
  });

  test("value_bits selects the update value format; other widths are refused", () => {
    expect([1, 2, 16, 32].map(valueFormatOf)).toEqual(["sign", "q2", "f16", "f32"]);
    expectConcordError(() => valueFormatOf(8), CONCORD_ERROR__TRAINER__INVALID_CONFIG);
  });
});
