// Validation loss as the acceptance figures use it: the mean next-token loss over every non-overlapping window of
// the split (the whole split, not a random sample), or over its first `maxWindows` windows for quick curves.
import * as tf from "@tensorflow/tfjs";
import { evaluationOffsets } from "../../sdk/data/batchSampling";
import type { TokenSource } from "../data/tokenSource";
import { windowsToBatch } from "../data/tokenSource";
import type { Transformer } from "../model/transformer";

export function evaluateLoss(model: Transformer, split: TokenSource, maxWindows = Infinity, batchRows = 32): number {
  const seqLen = model.config.contextLength;
  const offsets = evaluationOffsets(split.length, seqLen).slice(0, maxWindows);
  let sum = 0;
  for (let i = 0; i < offsets.length; i += batchRows) {
    const rows = offsets.slice(i, i + batchRows);
    const { inputs, targets } = windowsToBatch(split, rows, seqLen);
    const loss = tf.tidy(() =>
      model.loss(
        tf.tensor2d(inputs, [rows.length, seqLen], "int32"),
        tf.tensor2d(targets, [rows.length, seqLen], "int32"),
      ),
    );
    sum += loss.dataSync()[0] * rows.length; // every window has the same token count
    loss.dispose();
  }
  return sum / offsets.length;
}
