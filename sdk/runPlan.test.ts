import { expectConcordError } from "../tests/helpers/expectConcordError";
import { toBigInt } from "./coordinatorAccounts";
import * as codes from "./errors/codes";
import { runPlan } from "./runPlan";
import type { RunSpec } from "./runSpec";
import { runSpecOf } from "./runSpec";
import { checkRecipeAgainstRun, recipeHash } from "./trainingRecipe";

const spec: RunSpec = {
  run: { id: 9n, fund: 1.5 },
  dataset: { path: "data" },
  model: { context_length: 32, layers: 1, heads: 2, width: 16, init_seed: 3 },
  schedule: { warmup_time: 1, cooldown_time: 1, max_round_train_time: 10, round_witness_time: 10, epoch_time: 60 },
  members: { min_clients: 1, init_min_clients: 2, witness_nodes: 1 },
  training: {
    total_steps: 10,
    rounds_per_epoch: 5,
    global_batch_size: 4,
    learning_rate: 0.01,
    lr_schedule: "wsd",
    min_learning_rate: 0.001,
    warmup_steps: 1,
    decay_start: 8,
  },
  round: {
    inner_steps: 2,
    inner_optimizer: "adamw",
    adamw_beta1: 0.9,
    adamw_beta2: 0.99,
    adamw_eps: 1e-8,
    adamw_weight_decay: 0.1,
    grad_clip: 1,
    transform: "none",
    chunk: 8,
    top_k: 4,
    decay: 0.9,
    value_bits: 16,
    outer: "sgd",
    outer_learning_rate: 0.5,
    outer_momentum: 0.9,
    weight_decay: 0,
    aggregation: "trimmedMean",
    trim: 1,
  },
  economics: { min_stake: 0.25, reward_per_epoch: 2, challenge_bond: 0.01, slash_bps: 100 },
};
const dataset = { hash: "cd".repeat(32), vocabSize: 65 };
const o = { file: "run.toml", defaultRunId: 1n };

describe("runPlan", () => {
  test("maps every key: one value sets the run's sequence_length and the model's context length", () => {
    const plan = runPlan(spec, dataset, o);
    expect(plan.runId).toBe(9n);
    expect(plan.fundLamports).toBe(1_500_000_000n);
    expect(toBigInt(plan.config.minStake)).toBe(250_000_000n);
    expect(plan.config.sequenceLength).toBe(32);
    expect(plan.recipe.model).toEqual({ vocabSize: 65, contextLength: 32, layers: 1, heads: 2, width: 16 });
    expect(plan.recipe.schedule).toEqual({
      kind: "wsd",
      lr: 0.01,
      minLr: 0.001,
      warmupSteps: 1,
      decayStart: 8,
      totalSteps: 10,
    });
    expect(plan.recipe.round.aggregation).toEqual({ kind: "trimmedMean", trim: 1 });
    expect(plan.config.modelHash).toEqual(Array.from(recipeHash(plan.recipe)));
    expect(Buffer.from(plan.config.datasetHash).toString("hex")).toBe(dataset.hash);
    // what a trainer checks its recipe file against
    expect(() => checkRecipeAgainstRun(plan.recipe, { ...plan.config, learningRate: Math.fround(0.01) })).not.toThrow();
  });

  test("a spec without an id gets the default", () => {
    expect(runPlan({ ...spec, run: { fund: 0 } }, dataset, o).runId).toBe(1n);
  });

  test("a program rule and a recipe rule are each reported against the key that breaks them", () => {
    const timing = expectConcordError(
      () => runPlan({ ...spec, schedule: { ...spec.schedule, round_witness_time: 60 } }, dataset, o),
      codes.CONCORD_ERROR__CLIENT__RUN_FILE_OUT_OF_RANGE,
    );
    expect(timing.message).toBe(
      "run.toml: [schedule] round_witness_time = 60 is out of range: round_witness_time must be in (0, epoch_time)",
    );
    const recipe = expectConcordError(
      () => runPlan({ ...spec, training: { ...spec.training, decay_start: 0 } }, dataset, o),
      codes.CONCORD_ERROR__CLIENT__RUN_FILE_OUT_OF_RANGE,
    );
    expect(recipe.message).toBe(
      "run.toml: [training] decay_start = 0 is out of range: decayStart must be in [warmupSteps, totalSteps)",
    );
  });
});

describe("runSpecOf", () => {
  const table = () => JSON.parse(JSON.stringify(spec, (_, v: unknown) => (typeof v === "bigint" ? Number(v) : v)));

  test("a parsed file with every key gives the spec back (a u64 id as bigint)", () => {
    expect(runSpecOf(table(), "run.toml")).toEqual(spec);
    const big = table();
    big.run.id = 18446744073709551615n;
    expect(runSpecOf(big, "run.toml").run.id).toBe(18446744073709551615n);
  });

  test("an unknown key, a wrong type and a width are refused with the file and the key", () => {
    const unknown = table();
    unknown.round.top_p = 1;
    expect(
      expectConcordError(() => runSpecOf(unknown, "f.toml"), codes.CONCORD_ERROR__CLIENT__RUN_FILE_UNKNOWN_KEY).message,
    ).toMatch(/^f\.toml: unknown key \[round\] top_p \(known here: inner_steps, /);
    const wrong = table();
    wrong.members.min_clients = "2";
    expect(
      expectConcordError(() => runSpecOf(wrong, "f.toml"), codes.CONCORD_ERROR__CLIENT__RUN_FILE_INVALID_TYPE).message,
    ).toBe('f.toml: [members] min_clients = "2" has the wrong type: expected an integer in [0, 65535]');
    const wide = table();
    wide.round.chunk = 65536;
    expect(
      expectConcordError(() => runSpecOf(wide, "f.toml"), codes.CONCORD_ERROR__CLIENT__RUN_FILE_OUT_OF_RANGE).message,
    ).toBe("f.toml: [round] chunk = 65536 is out of range: must be an integer in [0, 65535]");
  });
});
