// DeMo's chunked orthonormal DCT in C: a line-by-line port of sdk/demo/dct.ts and sdk/demo/chunkedDct.ts. Same
// float64 operations in the same order, constants (the plan) computed once in JavaScript and passed in, and
// -ffp-contract=off: the coefficients are bit-identical to the JavaScript path, so updates and their hashes do not
// depend on whether a trainer has the addon.
#include <stdlib.h>
#include <string.h>

#include "kernels.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define CN_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CN_CLONES
#endif

static int is_pow2(int64_t n) { return n >= 2 && (n & (n - 1)) == 0; }

int64_t cn_dct_plan_length(int64_t n) { return is_pow2(n) ? n + 1 : n * n; }

// Factors of Lee's step for length len inside an n-point plan: [s0, s, f_n, f_n/2, ..., f_2].
static const double* lee_factors(const double* plan, int64_t n, int64_t len) { return plan + 2 + (n - len); }

CN_CLONES static void lee_fwd(double* x, double* t, int64_t off, int64_t len, int64_t w, const double* plan,
                              int64_t n) {
  const double* f = lee_factors(plan, n, len);
  const int64_t h = len >> 1;
  for (int64_t i = 0; i < h; i++) {
    const int64_t a = (off + i) * w, b = (off + len - 1 - i) * w, u = (off + i) * w, v = (off + h + i) * w;
    const double fi = f[i];
    for (int64_t q = 0; q < w; q++) {
      const double xa = x[a + q], xb = x[b + q];
      t[u + q] = xa + xb;
      t[v + q] = (xa - xb) * fi;
    }
  }
  if (h > 1) {
    lee_fwd(t, x, off, h, w, plan, n);
    lee_fwd(t, x, off + h, h, w, plan, n);
  }
  for (int64_t i = 0; i < h; i++) {
    const int64_t even = (off + 2 * i) * w, odd = even + w, u = (off + i) * w, v = (off + h + i) * w;
    for (int64_t q = 0; q < w; q++) x[even + q] = t[u + q];
    if (i < h - 1)
      for (int64_t q = 0; q < w; q++) x[odd + q] = t[v + q] + t[v + w + q];
    else
      for (int64_t q = 0; q < w; q++) x[odd + q] = t[v + q];
  }
}

CN_CLONES static void lee_inv(double* x, double* t, int64_t off, int64_t len, int64_t w, const double* plan,
                              int64_t n) {
  const double* f = lee_factors(plan, n, len);
  const int64_t h = len >> 1;
  for (int64_t i = 0; i < h; i++) {
    const int64_t u = (off + i) * w, v = (off + h + i) * w, even = (off + 2 * i) * w, odd = even + w;
    for (int64_t q = 0; q < w; q++) t[u + q] = x[even + q];
    if (i > 0)
      for (int64_t q = 0; q < w; q++) t[v + q] = x[even - w + q] + x[odd + q];
    else
      for (int64_t q = 0; q < w; q++) t[v + q] = x[odd + q];
  }
  if (h > 1) {
    lee_inv(t, x, off, h, w, plan, n);
    lee_inv(t, x, off + h, h, w, plan, n);
  }
  for (int64_t i = 0; i < h; i++) {
    const int64_t u = (off + i) * w, v = (off + h + i) * w, a = (off + i) * w, b = (off + len - 1 - i) * w;
    const double fi = f[i];
    for (int64_t q = 0; q < w; q++) {
      const double tu = t[u + q], tw = t[v + q] * fi;
      x[a + q] = tu + tw;
      x[b + q] = tu - tw;
    }
  }
}

CN_CLONES static void lee_scale(double* a, int64_t n, int64_t w, double s0, double s) {
  for (int64_t q = 0; q < w; q++) a[q] *= s0;
  for (int64_t i = w; i < n * w; i++) a[i] *= s;
}

// Row k of the output = sum over j of m(k, j) * row j; m is the basis (forward) or its transpose (inverse).
CN_CLONES static void basis_apply(double* a, double* x, int64_t n, int64_t w, const double* basis, int inverse) {
  memcpy(x, a, (size_t)(n * w) * sizeof(double));
  memset(a, 0, (size_t)(n * w) * sizeof(double));
  for (int64_t k = 0; k < n; k++)
    for (int64_t j = 0; j < n; j++) {
      const double m = inverse ? basis[j * n + k] : basis[k * n + j];
      for (int64_t q = 0; q < w; q++) a[k * w + q] += m * x[j * w + q];
    }
}

// One transform of length n along axis 0 of an n x w block, in place; tmp holds n*w doubles.
static void transform(double* a, double* tmp, int64_t n, int64_t w, const double* plan, int inverse) {
  if (!is_pow2(n)) {
    basis_apply(a, tmp, n, w, plan, inverse);
  } else if (!inverse) {
    lee_fwd(a, tmp, 0, n, w, plan, n);
    lee_scale(a, n, w, plan[0], plan[1]);
  } else {
    lee_scale(a, n, w, plan[0], plan[1]);
    lee_inv(a, tmp, 0, n, w, plan, n);
  }
}

int cn_dct_forward(const float* x, float* out, int64_t rows, int64_t cols, int64_t r, int64_t c, const double* row_plan,
                   const double* col_plan) {
  const int64_t len = r * c, grid_cols = cols / c, chunks = (rows / r) * grid_cols;
  double* buf = malloc((size_t)(3 * len) * sizeof(double));
  if (buf == NULL) return -1;
  double *tile = buf, *spare = buf + len, *tmp = buf + 2 * len;
  for (int64_t q = 0; q < chunks; q++) {
    const float* base = x + (q / grid_cols) * r * cols + (q % grid_cols) * c;
    for (int64_t i = 0; i < r; i++)
      for (int64_t j = 0; j < c; j++) spare[j * r + i] = base[i * cols + j];
    transform(spare, tmp, c, r, row_plan, 0);
    for (int64_t j = 0; j < c; j++)
      for (int64_t i = 0; i < r; i++) tile[i * c + j] = spare[j * r + i];
    if (r > 1) transform(tile, tmp, r, c, col_plan, 0);
    float* o = out + q * len;
    for (int64_t i = 0; i < len; i++) o[i] = (float)tile[i];
  }
  free(buf);
  return 0;
}

int cn_dct_inverse(const void* coef, int coef_f64, float* out, int accumulate, int64_t rows, int64_t cols, int64_t r,
                   int64_t c, const double* row_plan, const double* col_plan) {
  const int64_t len = r * c, grid_cols = cols / c, chunks = (rows / r) * grid_cols;
  double* buf = malloc((size_t)(3 * len) * sizeof(double));
  if (buf == NULL) return -1;
  double *tile = buf, *spare = buf + len, *tmp = buf + 2 * len;
  for (int64_t q = 0; q < chunks; q++) {
    if (coef_f64)
      memcpy(tile, (const double*)coef + q * len, (size_t)len * sizeof(double));
    else
      for (int64_t i = 0; i < len; i++) tile[i] = ((const float*)coef)[q * len + i];
    if (r > 1) transform(tile, tmp, r, c, col_plan, 1);
    for (int64_t i = 0; i < r; i++)
      for (int64_t j = 0; j < c; j++) spare[j * r + i] = tile[i * c + j];
    transform(spare, tmp, c, r, row_plan, 1);
    float* base = out + (q / grid_cols) * r * cols + (q % grid_cols) * c;
    for (int64_t i = 0; i < r; i++)
      for (int64_t j = 0; j < c; j++)
        base[i * cols + j] = accumulate ? (float)((double)base[i * cols + j] + spare[j * r + i]) : (float)spare[j * r + i];
  }
  free(buf);
  return 0;
}
