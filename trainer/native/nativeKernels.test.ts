// Every native kernel against the stock tfjs kernel (or the stock composition of tfjs ops it replaces) and a float64
// reference, on the baby GPT's shapes plus transposes, broadcasting and empty tensors; gradients against tfjs's own
// and against finite differences; the optimizer steps' in-place semantics.
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../backend/selectBackend";
import { nativeOps } from "../model/nativeOps";
import { stockOps, wasmOps } from "../model/ops";
import type { AdamWStep } from "../model/ops";
import { loadNativeAddon } from "./nativeAddon";
import { installNativeKernels, nativeKernelsInstalled, removeNativeKernels } from "./nativeKernels";
import { activeWasmBackend, sharers } from "./wasmHeap";

const addon = () => {
  const { addon: a, reason } = loadNativeAddon();
  if (!a) throw new Error(`native addon not loaded: ${reason}`);
  return a;
};

beforeAll(async () => {
  const info = await selectBackend({ order: ["wasm+native"], log: () => {} });
  expect(info.nativeKernels?.name).toBe("concord-native");
});

let seed = 7;
function rand(shape: number[], scale = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return ((seed / 2 ** 32) * 2 - 1) * scale;
    }),
    shape,
  );
}

/** Runs f with the stock kernels in place of the native ones. */
function stock<T>(f: () => T): T {
  removeNativeKernels();
  try {
    return f();
  } finally {
    installNativeKernels(addon());
  }
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};
const scaleOf = (a: ArrayLike<number>) => Math.max(1e-30, ...Array.from(a, Math.abs));

/** float64 batched matmul with numpy broadcasting of batch dims. */
function matmul64(a: tf.Tensor, b: tf.Tensor, tA: boolean, tB: boolean): Float64Array {
  const [A, B, as, bs] = [a.dataSync(), b.dataSync(), a.shape, b.shape];
  const [ar, br] = [as.length, bs.length];
  const [M, K] = tA ? [as[ar - 1], as[ar - 2]] : [as[ar - 2], as[ar - 1]];
  const N = tB ? bs[br - 2] : bs[br - 1];
  const [ab, bb] = [as.slice(0, -2), bs.slice(0, -2)];
  const ob = tf.broadcast_util.assertAndGetBroadcastShape(ab, bb);
  const nb = ob.reduce((x, y) => x * y, 1);
  const out = new Float64Array(nb * M * N);
  const index = (shape: number[], coords: number[]) => {
    let r = 0;
    const lead = coords.length - shape.length;
    for (let d = 0; d < shape.length; d++) r = r * shape[d] + (shape[d] === 1 ? 0 : coords[d + lead]);
    return r;
  };
  for (let i = 0; i < nb; i++) {
    const c: number[] = [];
    let rem = i;
    for (let d = ob.length - 1; d >= 0; d--) {
      c[d] = rem % ob[d];
      rem = Math.floor(rem / ob[d]);
    }
    const [ia, ib] = [index(ab, c) * M * K, index(bb, c) * K * N];
    for (let m = 0; m < M; m++)
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += A[ia + (tA ? k * M + m : m * K + k)] * B[ib + (tB ? n * K + k : k * N + n)];
        out[i * M * N + m * N + n] = s;
      }
  }
  return out;
}

describe("native matmul kernels", () => {
  // [a shape, b shape, transposeA, transposeB]: the baby GPT's (768 tokens, width 128, 48 head-batches of 64 x 32),
  // then odd shapes, broadcasting and empty tensors.
  const cases: [number[], number[], boolean, boolean][] = [
    [[768, 128], [128, 384], false, false],
    [[768, 384], [128, 384], false, true],
    [[768, 128], [768, 384], true, false],
    [[768, 128], [65, 128], false, true],
    [[768, 65], [768, 128], true, false],
    [[768, 512], [512, 128], false, false],
    [[65, 768], [128, 65], true, true],
    [[48, 64, 32], [48, 64, 32], false, true],
    [[48, 64, 64], [48, 64, 32], true, false],
    [[3, 5, 7], [7, 2], false, false],
    [[7, 2], [4, 7, 3], true, false],
    [[2, 3, 6, 5], [3, 4, 6], true, true],
    [[2, 1, 5, 6], [1, 3, 6, 4], false, false],
    [[1, 1], [1, 1], false, false],
    [[4, 0, 3], [4, 3, 2], false, false],
    [[4, 3], [3, 0], false, false],
    [[5, 0], [0, 6], false, false],
  ];
  test.each(cases)("%j x %j (tA %s, tB %s) matches float64 and the stock kernel", (as, bs, tA, tB) => {
    const [a, b] = [rand(as), rand(bs)];
    const native = tf.matMul(a, b, tA, tB);
    const ref = matmul64(a, b, tA, tB);
    const v = native.dataSync();
    expect(maxAbs(v, ref)).toBeLessThanOrEqual(2e-6 * Math.max(1, as[as.length - (tA ? 2 : 1)]));
    // The stock wasm kernel gets general batch broadcasting ([2,1] x [1,3]) wrong and XNNPACK refuses empty
    // operands; compare where it is right.
    if (as[1] !== 1 && [...as, ...bs].every((d) => d > 0)) {
      const s = stock(() => tf.matMul(a, b, tA, tB));
      expect(native.shape).toEqual(s.shape);
      expect(maxAbs(v, s.dataSync())).toBeLessThanOrEqual(2e-6 * Math.max(1, as[as.length - (tA ? 2 : 1)]));
      s.dispose();
    }
    tf.dispose([a, b, native]);
  });

  test.each(["linear", "relu"] as const)(
    "fused matmul with bias, %s, matches float64 and the stock kernel",
    (activation) => {
      const [a, b] = [rand([20, 30]), rand([30, 10])];
      const product = matmul64(a, b, false, false);
      for (const bias of [rand([10]), rand([1])]) {
        const f = () => tf.fused.matMul({ a, b, bias, activation });
        const n = f();
        const bv = bias.dataSync();
        const ref = product.map((v, i) =>
          activation === "relu" ? Math.max(0, v + bv[i % bv.length]) : v + bv[i % bv.length],
        );
        expect(maxAbs(n.dataSync(), ref)).toBeLessThan(1e-5);
        // The stock kernel adds a one-element bias to the first column only (a tfjs-backend-wasm 4.22 bug).
        if (bv.length > 1) {
          const s = stock(f);
          expect(maxAbs(n.dataSync(), s.dataSync())).toBeLessThan(1e-5);
          s.dispose();
        }
        tf.dispose([n, bias]);
      }
      tf.dispose([a, b]);
    },
  );

  test("gradients through the native matmul equal tfjs's through the stock one", () => {
    const [a, b] = [rand([48, 64, 32]), rand([48, 64, 32])];
    const g = () => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y, false, true))))([a, b]);
    const [n, s] = [g(), stock(g)];
    n.forEach((t, i) => expect(maxAbs(t.dataSync(), s[i].dataSync())).toBeLessThan(1e-4 * scaleOf(s[i].dataSync())));
    tf.dispose([a, b, ...n, ...s]);
  });
});

describe("native copies", () => {
  test("Identity shares the buffer, and SplitV / Concat give the stock kernels' bits", () => {
    const x = rand([5, 6, 9]);
    const xi = tf.randomUniform([4, 6, 10], 0, 100, "int32");
    const y = tf.clone(x);
    expect(sharers(activeWasmBackend(), y)).toBe(2);
    expect(values(y)).toEqual(values(x));
    const cases: [tf.Tensor, number | number[], number][] = [
      [x, 3, 2],
      [x, [1, 2, 3], 1],
      [x, [2, -1], 0],
      [xi, [3, 7], 2],
      [x, [4, 0, 5], -1],
    ];
    const run = () =>
      cases.map(([t, s, axis]) => {
        const parts = tf.split(t, s, axis);
        const back = tf.concat(parts, axis);
        const out = [...parts.map((p) => [p.shape, values(p)]), values(back)];
        tf.dispose([...parts, back]);
        return out;
      });
    expect(run()).toEqual(stock(run));
    tf.dispose([x, xi, y]);
  });
});

const C = Math.sqrt(2 / Math.PI);
const gelu64 = (v: number) => 0.5 * v * (1 + Math.tanh(C * (v + 0.044715 * v ** 3)));

/** Sum of f(x) weighted by fixed pseudo-random numbers: a scalar whose gradient is a generic upstream dy. */
const weighted =
  (f: (...xs: tf.Tensor[]) => tf.Tensor) =>
  (...xs: tf.Tensor[]) => {
    const y = f(...xs);
    return tf.sum(tf.mul(y, tf.sin(tf.reshape(tf.range(0, y.size), y.shape))));
  };

/** Gradients of `weighted(f)` with the native kernels and with `reference` (the stock composition). */
function compareGrads(
  native: (...xs: tf.Tensor[]) => tf.Tensor,
  reference: (...xs: tf.Tensor[]) => tf.Tensor,
  xs: tf.Tensor[],
  tol: number,
) {
  const gn = tf.grads(weighted(native))(xs);
  const gs = stock(() => tf.grads(weighted(reference))(xs));
  gn.forEach((g, i) => {
    const s = gs[i].dataSync();
    expect(maxAbs(g.dataSync(), s)).toBeLessThanOrEqual(tol * scaleOf(s));
  });
  tf.dispose([...gn, ...gs]);
}

describe("native fused ops", () => {
  test("GELU on the MLP's shape: float64, the stock tanh form, gradients; empty input", () => {
    const x = rand([768, 512], 4);
    const y = nativeOps.gelu(x as tf.Tensor2D);
    expect(maxAbs(y.dataSync(), Array.from(x.dataSync(), gelu64))).toBeLessThan(2e-6);
    const s = stock(() => stockOps.gelu(x as tf.Tensor2D));
    expect(maxAbs(y.dataSync(), s.dataSync())).toBeLessThan(2e-6);
    compareGrads(
      (t) => nativeOps.gelu(t as tf.Tensor2D),
      (t) => stockOps.gelu(t as tf.Tensor2D),
      [rand([64, 48], 4)],
      2e-6,
    );
    expect(nativeOps.gelu(tf.zeros([0, 4]) as tf.Tensor2D).shape).toEqual([0, 4]);
    tf.dispose([x, y, s]);
  });

  test("LayerNorm on the model's shape: float64, the stock composition, gradients of input and gain", () => {
    const [x, g] = [rand([768, 128], 2), rand([128])];
    const y = nativeOps.layerNorm(x as tf.Tensor2D, g as tf.Tensor1D);
    const [xv, gv] = [x.dataSync(), g.dataSync()];
    const ref = new Float64Array(xv.length);
    for (let r = 0; r < 768; r++) {
      const row = Array.from(xv.subarray(r * 128, (r + 1) * 128));
      const m = row.reduce((a, b) => a + b, 0) / 128;
      const v = row.reduce((a, b) => a + (b - m) ** 2, 0) / 128;
      row.forEach((e, c) => (ref[r * 128 + c] = ((e - m) / Math.sqrt(v + 1e-5)) * gv[c]));
    }
    expect(maxAbs(y.dataSync(), ref)).toBeLessThan(5e-6);
    const s = stock(() => wasmOps.layerNorm(x as tf.Tensor2D, g as tf.Tensor1D));
    expect(maxAbs(y.dataSync(), s.dataSync())).toBeLessThan(5e-6);
    const ln = (ops: typeof nativeOps) => (a: tf.Tensor, b: tf.Tensor) =>
      ops.layerNorm(a as tf.Tensor2D, b as tf.Tensor1D);
    compareGrads(ln(nativeOps), ln(wasmOps), [x, g], 2e-5);
    expect(nativeOps.layerNorm(tf.zeros([0, 8]) as tf.Tensor2D, tf.ones([8]) as tf.Tensor1D).shape).toEqual([0, 8]);
    tf.dispose([x, g, y, s]);
  });

  test("causal softmax: float64, the stock masked softmax, gradients", () => {
    const x = rand([48, 64, 64], 4);
    const scale = 1 / Math.sqrt(32);
    const y = nativeOps.causalSoftmax(x as tf.Tensor3D, scale);
    const [xv, yv] = [x.dataSync(), y.dataSync()];
    let worst = 0;
    for (let r = 0; r < 48 * 64; r++) {
      const i = r % 64;
      const row = Array.from(xv.subarray(r * 64, r * 64 + i + 1), (v) => v * scale);
      const mx = Math.max(...row);
      const sum = row.reduce((a, v) => a + Math.exp(v - mx), 0);
      for (let j = 0; j < 64; j++)
        worst = Math.max(worst, Math.abs(yv[r * 64 + j] - (j <= i ? Math.exp(row[j] - mx) / sum : 0)));
    }
    expect(worst).toBeLessThan(1e-6);
    const s = stock(() => wasmOps.causalSoftmax(x as tf.Tensor3D, scale));
    expect(maxAbs(yv, s.dataSync())).toBeLessThan(1e-6);
    const sm = (ops: typeof nativeOps) => (a: tf.Tensor) => ops.causalSoftmax(a as tf.Tensor3D, scale);
    compareGrads(sm(nativeOps), sm(wasmOps), [rand([6, 16, 16], 3)], 1e-5);
    tf.dispose([x, y, s]);
  });

  test("fused attention from packed qkv equals split heads + batched matmuls + softmax (model shape), with gradients", () => {
    const qkv = rand([768, 384]);
    const y = nativeOps.causalSelfAttention(qkv as tf.Tensor2D, 12, 4);
    const s = stock(() => wasmOps.causalSelfAttention(qkv as tf.Tensor2D, 12, 4));
    expect(y.shape).toEqual([768, 128]);
    expect(maxAbs(y.dataSync(), s.dataSync())).toBeLessThan(2e-6);
    const at = (ops: typeof nativeOps) => (a: tf.Tensor) => ops.causalSelfAttention(a as tf.Tensor2D, 3, 2);
    compareGrads(at(nativeOps), at(wasmOps), [rand([3 * 16, 3 * 8])], 2e-5);
    tf.dispose([qkv, y, s]);
  });

  test("cross-entropy and the embedding: float64 and stock values, gradients, out-of-range ids refused", () => {
    const logits = rand([768, 65], 3);
    const targets = tf.tensor1d(
      Int32Array.from({ length: 768 }, (_, i) => (i * 7919) % 65),
      "int32",
    );
    const loss = nativeOps.crossEntropy(logits as tf.Tensor2D, targets as tf.Tensor1D);
    const [lv, tv] = [logits.dataSync(), targets.dataSync()];
    let ref = 0;
    for (let r = 0; r < 768; r++) {
      const row = Array.from(lv.subarray(r * 65, (r + 1) * 65));
      const mx = Math.max(...row);
      ref += Math.log(row.reduce((a, v) => a + Math.exp(v - mx), 0)) + mx - row[tv[r]];
    }
    expect(Math.abs(loss.dataSync()[0] - ref / 768)).toBeLessThan(2e-6);
    const s = stock(() => stockOps.crossEntropy(logits as tf.Tensor2D, targets as tf.Tensor1D));
    expect(Math.abs(loss.dataSync()[0] - s.dataSync()[0])).toBeLessThan(2e-6);
    const ce = (ops: typeof nativeOps) => (a: tf.Tensor) => ops.crossEntropy(a as tf.Tensor2D, targets as tf.Tensor1D);
    compareGrads(ce(nativeOps), ce(stockOps), [logits], 1e-5);

    const table = rand([65, 128]);
    const ids = tf.tensor1d([3, 0, 64, 3, 17], "int32");
    const rows = nativeOps.embed(ids as tf.Tensor1D, table as tf.Tensor2D);
    expect(values(rows)).toEqual(values(tf.gather(table, ids)));
    const em = (ops: typeof nativeOps) => (t: tf.Tensor) => ops.embed(ids as tf.Tensor1D, t as tf.Tensor2D);
    compareGrads(em(nativeOps), em(stockOps), [table], 1e-6);
    expect(() => nativeOps.embed(tf.tensor1d([65], "int32") as tf.Tensor1D, table as tf.Tensor2D)).toThrow(
      /outside 0..64/,
    );
    expect(() =>
      nativeOps.crossEntropy(logits.slice([0, 0], [1, 65]) as tf.Tensor2D, tf.tensor1d([-1], "int32") as tf.Tensor1D),
    ).toThrow(/outside 0..64/);
    tf.dispose([logits, targets, loss, s, table, ids, rows]);
  });

  test("finite differences agree with the native gradients of attention and LayerNorm", () => {
    const check = (f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor) => {
      const g = tf.grad(weighted(f))(x).dataSync();
      const xv = Float32Array.from(x.dataSync());
      const at = (v: Float32Array) => tf.tidy(() => weighted(f)(tf.tensor(v, x.shape)).dataSync()[0]);
      const h = 1e-2;
      for (const i of [0, 5, Math.floor(xv.length / 2), xv.length - 1]) {
        const [up, down] = [Float32Array.from(xv), Float32Array.from(xv)];
        up[i] += h;
        down[i] -= h;
        expect(Math.abs((at(up) - at(down)) / (2 * h) - g[i])).toBeLessThan(2e-3 * Math.max(1, Math.abs(g[i])));
      }
    };
    check((x) => nativeOps.causalSelfAttention(x as tf.Tensor2D, 2, 2), rand([2 * 8, 3 * 8]));
    const g = rand([16]);
    check((x) => nativeOps.layerNorm(x as tf.Tensor2D, g as tf.Tensor1D), rand([6, 16]));
    g.dispose();
  });
});

describe("native optimizer steps", () => {
  const step: AdamWStep = {
    lr: 3e-3,
    beta1: 0.9,
    beta2: 0.99,
    eps: 1e-8,
    weightDecay: 0.1,
    bc1: 0.19,
    bc2: 0.0199,
    gradScale: 0.7,
  };

  test.each([0.1, 0])("AdamW (weight decay %s) gives the stock composition's bits, in place", (weightDecay) => {
    // variables made in tidy, as the model and optimizers make them: each is its buffer's only holder
    const [p, m, v] = tf.tidy(() =>
      [rand([128, 512]), rand([128, 512], 0.1), tf.abs(rand([128, 512], 0.01))].map((t) => tf.variable(t)),
    );
    const g = rand([128, 512]);
    const s = { ...step, weightDecay };
    const expected = stock(() => tf.tidy(() => wasmOps.adamw(p, g, m, v, s).map(values)));
    const before = p.dataId;
    tf.tidy(() => {
      const [p1, m1, v1] = nativeOps.adamw(p, g, m, v, s);
      p.assign(p1 as tf.Tensor2D);
      m.assign(m1 as tf.Tensor2D);
      v.assign(v1 as tf.Tensor2D);
    });
    expect(p.dataId).toBe(before); // updated in place
    expect([values(p), values(m), values(v)]).toEqual(expected);
    tf.dispose([p, m, v, g]);
  });

  test("a buffer another tensor shares is not updated in place", () => {
    const p = tf.tidy(() => tf.variable(rand([64])));
    const alias = tf.clone(p); // shares p's buffer (Identity)
    const copy = values(p);
    const [p1] = nativeOps.adamw(p, rand([64]), tf.zerosLike(p), tf.zerosLike(p), step);
    expect(p1.dataId).not.toBe(p.dataId);
    expect(values(alias)).toEqual(copy);
    tf.dispose([p, alias, p1]);
  });

  test("sign descent gives the stock bits; the sum of squares matches float64", () => {
    const [p, d] = [tf.tidy(() => tf.variable(rand([65, 128]))), rand([65, 128])];
    const expected = stock(() => tf.tidy(() => values(wasmOps.signDescent(p, d, 2e-3, 0.1))));
    tf.tidy(() => p.assign(nativeOps.signDescent(p, d, 2e-3, 0.1) as tf.Variable));
    expect(values(p)).toEqual(expected);
    const x = rand([384, 128]);
    const sum = Array.from(x.dataSync()).reduce((a, v) => a + v * v, 0);
    expect(Math.abs(nativeOps.sumSquares(x) - sum)).toBeLessThan(1e-12 * sum);
    expect(nativeOps.sumSquares(tf.zeros([0]))).toBe(0);
    tf.dispose([p, d, x]);
  });

  test("the kernel set can be removed and installed again", () => {
    removeNativeKernels();
    expect(nativeKernelsInstalled()).toBe(false);
    installNativeKernels(addon());
    installNativeKernels(addon());
    expect(nativeKernelsInstalled()).toBe(true);
  });
});
