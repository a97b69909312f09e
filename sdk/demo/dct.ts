// Orthonormal DCT-II and its inverse (DCT-III) of one length, the transform DeMo applies to momentum chunks.
// Powers of two use Lee's recursive algorithm (O(n log n)); other lengths (a chunk side is the largest divisor of a
// tensor dimension not above the target, e.g. 13 for a 65-row embedding) use the basis matrix (O(n^2)). Both work in
// float64 and are deterministic: the same input gives the same bits on every machine running this code.
//
// Transforms run along axis 0 of an (n x width) row-major block, all `width` columns at once: every butterfly is a
// loop over a contiguous row, which V8 compiles well (a 2-D tile is transformed, transposed, transformed again).

export interface Dct {
  readonly n: number;
  /** In place: column j of `a` (n x width) becomes its DCT-II. */
  forward(a: Float64Array, width: number): void;
  /** In place: the inverse of forward. */
  inverse(a: Float64Array, width: number): void;
}

const cache = new Map<number, Dct>();

/** The orthonormal DCT of length n (cached; n >= 1). */
export function dct(n: number): Dct {
  let t = cache.get(n);
  if (!t) {
    t = isLee(n) ? leeDct(n) : basisDct(n);
    cache.set(n, t);
  }
  return t;
}

/**
 * Every constant a transform of length n uses, computed once here so another implementation (the trainer's native
 * DCT) computes the same bits: for a power of two >= 2, [sqrt(1/n), sqrt(2/n), Lee's factors for lengths n, n/2,
 * ..., 2]; otherwise the n x n basis. Cached; do not modify.
 */
export function dctPlan(n: number): Float64Array {
  let plan = plans.get(n);
  if (!plan) {
    if (isLee(n)) {
      plan = new Float64Array(n + 1);
      plan[0] = Math.sqrt(1 / n);
      plan[1] = Math.sqrt(2 / n);
      // the factors of length len start at 2 + (n - len): n/2 + n/4 + ... + len entries come before them
      for (let len = n; len >= 2; len >>= 1)
        for (let i = 0; i < len / 2; i++) plan[2 + n - len + i] = 1 / (2 * Math.cos(((i + 0.5) * Math.PI) / len));
    } else plan = dctBasis(n);
    plans.set(n, plan);
  }
  return plan;
}

const plans = new Map<number, Float64Array>();
const isLee = (n: number) => n >= 2 && (n & (n - 1)) === 0;

/** Orthonormal basis: row k is s_k cos(pi (j + 1/2) k / n), s_0 = sqrt(1/n), s_k = sqrt(2/n). */
export function dctBasis(n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const s = k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
    for (let j = 0; j < n; j++) c[k * n + j] = s * Math.cos((Math.PI * (j + 0.5) * k) / n);
  }
  return c;
}

/** Scratch blocks per width, reused across calls (one transform runs at a time: JS is single-threaded). */
function scratch(): (width: number) => Float64Array {
  const byWidth = new Map<number, Float64Array>();
  return (size) => {
    let s = byWidth.get(size);
    if (!s) byWidth.set(size, (s = new Float64Array(size)));
    return s;
  };
}

function basisDct(n: number): Dct {
  const c = dctPlan(n);
  const tmp = scratch();
  // out row k = sum_j m(k, j) * row j, with m the basis (forward) or its transpose (inverse).
  const apply = (a: Float64Array, width: number, m: (k: number, j: number) => number) => {
    const x = tmp(n * width);
    x.set(a.subarray(0, n * width));
    a.fill(0, 0, n * width);
    for (let k = 0; k < n; k++)
      for (let j = 0; j < n; j++) {
        const w = m(k, j);
        for (let q = 0; q < width; q++) a[k * width + q] += w * x[j * width + q];
      }
  };
  return {
    n,
    forward: (a, width) => apply(a, width, (k, j) => c[k * n + j]),
    inverse: (a, width) => apply(a, width, (k, j) => c[j * n + k]),
  };
}

// Lee (1984): split x into sums u_i = x_i + x_{n-1-i} and scaled differences w_i = (x_i - x_{n-1-i}) / (2 cos((i +
// 1/2) pi / n)); the even outputs are DCT(u), the odd ones DCT(w)_i + DCT(w)_{i+1}. Unnormalised here
// (X_k = sum_j x_j cos(pi (j + 1/2) k / n)); the orthonormal scale is applied once at the ends.
function leeDct(n: number): Dct {
  const plan = dctPlan(n);
  const factors = new Map<number, Float64Array>();
  for (let len = n; len >= 2; len >>= 1) factors.set(len, plan.subarray(2 + n - len, 2 + n - len / 2));
  const tmp = scratch();
  const [s0, s] = [plan[0], plan[1]];

  // Rows off..off+len-1 of x (width W) hold the input and receive the output; t is scratch of the same shape.
  function fwd(x: Float64Array, t: Float64Array, off: number, len: number, W: number): void {
    const f = factors.get(len) as Float64Array;
    const h = len >> 1;
    for (let i = 0; i < h; i++) {
      const a = (off + i) * W;
      const b = (off + len - 1 - i) * W;
      const u = (off + i) * W;
      const w = (off + h + i) * W;
      const fi = f[i];
      for (let q = 0; q < W; q++) {
        const xa = x[a + q];
        const xb = x[b + q];
        t[u + q] = xa + xb;
        t[w + q] = (xa - xb) * fi;
      }
    }
    if (h > 1) {
      fwd(t, x, off, h, W);
      fwd(t, x, off + h, h, W);
    }
    for (let i = 0; i < h; i++) {
      const even = (off + 2 * i) * W;
      const odd = even + W;
      const u = (off + i) * W;
      const w = (off + h + i) * W;
      for (let q = 0; q < W; q++) x[even + q] = t[u + q];
      if (i < h - 1) for (let q = 0; q < W; q++) x[odd + q] = t[w + q] + t[w + W + q];
      else for (let q = 0; q < W; q++) x[odd + q] = t[w + q]; // DCT(w)_{i+1} is zero past the end
    }
  }

  function inv(x: Float64Array, t: Float64Array, off: number, len: number, W: number): void {
    const f = factors.get(len) as Float64Array;
    const h = len >> 1;
    for (let i = 0; i < h; i++) {
      const u = (off + i) * W;
      const w = (off + h + i) * W;
      const even = (off + 2 * i) * W;
      const odd = even + W;
      for (let q = 0; q < W; q++) t[u + q] = x[even + q];
      if (i > 0) for (let q = 0; q < W; q++) t[w + q] = x[even - W + q] + x[odd + q];
      else for (let q = 0; q < W; q++) t[w + q] = x[odd + q]; // X_{2i-1} is zero before the start
    }
    if (h > 1) {
      inv(t, x, off, h, W);
      inv(t, x, off + h, h, W);
    }
    for (let i = 0; i < h; i++) {
      const u = (off + i) * W;
      const w = (off + h + i) * W;
      const a = (off + i) * W;
      const b = (off + len - 1 - i) * W;
      const fi = f[i];
      for (let q = 0; q < W; q++) {
        const tu = t[u + q];
        const tw = t[w + q] * fi;
        x[a + q] = tu + tw;
        x[b + q] = tu - tw;
      }
    }
  }

  const scale = (a: Float64Array, W: number) => {
    for (let q = 0; q < W; q++) a[q] *= s0;
    for (let i = W; i < n * W; i++) a[i] *= s;
  };
  return {
    n,
    forward(a, width) {
      fwd(a, tmp(n * width), 0, n, width);
      scale(a, width);
    },
    inverse(a, width) {
      scale(a, width);
      inv(a, tmp(n * width), 0, n, width);
    },
  };
}
