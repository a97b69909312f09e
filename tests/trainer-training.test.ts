// Small versions of the acceptance runs, on a generated corpus prepared into shards by the test itself:
// AdamW learns, rounds with simulated members learn (DeMo's one step, and H inner steps with SparseLoCo's
// compression), and the same round from the same state gives the same bytes and the same shared parameters.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { vocabSize } from "../sdk/data/datasetManifest";
import { updateHash } from "../sdk/codec/updateCodec";
import { selectBackend } from "../trainer/backend/selectBackend";
import { generatedCorpus } from "../trainer/data/corpusText";
import { prepareDataset } from "../trainer/data/prepareDataset";
import type { Dataset } from "../trainer/data/tokenShards";
import { openDataset } from "../trainer/data/tokenShards";
import type { TransformerConfig } from "../trainer/model/transformer";
import { Transformer } from "../trainer/model/transformer";
import { NANOGPT_ADAMW } from "../trainer/optim/adamw";
import type { RoundConfig } from "../trainer/optim/roundConfig";
import { PSYCHE_DEMO } from "../trainer/optim/roundConfig";
import { RoundTrainer, roundBatches, runToEnd } from "../trainer/node/roundTraining";
import { SharedParameters } from "../trainer/node/sharedParameters";
import type { RunOptions } from "../trainer/train/trainingRuns";
import { trainAdamW, trainRounds } from "../trainer/train/trainingRuns";

let dir: string;
let dataset: Dataset;
let config: TransformerConfig;

beforeAll(async () => {
  await selectBackend({ order: ["wasm"], log: () => {} });
  dir = mkdtempSync(join(tmpdir(), "concord-train-"));
  const { hash } = prepareDataset(generatedCorpus(60_000, 11), dir, {
    name: "generated",
    tokenizer: "char",
    trainFraction: 0.9,
    shardTokens: 16_384,
  });
  dataset = openDataset(dir, hash);
  config = { vocabSize: vocabSize(dataset.manifest.tokenizer), contextLength: 32, layers: 2, heads: 2, width: 32 };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (steps: number, lr: number): RunOptions => ({
  train: dataset.split("train"),
  val: dataset.split("val"),
  seed: 3,
  steps,
  batchRows: 8,
  schedule: { kind: "cosine", lr, minLr: lr / 10, warmupSteps: 5, totalSteps: steps },
  evalEvery: 0,
  curveWindows: 64,
});

const demo: RoundConfig = { ...PSYCHE_DEMO, topK: 8, decay: 0.999, outerLr: 1e-2 };

/** H AdamW steps per round, chunked top-k without DCT, 2-bit values, plain outer SGD (SparseLoCo's round). */
const inner: RoundConfig = {
  ...demo,
  innerSteps: 4,
  inner: { kind: "adamw", beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1 },
  transform: "none",
  topK: 256,
  decay: 1,
  format: "q2",
  outer: "sgd",
  outerLr: 1,
};

describe("trainer: small training runs", () => {
  test("AdamW: validation loss falls within 40 steps", () => {
    const model = new Transformer(config, { seed: 1 });
    const result = trainAdamW(model, run(40, 1e-2), NANOGPT_ADAMW);
    const [start, end] = [result.curve[0], result.curve[result.curve.length - 1]];
    expect(start.step).toBe(0);
    expect(end.step).toBe(40);
    expect(result.finalValLoss).toBeLessThan(start.valLoss - 0.7);
    expect(result.tokensPerSecond).toBeGreaterThan(0);
    model.dispose();
  });

  test("DeMo, 2 simulated members sending 1-bit updates: validation loss falls within 40 rounds", () => {
    const model = new Transformer(config, { seed: 1 });
    const result = trainRounds(model, run(40, 1e-2), demo, 2);
    expect(result.finalValLoss).toBeLessThan(result.curve[0].valLoss - 0.7);
    expect(result.denseBytes / result.bytesPerWorkerStep).toBeGreaterThan(10);
    model.dispose();
  });

  test("rounds of 4 AdamW steps, 2 members sending 2-bit chunked top-k: validation loss falls within 20 rounds", () => {
    const model = new Transformer(config, { seed: 1 });
    const result = trainRounds(model, run(20, 1e-2), inner, 2);
    expect(result.finalValLoss).toBeLessThan(result.curve[0].valLoss - 0.7);
    expect(result.denseBytes / result.bytesPerWorkerStep).toBeGreaterThan(10);
    model.dispose();
  });

  test.each([
    ["DeMo's one step", demo],
    ["H AdamW steps", inner],
  ])("%s: the same round from the same state gives byte-identical updates and shared parameters", (_, c) => {
    // Two independent members: same seed, same run data, each with its own round state.
    const members = [0, 1].map(() => {
      const model = new Transformer(config, { seed: 9 });
      const schedule = run(3, 1e-2).schedule;
      const trainer = new RoundTrainer(model, c, schedule);
      const shared = new SharedParameters(model.getWeights(), model.specs, c, trainer.compressor.layout, schedule);
      return { model, trainer, shared };
    });
    const train = dataset.split("train");
    for (let step = 0; step < 3; step++) {
      const batches = roundBatches(train, 32, { seed: 3, step, innerSteps: c.innerSteps, firstRow: 0, rows: 4 });
      const encoded = members.map(({ trainer, shared }) => runToEnd(trainer.train(shared.params, batches, step)).bytes);
      expect(Buffer.from(encoded[0]).equals(encoded[1])).toBe(true);
      expect(updateHash(encoded[0])).toEqual(updateHash(encoded[1]));
      // Both apply the update they received (as every honest member applies the accepted set): still identical.
      for (const { shared } of members) shared.applyRound(step, [encoded[0]]);
    }
    expect(members[0].shared.hash()).toEqual(members[1].shared.hash());
    expect(members[0].shared.params[0]).not.toEqual(members[0].model.getWeights()[0].map(() => 0));
    members.forEach((m) => {
      m.trainer.dispose();
      m.model.dispose();
    });
  });
});

test.each([
  ["DeMo's one step", demo],
  ["H AdamW steps", inner],
])("%s: a round rolled back leaves the state as if it was never trained", (_, c) => {
  // Given a member that trained rounds 0 and 1 and settled round 0 (on record)
  const model = new Transformer(config, { seed: 5 });
  const schedule = run(4, 1e-2).schedule;
  const trainer = new RoundTrainer(model, c, schedule);
  const base = model.getWeights();
  const train = dataset.split("train");
  const batches = (step: number) =>
    roundBatches(train, 32, { seed: 4, step, innerSteps: c.innerSteps, firstRow: 0, rows: 4 });
  runToEnd(trainer.train(base, batches(0), 0));
  trainer.settle(0);
  const first = runToEnd(trainer.train(base, batches(1), 1)).bytes;
  // When round 1 (and round 2, trained on top of it) will never be on record
  runToEnd(trainer.train(base, batches(2), 2));
  expect(trainer.rollback(1)).toBe(true);
  // Then training round 1 again gives exactly the first bytes: its state was the one after round 0
  expect(Buffer.from(runToEnd(trainer.train(base, batches(1), 1)).bytes).equals(first)).toBe(true);
  // And a settled round cannot be rolled back
  trainer.settle(1);
  expect(trainer.rollback(0)).toBe(false);
  trainer.dispose();
  model.dispose();
});
