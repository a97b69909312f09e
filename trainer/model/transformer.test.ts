import * as tf from "@tensorflow/tfjs";
import { CONCORD_ERROR__TRAINER__INVALID_CONFIG } from "../../sdk/errors/codes";
import { selectBackend } from "../backend/selectBackend";
import { AdamW, NANOGPT_ADAMW } from "../optim/adamw";
import { stockOps, wasmOps } from "./ops";
import {
  BABY_GPT,
  configFromJson,
  configToJson,
  countParameters,
  initialWeights,
  parameterSpecs,
  Transformer,
} from "./transformer";
import { expectConcordError } from "../../tests/helpers/expectConcordError";

const tiny = { vocabSize: 11, contextLength: 8, layers: 2, heads: 2, width: 16 };

function batch(rows: number, t: number, vocab: number, shift = 0): [tf.Tensor2D, tf.Tensor2D] {
  const x = Int32Array.from({ length: rows * t }, (_, i) => (i * 3 + shift) % vocab);
  const y = Int32Array.from({ length: rows * t }, (_, i) => (i * 3 + shift + 1) % vocab);
  return [tf.tensor2d(x, [rows, t], "int32"), tf.tensor2d(y, [rows, t], "int32")];
}

beforeAll(() => selectBackend({ order: ["wasm"], log: () => {} }));

describe("transformer", () => {
  test("configuration round-trips through JSON and bad ones are refused", () => {
    expect(configFromJson(configToJson(BABY_GPT))).toEqual(BABY_GPT);
    for (const bad of ['{"vocabSize":65}', "[]", "nope", configToJson(tiny).replace('"heads":2', '"heads":3')]) {
      expectConcordError(() => configFromJson(bad), CONCORD_ERROR__TRAINER__INVALID_CONFIG);
    }
  });

  test("nanoGPT's baby GPT has 804,096 parameters; specs and initial weights are fixed by the seed", () => {
    expect(countParameters(BABY_GPT)).toBe(804_096);
    const specs = parameterSpecs(tiny);
    expect(specs.map((s) => s.name).slice(0, 4)).toEqual(["wte", "wpe", "h0.ln1.g", "h0.attn.wqkv"]);
    expect(specs.filter((s) => !s.decay).every((s) => s.shape.length === 1)).toBe(true);
    expect(initialWeights(tiny, 5)).toEqual(initialWeights(tiny, 5));
    expect(initialWeights(tiny, 5)[0]).not.toEqual(initialWeights(tiny, 6)[0]);
  });

  test("shapes: logits (B*T, V), scalar loss near ln V at initialisation", () => {
    const model = new Transformer(tiny, { seed: 1 });
    const [x, y] = batch(3, 8, 11);
    const logits = model.logits(x);
    expect(logits.shape).toEqual([24, 11]);
    const loss = model.loss(x, y);
    expect(loss.shape).toEqual([]);
    expect(Math.abs(loss.dataSync()[0] - Math.log(11))).toBeLessThan(0.1);
    const short = model.logits(tf.tensor2d(new Int32Array(5), [1, 5], "int32")); // T < context
    expect(short.shape).toEqual([5, 11]);
    tf.dispose([logits, loss, short, x, y]);
    model.dispose();
  });

  test("forward, gradients and optimizer steps leak no tensors", () => {
    const model = new Transformer(tiny, { seed: 2 });
    const opt = new AdamW(
      model.params,
      model.specs.map((s) => s.decay),
      NANOGPT_ADAMW,
      model.ops,
    );
    const [x, y] = batch(2, 8, 11);
    const step = () => {
      const { loss, grads } = model.lossAndGrads(x, y);
      opt.step(grads, 1e-3);
      tf.dispose([loss, ...grads]);
    };
    step(); // creates the cached causal mask
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    tf.dispose(model.loss(x, y));
    tf.dispose(model.logits(x));
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    model.dispose();
    tf.dispose([x, y]);
  });

  test("a few AdamW steps on one batch lower its loss", () => {
    const model = new Transformer(tiny, { seed: 3 });
    const opt = new AdamW(
      model.params,
      model.specs.map((s) => s.decay),
      NANOGPT_ADAMW,
      model.ops,
    );
    const [x, y] = batch(4, 8, 11);
    const losses: number[] = [];
    for (let i = 0; i < 15; i++) {
      const { loss, grads } = model.lossAndGrads(x, y);
      losses.push(loss.dataSync()[0]);
      opt.step(grads, 1e-2);
      tf.dispose([loss, ...grads]);
    }
    expect(losses[14]).toBeLessThan(losses[0] - 0.5);
    opt.dispose();
    model.dispose();
    tf.dispose([x, y]);
  });

  test("the wasm-tuned ops give the stock ops' loss and gradients", () => {
    const a = new Transformer(tiny, { seed: 4, ops: wasmOps });
    const b = new Transformer(tiny, { seed: 4, ops: stockOps });
    const [x, y] = batch(3, 8, 11, 2);
    const ga = a.lossAndGrads(x, y);
    const gb = b.lossAndGrads(x, y);
    expect(ga.loss.dataSync()[0]).toBeCloseTo(gb.loss.dataSync()[0], 5);
    ga.grads.forEach((g, i) => {
      const p = g.dataSync();
      const q = gb.grads[i].dataSync();
      const scale = Math.max(...Array.from(q, Math.abs));
      for (let j = 0; j < p.length; j++) expect(Math.abs(p[j] - q[j])).toBeLessThanOrEqual(1e-4 * scale + 1e-7);
    });
    tf.dispose([ga.loss, gb.loss, ...ga.grads, ...gb.grads, x, y]);
    a.dispose();
    b.dispose();
  });
});
