import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../backend/selectBackend";
import { arrayTokenSource } from "../data/tokenSource";
import { Transformer } from "../model/transformer";
import { evaluateLoss } from "./evaluate";

beforeAll(() => selectBackend({ order: ["wasm"], log: () => {} }));

test("validation loss is the mean over every non-overlapping window of the split", () => {
  const model = new Transformer({ vocabSize: 7, contextLength: 4, layers: 1, heads: 1, width: 8 }, { seed: 3 });
  const tokens = Array.from({ length: 23 }, (_, i) => (i * i) % 7); // windows at 0, 4, ..., 16 (5 of them)
  const windowLoss = (o: number) =>
    tf.tidy(
      () =>
        model
          .loss(
            tf.tensor2d([tokens.slice(o, o + 4)], [1, 4], "int32"),
            tf.tensor2d([tokens.slice(o + 1, o + 5)], [1, 4], "int32"),
          )
          .dataSync()[0],
    );
  const expected = [0, 4, 8, 12, 16].map(windowLoss).reduce((a, b) => a + b) / 5;
  expect(evaluateLoss(model, arrayTokenSource(tokens), Infinity, 2)).toBeCloseTo(expected, 5);
  expect(evaluateLoss(model, arrayTokenSource(tokens), 2)).toBeCloseTo((windowLoss(0) + windowLoss(4)) / 2, 5);
  model.dispose();
});
