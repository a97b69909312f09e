// Usefulness (Templar's idea, made deterministic): does a member's update help the rows it was assigned more than rows
// nobody was assigned? From the round's base parameters (the shared parameters after rounds 0..s-2, the ones the
// member trained from), its update alone takes one small step in the direction the outer rule would give it, and the
// loss drop on its own rows is compared with the drops on USEFULNESS_SETS sets of as many rows nobody trains (the
// same global batches, past their end): the difference from their mean, in units of their spread. Honest training
// fits the rows it saw, so its own rows stand out; an update that never saw them (random, trained on other rows, or
// sign-flipped) does not, or goes the wrong way. Dividing by the spread makes the score unitless: the same threshold
// holds across corpora, models and the course of a run, where raw loss drops shrink as training goes on. One round
// is noisy (2 rows of 64 tokens per member in the sweep), so the verdict pools a member's receipts
// (memberUsefulness). Everything is a function of public data, so any auditor recomputes the same figures.
import * as tf from "@tensorflow/tfjs";
import { assignBatchRows, roundDataSeed } from "../../sdk/batchAssignment";
import { aggregateUpdates } from "../../sdk/demo/aggregate";
import type { SparseUpdate } from "../../sdk/demo/sparseUpdate";
import type { TokenSource } from "../data/tokenSource";
import type { Transformer } from "../model/transformer";
import type { AssignedRound, Batch } from "../node/roundTraining";
import { roundBatches } from "../node/roundTraining";
import type { RoundConfig } from "../optim/roundConfig";
import { roundTransform } from "../optim/updateCompressor";

/**
 * The step's size as the root mean square of the parameter change: small enough that the loss change is about
 * linear in the update, and the same for every update whatever its scale, so no one games the score by magnitude.
 */
export const USEFULNESS_STEP = 1e-3;

/**
 * Pooled score (memberUsefulness) below which a member is flagged. Measured with bench/usefulnessSweep.ts: per
 * setting 20 seeds of a DeMo run (the demo's model and round, 4 members, 2 rows each) with 80 honest members and 20
 * of each attacker claiming a member's rows; "receipts" is the rounds each member is scored over.
 *
 *                          honest min / median     attackers max (free-rider, lazy ×2)   sign-flip max
 *   generated,  3 receipts   2.13 / 3.93              1.67 (1 of 60 above 1.4)              −2.90
 *   generated,  6            2.15 / 3.24              1.12                                  −2.45
 *   generated, 12            1.76 / 2.74              0.99                                  −2.07
 *   Shakespeare, 3           2.41 / 3.72              1.79 (1 of 60 above)                  −3.11
 *   Shakespeare, 6           1.81 / 2.68              1.22                                  −2.08
 *   Shakespeare, 12          1.75 / 2.42              0.79                                  −1.87
 *   Shakespeare, 40 (6 seeds) 1.72 / 2.79             0.37                                  −2.29
 *
 * No honest member of 504 falls below 1.4 (the lowest, 1.72, is 0.32 above it); every attacker scored over 6
 * receipts or more is flagged (the highest, 1.22, is 0.18 below it), and 118 of 120 over 3. Fewer receipts give
 * attackers more luck: judge a member over 6 rounds or more.
 *
 * The calibration holds for DeMo's round, not for rounds of H AdamW steps with sparse error feedback (bench:audit's
 * inner-steps round, q2 values at 0.25% density): there an update carries mostly what earlier rounds left in the
 * buffer, honest scores sit near the threshold (12 receipts of H = 2: min 0.96, median 1.70; 14 of 80 below 1.4),
 * while attackers still score far lower. So a low score is a signal: the auditor's verdict rests on it only where
 * re-execution could not match every update exactly (clients/cli/lib/runAudit.ts).
 */
export const USEFULNESS_THRESHOLD = 1.4;

/** Sets of unassigned rows each update is compared against: enough to estimate the spread of their gains. */
export const USEFULNESS_SETS = 8;

export interface UsefulnessScore {
  /** Loss drop on the member's assigned rows after its step. */
  readonly gainOwn: number;
  /** Mean loss drop on USEFULNESS_SETS sets of as many rows assigned to nobody. */
  readonly gainOther: number;
  /** Standard deviation of the loss drops among those sets. */
  readonly spread: number;
  /** (gainOwn − gainOther) / spread: how far its own rows stand out, in units of the spread among rows it never saw. */
  readonly score: number;
}

/**
 * Rows nobody trains in round `step`, as many as the member at `slot` was assigned and from the same distribution:
 * set k (0 ≤ k < USEFULNESS_SETS) is its rows shifted past k + 1 global batches, rows [(k + 1)·B + firstRow, ...) of
 * the same H global batches under the same data seed (assignedBatches' round). Null when it is assigned none.
 */
export function unassignedBatches(train: TokenSource, seqLen: number, round: AssignedRound): Batch[][] | null {
  const rows = assignBatchRows(round.dataSeed, round.epochSlots, round.slot, round.globalBatchSize);
  if (!rows) return null;
  const { step, innerSteps, globalBatchSize } = round;
  return unassignedRowSets(train, seqLen, {
    seed: roundDataSeed(round.dataSeed),
    step,
    innerSteps,
    globalBatchSize,
    ...rows,
  });
}

/** The USEFULNESS_SETS sets of rows past the global batch for rows [firstRow, firstRow + rows) of a round. */
export function unassignedRowSets(
  train: TokenSource,
  seqLen: number,
  r: { seed: number; step: number; innerSteps: number; globalBatchSize: number; firstRow: number; rows: number },
): Batch[][] {
  return Array.from({ length: USEFULNESS_SETS }, (_, k) =>
    roundBatches(train, seqLen, {
      seed: r.seed,
      step: r.step,
      innerSteps: r.innerSteps,
      firstRow: (k + 1) * r.globalBatchSize + r.firstRow,
      rows: r.rows,
    }),
  );
}

/** The parameter change the outer rule makes of `update` alone, scaled to USEFULNESS_STEP root mean square. */
export function usefulnessStep(update: SparseUpdate, config: RoundConfig): Float32Array[] {
  const directions = aggregateUpdates([update], config.aggregation, roundTransform(config));
  if (config.outer === "sign") for (const d of directions) for (let j = 0; j < d.length; j++) d[j] = Math.sign(d[j]);
  let squares = 0;
  let count = 0;
  for (const d of directions) {
    for (let j = 0; j < d.length; j++) squares += d[j] * d[j];
    count += d.length;
  }
  // an update of zeros moves nothing: its score is 0, which the threshold flags
  const scale = squares > 0 ? USEFULNESS_STEP / Math.sqrt(squares / count) : 0;
  for (const d of directions) for (let j = 0; j < d.length; j++) d[j] *= scale;
  return directions;
}

/** Mean next-token loss of `model` (its current weights) over `batches`, weighted by rows. */
export function batchesLoss(model: Transformer, batches: readonly Batch[]): number {
  let sum = 0;
  let rows = 0;
  for (const { inputs, targets, rows: n } of batches) {
    const shape: [number, number] = [n, inputs.length / n];
    const loss = tf.tidy(() =>
      model.loss(tf.tensor2d(inputs, shape, "int32"), tf.tensor2d(targets, shape, "int32")).dataSync(),
    );
    sum += loss[0] * n;
    rows += n;
  }
  return sum / rows;
}

/**
 * The usefulness of one update: from `base`, one USEFULNESS_STEP along the outer rule's direction of `update`
 * alone (momentum and weight decay belong to the network's step, not to this member), the loss drop on `own` (its
 * assigned batches) against those on `others` (unassignedBatches). Leaves `model` at the stepped parameters.
 */
export function usefulness(
  model: Transformer,
  input: {
    readonly base: readonly Float32Array[];
    readonly update: SparseUpdate;
    readonly config: RoundConfig;
    readonly own: readonly Batch[];
    readonly others: readonly (readonly Batch[])[];
  },
): UsefulnessScore {
  const { base, own, others } = input;
  const sets = [own, ...others];
  model.setWeights(base);
  const before = sets.map((b) => batchesLoss(model, b));
  const step = usefulnessStep(input.update, input.config);
  model.setWeights(
    base.map((p, i) => {
      const d = step[i];
      const out = new Float32Array(p.length);
      for (let j = 0; j < p.length; j++) out[j] = p[j] - d[j];
      return out;
    }),
  );
  const [gainOwn, ...gains] = sets.map((b, i) => before[i] - batchesLoss(model, b));
  const gainOther = gains.reduce((sum, g) => sum + g, 0) / gains.length;
  const spread = Math.sqrt(gains.reduce((sum, g) => sum + (g - gainOther) ** 2, 0) / (gains.length - 1));
  // a step that moves nothing (an update of zeros) has no spread: it stands out not at all
  return { gainOwn, gainOther, spread, score: spread > 0 ? (gainOwn - gainOther) / spread : 0 };
}

export interface MemberUsefulness {
  /** Receipts scored. */
  readonly receipts: number;
  readonly meanGainOwn: number;
  readonly meanGainOther: number;
  /**
   * Σ (gainOwn − gainOther) / Σ spread over its receipts: how far its own rows stand out, pooled. Pooled rather than
   * a mean of the receipts' scores, whose rare receipts with a tiny spread (|score| up to 30 measured) swing a mean.
   */
  readonly score: number;
  /** unscored: no receipt could be scored (no bytes, or none decoded), which says nothing either way. */
  readonly verdict: "useful" | "flagged" | "unscored";
}

/** The decision over a member's scored receipts: flagged when its pooled score is below USEFULNESS_THRESHOLD. */
export function memberUsefulness(scores: readonly UsefulnessScore[]): MemberUsefulness {
  const n = scores.length;
  const sum = (pick: (s: UsefulnessScore) => number) => scores.reduce((total, s) => total + pick(s), 0);
  const spread = sum((s) => s.spread);
  const score = spread > 0 ? sum((s) => s.gainOwn - s.gainOther) / spread : 0;
  return {
    receipts: n,
    meanGainOwn: n ? sum((s) => s.gainOwn) / n : 0,
    meanGainOther: n ? sum((s) => s.gainOther) / n : 0,
    score,
    verdict: !n ? "unscored" : score < USEFULNESS_THRESHOLD ? "flagged" : "useful",
  };
}
