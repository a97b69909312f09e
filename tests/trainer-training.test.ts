// Small versions of the acceptance runs, on a generated corpus prepared into shards by the test itself:
// AdamW learns, DeMo with simulated workers learns, and the same step from the same state gives the same bytes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { batchOffsets } from "../sdk/data/batchSampling";
import { vocabSize } from "../sdk/data/datasetManifest";
import { decodeUpdate, encodeUpdate, updateHash } from "../sdk/codec/updateCodec";
import { selectBackend } from "../trainer/backend/selectBackend";
import { generatedCorpus } from "../trainer/data/corpusText";
import { prepareDataset } from "../trainer/data/prepareDataset";
import type { Dataset } from "../trainer/data/tokenShards";
import { openDataset } from "../trainer/data/tokenShards";
import { windowsToBatch } from "../trainer/data/tokenSource";
import type { TransformerConfig } from "../trainer/model/transformer";
import { Transformer } from "../trainer/model/transformer";
import { NANOGPT_ADAMW } from "../trainer/optim/adamw";
import type { DemoConfig } from "../trainer/optim/demo";
import { applyDemoUpdates, DemoWorker } from "../trainer/optim/demo";
import type { RunOptions } from "../trainer/train/trainingRuns";
import { trainAdamW, trainDemo } from "../trainer/train/trainingRuns";

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

const demo: DemoConfig = {
  chunk: 64,
  topK: 8,
  decay: 0.999,
  format: "sign",
  weightDecay: 0,
  gradClip: 1,
  aggregation: { kind: "mean" },
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

  test("DeMo, 2 simulated workers sending 1-bit updates: validation loss falls within 40 steps", () => {
    const model = new Transformer(config, { seed: 1 });
    const result = trainDemo(model, run(40, 1e-2), demo, 2);
    expect(result.finalValLoss).toBeLessThan(result.curve[0].valLoss - 0.7);
    expect(result.denseBytes / result.bytesPerWorkerStep).toBeGreaterThan(10);
    model.dispose();
  });

  test("the same step from the same state and batch gives byte-identical updates", () => {
    // Two independent trainers: same seed, same run data, each with its own DeMo state.
    const trainers = [0, 1].map(() => {
      const model = new Transformer(config, { seed: 9 });
      return {
        model,
        worker: new DemoWorker(
          model.specs.map((s) => s.shape),
          demo,
        ),
      };
    });
    const train = dataset.split("train");
    for (let step = 0; step < 3; step++) {
      const offsets = batchOffsets({ seed: 3, batchId: step, firstRow: 0, rows: 4, seqLen: 32 }, train.length);
      const { inputs, targets } = windowsToBatch(train, offsets, 32);
      const encoded = trainers.map(({ model, worker }) =>
        encodeUpdate(worker.step(model.lossAndGradArrays({ inputs, targets }, 4).grads, 1)),
      );
      expect(Buffer.from(encoded[0]).equals(encoded[1])).toBe(true);
      expect(updateHash(encoded[0])).toEqual(updateHash(encoded[1]));
      // Both apply the update they received (as every honest trainer applies the accepted set): still identical.
      const update = decodeUpdate(encoded[0], trainers[0].worker.layout);
      for (const { model } of trainers)
        applyDemoUpdates(
          model.params,
          model.specs.map((s) => s.decay),
          [update],
          1e-3,
          demo,
          model.ops,
        );
    }
    const [w0, w1] = trainers.map((t) => t.model.getWeights());
    w0.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(w1[i].buffer))).toBe(true));
    trainers.forEach((t) => t.model.dispose());
  });
});
