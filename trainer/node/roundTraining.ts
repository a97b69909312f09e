// One member's part of a round: its rows of the round's H global batches, H inner steps from the round's shared
// parameters, and the compressed, encoded update it sends (roundConfig.ts has the rules). The trainer node and the
// single-process runs (trainer/train/trainingRuns.ts) both train through RoundTrainer, so a round is computed one way
// everywhere; training is a generator that yields between inner steps, so a node keeps serving its peers and the
// chain while it trains.
import * as tf from "@tensorflow/tfjs";
import { setImmediate as nextTurn } from "node:timers/promises";
import { assignBatchRows, roundDataSeed } from "../../sdk/batchAssignment";
import { encodeUpdate } from "../../sdk/codec/updateCodec";
import { batchOffsets } from "../../sdk/data/batchSampling";
import { ConcordError } from "../../sdk/errors/concordError";
import { CONCORD_ERROR__DATASET__BATCH_OUT_OF_RANGE } from "../../sdk/errors/codes";
import type { LrSchedule } from "../../sdk/lrSchedule";
import { learningRate } from "../../sdk/lrSchedule";
import type { TokenSource } from "../data/tokenSource";
import { windowsToBatch } from "../data/tokenSource";
import type { Transformer } from "../model/transformer";
import type { AdamWState } from "../optim/adamw";
import { AdamW } from "../optim/adamw";
import { clipScale, globalNorm } from "../optim/gradClip";
import type { RoundConfig } from "../optim/roundConfig";
import { UpdateCompressor } from "../optim/updateCompressor";

export interface Batch {
  readonly inputs: Int32Array;
  readonly targets: Int32Array;
  readonly rows: number;
}

/** Rows [firstRow, firstRow + rows) of global batch `batchId` under data seed `seed`. */
export function batchRows(
  train: TokenSource,
  seqLen: number,
  request: { seed: number; batchId: number; firstRow: number; rows: number },
): Batch {
  const offsets = batchOffsets({ ...request, seqLen }, train.length);
  return { ...windowsToBatch(train, offsets, seqLen), rows: request.rows };
}

/**
 * Rows [firstRow, firstRow + rows) of each of round `step`'s H global batches under data seed `seed`: a round of H
 * inner steps covers batch ids step·H .. step·H + H − 1.
 */
export function roundBatches(
  train: TokenSource,
  seqLen: number,
  round: { seed: number; step: number; innerSteps: number; firstRow: number; rows: number },
): Batch[] {
  const { seed, step, innerSteps, firstRow, rows } = round;
  return Array.from({ length: innerSteps }, (_, h) => {
    const batchId = step * innerSteps + h;
    if (!Number.isSafeInteger(batchId) || batchId > 0xffffffff)
      throw new ConcordError(CONCORD_ERROR__DATASET__BATCH_OUT_OF_RANGE, {
        reason: `batch id ${batchId} exceeds 32 bits`,
      });
    return batchRows(train, seqLen, { seed, batchId, firstRow, rows });
  });
}

/** What fixes a member's rows in a round. */
export interface AssignedRound {
  readonly dataSeed: Uint8Array;
  readonly epochSlots: readonly number[];
  readonly slot: number;
  readonly globalBatchSize: number;
  readonly step: number;
  readonly innerSteps: number;
}

/**
 * The batches a member trains on in round `step` of the network: its rows of each of the round's H global batches
 * under the round's data seed (the previous round's seed, so rows are known one round ahead), the epoch members in
 * slot order; null when it is assigned none. Auditors call the same function to re-execute a contribution.
 */
export function assignedBatches(train: TokenSource, seqLen: number, round: AssignedRound): Batch[] | null {
  const rows = assignBatchRows(round.dataSeed, round.epochSlots, round.slot, round.globalBatchSize);
  if (!rows) return null;
  const { step, innerSteps } = round;
  return roundBatches(train, seqLen, { seed: roundDataSeed(round.dataSeed), step, innerSteps, ...rows });
}

export interface TrainedUpdate {
  /** Mean training loss over the inner steps. */
  readonly loss: number;
  /** The canonical encoded update (what the receipt hashes). */
  readonly bytes: Uint8Array;
  /** Milliseconds in the inner steps (forward, backward, inner optimizer), and in compression + encoding. */
  readonly computeMs: number;
  readonly compressMs: number;
}

/** What a member carries from round to round: its error feedback and its inner optimizer's moments. */
export interface RoundState {
  readonly buffer: Float32Array[];
  readonly adamw: AdamWState | null;
}

/**
 * A member's private round state (error feedback, inner optimizer) and the way it trains a round. The state must
 * follow exactly the rounds on record, so that anyone can re-derive it from the member's committed updates: rounds
 * trained ahead are settled once committed, or rolled back when they never will be.
 */
export class RoundTrainer {
  readonly compressor: UpdateCompressor;
  private readonly adamw: AdamW | null;
  /** The state before each trained round not yet settled, by step. */
  private readonly before = new Map<number, RoundState>();

  constructor(
    private readonly model: Transformer,
    private readonly config: RoundConfig,
    private readonly schedule: LrSchedule,
    compressor?: UpdateCompressor,
  ) {
    this.compressor =
      compressor ??
      new UpdateCompressor(
        model.specs.map((s) => s.shape),
        config,
      );
    const inner = config.inner;
    this.adamw =
      inner.kind === "adamw"
        ? new AdamW(
            model.params,
            model.specs.map((s) => s.decay),
            { ...inner, gradClip: config.gradClip },
            model.ops,
          )
        : null;
  }

  /**
   * Trains round `step` from `base` (the round's shared parameters; loaded into the model) on `batches`, one per
   * inner step, yielding after each; returns the encoded update.
   */
  *train(base: readonly Float32Array[], batches: readonly Batch[], step: number): Generator<void, TrainedUpdate> {
    this.before.set(step, { buffer: this.compressor.bufferState(), adamw: this.adamw?.saveState() ?? null });
    const t0 = performance.now();
    const { delta, scale, loss } = yield* this.roundDelta(base, batches, step);
    const t1 = performance.now();
    const bytes = encodeUpdate(this.compressor.compress(delta, scale));
    return { loss, bytes, computeMs: t1 - t0, compressMs: performance.now() - t1 };
  }

  /**
   * The model compute of round `step`: the pseudo-gradient of the H inner steps from `base` on `batches`, the scale
   * it is compressed with, and the mean loss. Protected so that bench/scale.ts can put a synthetic update of the
   * same layout in its place and measure the protocol alone.
   */
  protected *roundDelta(
    base: readonly Float32Array[],
    batches: readonly Batch[],
    step: number,
  ): Generator<void, { delta: Float32Array[]; scale: number; loss: number }> {
    this.model.setWeights(base);
    // The base may move while this round trains (the node applies decided rounds meanwhile): keep its start
    const start = this.adamw ? base.map((b) => b.slice()) : base;
    const lrScale = learningRate(this.schedule, step) / this.schedule.lr;
    let lossSum = 0;
    let delta: Float32Array[];
    let scale = 1;
    if (this.adamw) {
      const H = batches.length;
      for (let h = 0; h < H; h++) {
        const { inputs, targets, rows } = batches[h];
        const shape: [number, number] = [rows, inputs.length / rows];
        const [x, y] = [tf.tensor2d(inputs, shape, "int32"), tf.tensor2d(targets, shape, "int32")];
        const { loss, grads } = this.model.lossAndGrads(x, y);
        // The schedule in rounds, read at fractions of a round so the rate moves smoothly through its inner steps
        this.adamw.step(grads, learningRate(this.schedule, step + h / H));
        lossSum += loss.dataSync()[0];
        tf.dispose([x, y, loss, ...grads]);
        yield;
      }
      // start − end, written over the copies getWeights returns (plain loops: this runs on every round)
      delta = this.model.getWeights();
      delta.forEach((d, i) => {
        const b = start[i];
        for (let j = 0; j < d.length; j++) d[j] = b[j] - d[j];
      });
    } else {
      // Gradient accumulation over the H batches at the same parameters: one DeMo step of an H times larger batch
      let sum: Float32Array[] | null = null;
      for (const batch of batches) {
        const { loss, grads } = this.model.lossAndGradArrays(batch, batch.rows);
        if (sum)
          sum.forEach((acc, i) => {
            const g = grads[i];
            for (let j = 0; j < acc.length; j++) acc[j] += g[j];
          });
        else sum = grads;
        lossSum += loss;
        yield;
      }
      delta = sum!;
      if (batches.length > 1) for (const d of delta) for (let j = 0; j < d.length; j++) d[j] /= batches.length;
      // a non-finite norm is refused by compress(), which checks every pseudo-gradient
      scale = lrScale * clipScale(globalNorm(delta), this.config.gradClip);
    }
    return { delta, scale, loss: lossSum / batches.length };
  }

  /** Rounds up to `step` are on record: their states before need not be kept. */
  settle(step: number): void {
    for (const s of this.before.keys()) if (s <= step) this.before.delete(s);
  }

  /**
   * Rounds from `step` on will never be on record: the state returns to what it was before the first of them that
   * was trained (the later ones were trained on top of it). False when there was none to undo.
   */
  rollback(step: number): boolean {
    const undone = [...this.before.keys()].filter((s) => s >= step).sort((a, b) => a - b);
    if (!undone.length) return false;
    const state = this.before.get(undone[0])!;
    this.compressor.restoreBuffer(state.buffer);
    if (state.adamw) this.adamw!.restore(state.adamw);
    for (const s of undone) this.before.delete(s);
    return true;
  }

  /** The state after the rounds settled so far: before the first round trained ahead, else the current one. */
  settledState(): RoundState {
    const ahead = [...this.before.keys()].sort((a, b) => a - b)[0];
    if (ahead !== undefined) return this.before.get(ahead)!;
    return { buffer: this.compressor.bufferState(), adamw: this.adamw?.saveState() ?? null };
  }

  /** Takes a state settledState() returned (a restarted member's, from its state dir); nothing may be in training. */
  restoreState(state: RoundState): void {
    if (this.before.size) throw new Error("restoreState: rounds are in training");
    if ((state.adamw === null) !== (this.adamw === null))
      throw new Error("restoreState: the state's inner optimizer is not this trainer's");
    const sizes = this.compressor.bufferState().map((b) => b.length);
    if (state.buffer.length !== sizes.length || state.buffer.some((b, i) => b.length !== sizes[i]))
      throw new Error("restoreState: the state's error feedback does not fit this model");
    this.compressor.restoreBuffer(state.buffer);
    if (state.adamw) this.adamw!.restore(state.adamw);
  }

  dispose(): void {
    this.adamw?.dispose();
  }
}

/** Runs a training generator to its end without yielding (single-process runs). */
export function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * Runs a training generator, letting the event loop turn after every inner step (a node's I/O goes on); an abort
 * stops it between steps.
 */
export async function runYielding<T>(steps: Generator<void, T>, signal?: AbortSignal): Promise<T> {
  for (;;) {
    signal?.throwIfAborted();
    const r = steps.next();
    if (r.done) return r.value;
    await nextTurn();
  }
}
