// The two training loops the acceptance figures compare on the same data and schedule: AdamW on the global batch (the
// baseline) and rounds (DeMo, or H inner steps) with n simulated members, each training its slice of the round's
// global batches and sending only its encoded sparse update, which is decoded (with full validation) and applied
// one round late, exactly as the network's nodes do (the same RoundTrainer and SharedParameters).
import * as tf from "@tensorflow/tfjs";
import { witnessRefusals } from "../../sdk/audit/witnessChecks";
import type { UpdateLayout } from "../../sdk/codec/updateCodec";
import { decodeUpdate, encodeUpdate, updateHash } from "../../sdk/codec/updateCodec";
import { hashWords, mulberry32 } from "../../sdk/seededRandom";
import type { Attack } from "../adversary/attacks";
import type { LrSchedule } from "../../sdk/lrSchedule";
import { learningRate, validateLrSchedule } from "../../sdk/lrSchedule";
import type { TokenSource } from "../data/tokenSource";
import type { Transformer } from "../model/transformer";
import { countParameters } from "../model/transformer";
import type { AdamWConfig } from "../optim/adamw";
import { AdamW } from "../optim/adamw";
import type { RoundConfig } from "../optim/roundConfig";
import type { Batch } from "../node/roundTraining";
import { batchRows, RoundTrainer, roundBatches, runToEnd } from "../node/roundTraining";
import { SharedParameters } from "../node/sharedParameters";
import { evaluateLoss } from "./evaluate";

export interface RunOptions {
  readonly train: TokenSource;
  readonly val: TokenSource;
  /** Data seed: batch b of the run is batchOffsets(seed, b, ...). */
  readonly seed: number;
  /** Optimizer steps (AdamW) or rounds. */
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

export interface RoundRunResult extends RunResult {
  /** Mean encoded update size per member per round. */
  readonly bytesPerWorkerStep: number;
  /** A dense fp32 gradient of all parameters. */
  readonly denseBytes: number;
  /** Mean time per round in the rounds' own work, all members: transform, top-k, encode, decode, aggregate, apply. */
  readonly demoSecondsPerStep: number;
}

/** What `attack` commits in place of `trained`, seeing the round's updates committed before it. */
function attacked(
  attack: Attack,
  layout: UpdateLayout,
  trained: Uint8Array,
  round: readonly (Uint8Array | undefined)[],
  previous: Uint8Array | undefined,
  step: number,
): Uint8Array {
  const decode = (b: Uint8Array) => decodeUpdate(b, layout);
  return encodeUpdate(
    attack.update({
      own: decode(trained),
      others: round.filter((b): b is Uint8Array => b !== undefined).map(decode),
      previous: previous ? decode(previous) : null,
      random: mulberry32(hashWords(step, 0xbad)),
    }),
  );
}

/** Rows [firstRow, firstRow + rows) of global batch `step` as tensors. */
function batchTensors(o: RunOptions, seqLen: number, step: number, firstRow: number, rows: number) {
  const { inputs, targets } = batchRows(o.train, seqLen, { seed: o.seed, batchId: step, firstRow, rows });
  return [tf.tensor2d(inputs, [rows, seqLen], "int32"), tf.tensor2d(targets, [rows, seqLen], "int32")] as const;
}

/**
 * Runs `stepFn(step, lr)` (returning the training loss) with evaluation and timing around it; `weights` gives the
 * parameters to evaluate (default: the model's own), `tokensPerStep` the training tokens of one step.
 */
function runLoop(
  model: Transformer,
  o: RunOptions,
  stepFn: (step: number, lr: number) => number,
  weights?: () => readonly Float32Array[],
  tokensPerStep = o.batchRows * model.config.contextLength,
): RunResult {
  validateLrSchedule(o.schedule);
  const log = o.log ?? (() => {});
  const curve: CurvePoint[] = [];
  const wall0 = performance.now();
  let trainMs = 0;
  let lossSum = 0;
  let lossCount = 0;
  const evaluate = (windows?: number) => {
    if (weights) model.setWeights(weights());
    return evaluateLoss(model, o.val, windows);
  };
  const point = (step: number) => {
    const valLoss = evaluate(o.curveWindows);
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
  const finalValLoss = evaluate();
  log(`final: val ${finalValLoss.toFixed(4)} on the whole split`);
  const tokens = o.steps * tokensPerStep;
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

/** A red-team run: one simulated member commits what its attack makes of its trained update. */
export interface Adversary {
  readonly member: number;
  readonly attack: Attack;
}

/** A round as the witnesses judged it, for audits of a simulated run. */
export interface JudgedRound {
  readonly step: number;
  /** The parameters the round trained from (after rounds 0..step-2). */
  readonly base: readonly Float32Array[];
  /** Each member's assigned batches, the hash it committed, and the bytes it published for it. */
  readonly batches: readonly Batch[][];
  readonly receipts: readonly Uint8Array[];
  readonly committed: readonly Uint8Array[];
  /** Members the witnesses did not vouch for, with why. */
  readonly refused: ReadonlyMap<number, string>;
}

export interface RoundRunExtras {
  readonly adversary?: Adversary;
  /** Witnesses judge every round (sdk/audit/witnessChecks.ts), as the network's do; implied by an adversary. */
  readonly judge?: boolean;
  readonly onRound?: (round: JudgedRound) => void;
  /** Members that restart with a zero round state before training a step (a node that lost its state dir). */
  readonly restarts?: readonly { readonly member: number; readonly step: number }[];
}

/** Data seed of rows nobody is assigned: what a lazy member trains on. */
const unassignedSeed = (seed: number) => (seed ^ 0x5bd1e995) >>> 0;

/**
 * Rounds with `workers` simulated members sharing each round's global batches (batchRows must divide evenly): round
 * s trains from the shared parameters after rounds 0..s-2 and is applied once trained, as on the network. The run's
 * steps are rounds; each member trains H = config.innerSteps inner steps per round. With `extras`, one member may
 * attack and the round's accepted set is what the witnesses' checks let through.
 */
export function trainRounds(
  model: Transformer,
  o: RunOptions,
  config: RoundConfig,
  workers: number,
  extras: RoundRunExtras = {},
): RoundRunResult {
  const seqLen = model.config.contextLength;
  const rows = o.batchRows / workers;
  const H = config.innerSteps;
  const members = Array.from({ length: workers }, () => new RoundTrainer(model, config, o.schedule));
  const layout = members[0].compressor.layout;
  const shared = new SharedParameters(model.getWeights(), model.specs, config, layout, o.schedule);
  const { adversary, onRound } = extras;
  const zero = members[0].settledState(); // before any round: what a restarted member starts from
  const judge = extras.judge || adversary !== undefined;
  let pending: Uint8Array[] | null = null;
  let previous: Uint8Array[] = [];
  const mismatched = new Set<number>();
  let bytes = 0;
  let codecMs = 0;
  const applyPending = (step: number) => {
    const t0 = performance.now();
    if (pending) shared.applyRound(step, pending);
    codecMs += performance.now() - t0;
  };
  // the adversary trains last, so a copier has the round's other updates
  const order = Array.from({ length: workers }, (_, w) => w).sort(
    (a, b) => Number(a === adversary?.member) - Number(b === adversary?.member),
  );
  try {
    const result = runLoop(
      model,
      o,
      (step) => {
        let lossSum = 0;
        const base = onRound ? shared.params.map((p) => p.slice()) : shared.params;
        const committed: Uint8Array[] = new Array(workers);
        const receipts: Uint8Array[] = new Array(workers);
        const batches: Batch[][] = new Array(workers);
        for (const w of order) {
          const attack = w === adversary?.member ? adversary.attack : undefined;
          batches[w] = roundBatches(o.train, seqLen, { seed: o.seed, step, innerSteps: H, firstRow: w * rows, rows });
          const trainedOn = attack?.trainsOnOtherRows
            ? roundBatches(o.train, seqLen, {
                seed: unassignedSeed(o.seed),
                step,
                innerSteps: H,
                firstRow: w * rows,
                rows,
              })
            : batches[w];
          if (extras.restarts?.some((r) => r.member === w && r.step === step)) members[w].restoreState(zero);
          const update = runToEnd(members[w].train(shared.params, trainedOn, step));
          members[w].settle(step); // every simulated update is on record
          lossSum += update.loss;
          codecMs += update.compressMs;
          committed[w] = attack ? attacked(attack, layout, update.bytes, committed, previous[w], step) : update.bytes;
          receipts[w] = updateHash(committed[w]);
          // what it publishes is what witnesses and auditors get: bytes that are not its receipt's never pass
          if (attack?.published) {
            committed[w] = encodeUpdate(attack.published(decodeUpdate(committed[w], layout)));
            mismatched.add(w);
          }
          bytes += committed[w].length;
        }
        const refused = new Map<number, string>([...mismatched].map((w) => [w, "its bytes do not match its receipt"]));
        if (judge) {
          const named = (list: readonly Uint8Array[]) =>
            list.map((b, w) => ({ member: String(w), step: step - 1, update: decodeUpdate(b, layout) }));
          for (const r of witnessRefusals(step, named(committed), named(previous)))
            refused.set(Number(r.member), r.reason);
        }
        onRound?.({ step, base, batches, receipts, committed, refused });
        applyPending(step - 1);
        pending = committed.filter((_, w) => !refused.has(w));
        previous = committed;
        if (step === o.steps - 1) {
          applyPending(step);
          pending = null;
        }
        return lossSum / workers;
      },
      () => shared.params,
      o.batchRows * seqLen * H,
    );
    return {
      ...result,
      bytesPerWorkerStep: bytes / (o.steps * workers),
      denseBytes: 4 * countParameters(model.config),
      demoSecondsPerStep: codecMs / 1000 / o.steps,
    };
  } finally {
    for (const m of members) m.dispose();
  }
}
