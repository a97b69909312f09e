// One member's part of a round: the rows of the global batch the round seed assigns it, its gradient on them folded
// into its DeMo momentum, and the encoded update it sends. The trainer node and the single-process DeMo run
// (trainer/train/trainingRuns.ts) both train through trainUpdate, so a round is computed one way everywhere.
import { assignBatchRows, roundDataSeed } from "../../sdk/batchAssignment";
import { encodeUpdate } from "../../sdk/codec/updateCodec";
import { batchOffsets } from "../../sdk/data/batchSampling";
import type { TokenSource } from "../data/tokenSource";
import { windowsToBatch } from "../data/tokenSource";
import type { Transformer } from "../model/transformer";
import type { DemoWorker } from "../optim/demo";

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
 * The batch a member trains on in a round of the network: its rows of the global batch by the round seed (the
 * epoch members in slot order, globalBatchSize rows), batch id = the step; null when it is assigned none.
 */
export function assignedBatch(
  train: TokenSource,
  seqLen: number,
  round: { seed: Uint8Array; epochSlots: readonly number[]; slot: number; globalBatchSize: number; step: number },
): Batch | null {
  const rows = assignBatchRows(round.seed, round.epochSlots, round.slot, round.globalBatchSize);
  if (!rows) return null;
  return batchRows(train, seqLen, { seed: roundDataSeed(round.seed), batchId: round.step >>> 0, ...rows });
}

export interface TrainedUpdate {
  /** Mean training loss on the batch. */
  readonly loss: number;
  /** The canonical encoded update (what the receipt hashes). */
  readonly bytes: Uint8Array;
  /** Milliseconds in the forward/backward pass, and in DeMo compression + encoding. */
  readonly computeMs: number;
  readonly compressMs: number;
}

/** Trains on `batch` at `lrScale` (lr / peak lr) and returns the encoded update; the worker's momentum moves on. */
export function trainUpdate(model: Transformer, worker: DemoWorker, batch: Batch, lrScale: number): TrainedUpdate {
  const t0 = performance.now();
  const { loss, grads } = model.lossAndGradArrays(batch, batch.rows);
  const t1 = performance.now();
  const bytes = encodeUpdate(worker.step(grads, lrScale));
  return { loss, bytes, computeMs: t1 - t0, compressMs: performance.now() - t1 };
}
