// The two training loops the acceptance figures compare on the same data and schedule: AdamW on the global batch (the
// baseline) and DeMo with n simulated workers, each computing gradients on its slice of the same global batch and
// sending only its encoded sparse update, which every worker decodes (with full validation) and applies.
import * as tf from "@tensorflow/tfjs";
import type { LrSchedule } from "../../sdk/lrSchedule";
import { learningRate, validateLrSchedule } from "../../sdk/lrSchedule";
import type { TokenSource } from "../data/tokenSource";
import type { Transformer } from "../model/transformer";
import { countParameters } from "../model/transformer";
import type { AdamWConfig } from "../optim/adamw";
import { AdamW } from "../optim/adamw";
import type { DemoConfig } from "../optim/demo";
import { DemoWorker } from "../optim/demo";
import { batchRows, trainUpdate } from "../node/roundTraining";
import { applyEncodedUpdates } from "../node/updateApplier";
import { evaluateLoss } from "./evaluate";

export interface RunOptions {
  readonly train: TokenSource;
  readonly val: TokenSource;
  /** Data seed: batch b of the run is batchOffsets(seed, b, ...). */
  readonly seed: number;
  readonly steps: number;
  /** Sequences in the global batch. */
  readonly batchRows: number;
  readonly schedule: LrSchedule;
  /** Validation loss every this many steps; 0: only before the first and after the last step. */
  readonly evalEvery: number;
  /** Windows of the validation split for the curve points (the final figure always uses the whole split). */
  readonly curveWindows: number;
  readonly log?: (line: string) => void;
}

export interface CurvePoint {
  readonly step: number;
  readonly valLoss: number;
  /** Mean training loss of the steps since the previous point. */
  readonly trainLoss: number;
}

export interface RunResult {
  readonly curve: CurvePoint[];
  /** Validation loss on the whole validation split after the last step. */
  readonly finalValLoss: number;
  /** Training tokens per second of step time (evaluation excluded). */
  readonly tokensPerSecond: number;
  readonly trainSeconds: number;
  readonly wallSeconds: number;
}

export interface DemoRunResult extends RunResult {
  /** Mean encoded update size per worker per step. */
  readonly bytesPerWorkerStep: number;
  /** A dense fp32 gradient of all parameters. */
  readonly denseBytes: number;
  /** Mean time per step in DeMo's own work, all workers: DCT, top-k, encode, decode, aggregate, apply. */
  readonly demoSecondsPerStep: number;
}

/** Rows [firstRow, firstRow + rows) of global batch `step` as tensors. */
function batchTensors(o: RunOptions, seqLen: number, step: number, firstRow: number, rows: number) {
  const { inputs, targets } = batchRows(o.train, seqLen, { seed: o.seed, batchId: step, firstRow, rows });
  return [tf.tensor2d(inputs, [rows, seqLen], "int32"), tf.tensor2d(targets, [rows, seqLen], "int32")] as const;
}

/** Runs `stepFn(step, lr)` (returning the training loss) with evaluation and timing around it. */
function runLoop(model: Transformer, o: RunOptions, stepFn: (step: number, lr: number) => number): RunResult {
  validateLrSchedule(o.schedule);
  const log = o.log ?? (() => {});
  const curve: CurvePoint[] = [];
  const wall0 = performance.now();
  let trainMs = 0;
  let lossSum = 0;
  let lossCount = 0;
  const point = (step: number) => {
    const valLoss = evaluateLoss(model, o.val, o.curveWindows);
    curve.push({ step, valLoss, trainLoss: lossCount ? lossSum / lossCount : NaN });
    log(`step ${step}: val ${valLoss.toFixed(4)}${lossCount ? `, train ${(lossSum / lossCount).toFixed(4)}` : ""}`);
    lossSum = lossCount = 0;
  };
  for (let step = 0; step < o.steps; step++) {
    if (step === 0 || (o.evalEvery > 0 && step % o.evalEvery === 0)) point(step);
    const t0 = performance.now();
    const loss = stepFn(step, learningRate(o.schedule, step));
    trainMs += performance.now() - t0;
    lossSum += loss;
    lossCount++;
  }
  point(o.steps);
  const finalValLoss = evaluateLoss(model, o.val);
  log(`final: val ${finalValLoss.toFixed(4)} on the whole split`);
  const tokens = o.steps * o.batchRows * model.config.contextLength;
  return {
    curve,
    finalValLoss,
    tokensPerSecond: tokens / (trainMs / 1000),
    trainSeconds: trainMs / 1000,
    wallSeconds: (performance.now() - wall0) / 1000,
  };
}

/** The baseline: AdamW on the whole global batch. */
export function trainAdamW(model: Transformer, o: RunOptions, config: AdamWConfig): RunResult {
  const seqLen = model.config.contextLength;
  const optimizer = new AdamW(
    model.params,
    model.specs.map((s) => s.decay),
    config,
    model.ops,
  );
  try {
    return runLoop(model, o, (step, lr) => {
      const [x, y] = batchTensors(o, seqLen, step, 0, o.batchRows);
      const { loss, grads } = model.lossAndGrads(x, y);
      optimizer.step(grads, lr);
      const value = loss.dataSync()[0];
      tf.dispose([x, y, loss, ...grads]);
      return value;
    });
  } finally {
    optimizer.dispose();
  }
}

/** DeMo with `workers` simulated trainers sharing the global batch (batchRows must divide evenly). */
export function trainDemo(model: Transformer, o: RunOptions, config: DemoConfig, workers: number): DemoRunResult {
  const seqLen = model.config.contextLength;
  const rows = o.batchRows / workers;
  const shapes = model.specs.map((s) => s.shape);
  const states = Array.from({ length: workers }, () => new DemoWorker(shapes, config));
  let bytes = 0;
  let codecMs = 0;
  const result = runLoop(model, o, (step, lr) => {
    let lossSum = 0;
    const received: Uint8Array[] = [];
    for (let w = 0; w < workers; w++) {
      const batch = batchRows(o.train, seqLen, { seed: o.seed, batchId: step, firstRow: w * rows, rows });
      const update = trainUpdate(model, states[w], batch, lr / o.schedule.lr);
      lossSum += update.loss;
      codecMs += update.compressMs;
      bytes += update.bytes.length;
      received.push(update.bytes);
    }
    const t0 = performance.now();
    applyEncodedUpdates(model, states[0].layout, config, received, lr);
    codecMs += performance.now() - t0;
    return lossSum / workers;
  });
  return {
    ...result,
    bytesPerWorkerStep: bytes / (o.steps * workers),
    denseBytes: 4 * countParameters(model.config),
    demoSecondsPerStep: codecMs / 1000 / o.steps,
  };
}
