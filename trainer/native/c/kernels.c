// Element-wise and row-wise training kernels (see kernels.h). Hot loops are compiled twice, for AVX2 and for the
// x86-64 baseline, and picked at load time (target_clones): no -march=native, one binary for every x86-64 machine.
// Reductions use eight explicit partial sums so vectorising them never changes their order.
#include <cblas.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "kernels.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define CN_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CN_CLONES
#endif

// expf for vector loops (Cephes' polynomial, ~1 ulp): only + - * and bit moves, so it vectorises without
// -ffast-math and gives the same bits in every clone. Inputs are clamped to [-87, 88].
static inline float cn_exp(float x) {
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  float fx = x * 1.44269504088896341f;
  fx = (fx + 12582912.0f) - 12582912.0f; // round to the nearest integer (|fx| < 2^22)
  float r = x - fx * 0.693359375f;
  r = r - fx * -2.12194440e-4f;
  float y = 1.9875691500e-4f;
  y = y * r + 1.3981999507e-3f;
  y = y * r + 8.3334519073e-3f;
  y = y * r + 4.1665795894e-2f;
  y = y * r + 1.6666665459e-1f;
  y = y * r + 5.0000001201e-1f;
  y = y * (r * r) + r + 1.0f;
  int32_t bits = ((int32_t)fx + 127) << 23;
  float scale;
  memcpy(&scale, &bits, sizeof scale);
  return y * scale;
}

static inline float cn_sum8(const float* x, int64_t n) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++) acc[j] += x[i + j];
  float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; i < n; i++) s += x[i];
  return s;
}

// OpenBLAS's bits depend on how it partitions a product, and so on its thread count (measured on its Zen kernels:
// 1 and 2 threads differ). So OpenBLAS always runs single-threaded and we split large products ourselves by a rule
// that depends only on the shape: C's rows in two halves when there are at least CN_SPLIT_ROWS. With one thread the
// halves run one after the other, with two at once: the same calls, the same bits.
#define CN_SPLIT_ROWS 256
static int cn_threads = 1;

void cn_set_threads(int threads) {
  openblas_set_num_threads(1);
  cn_threads = threads < 1 ? 1 : (threads > 2 ? 2 : threads);
}

int cn_get_threads(void) { return cn_threads; }

typedef struct {
  int trans_a, trans_b;
  int64_t m, n, k, lda, ldb, ldc;
  const float *a, *b;
  float* c;
} cn_gemm_t;

static void cn_gemm_run(const cn_gemm_t* g) {
  cblas_sgemm(CblasRowMajor, g->trans_a ? CblasTrans : CblasNoTrans, g->trans_b ? CblasTrans : CblasNoTrans, (int)g->m,
              (int)g->n, (int)g->k, 1.0f, g->a, (int)g->lda, g->b, (int)g->ldb, 0.0f, g->c, (int)g->ldc);
}

static void* cn_gemm_thread(void* arg) {
  cn_gemm_run((const cn_gemm_t*)arg);
  return NULL;
}

// C = op(A) op(B) (alpha 1, beta 0), split by rows as described above.
static void cn_gemm(const cn_gemm_t* g) {
  if (g->m < CN_SPLIT_ROWS) {
    cn_gemm_run(g);
    return;
  }
  const int64_t h = (g->m / 2) & ~(int64_t)15;
  cn_gemm_t top = *g, bottom = *g;
  top.m = h;
  bottom.m = g->m - h;
  bottom.a = g->a + (g->trans_a ? h : h * g->lda);
  bottom.c = g->c + h * g->ldc;
  pthread_t worker;
  if (cn_threads > 1 && pthread_create(&worker, NULL, cn_gemm_thread, &bottom) == 0) {
    cn_gemm_run(&top);
    pthread_join(worker, NULL);
  } else {
    cn_gemm_run(&top);
    cn_gemm_run(&bottom);
  }
}

void cn_sgemm_batched(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda,
                      int64_t stride_a, const float* b, int64_t ldb, int64_t stride_b, float* c, int64_t ldc,
                      int64_t stride_c, int64_t batch) {
  if (m == 0 || n == 0) return;
  for (int64_t i = 0; i < batch; i++) {
    float* ci = c + i * stride_c;
    if (k == 0) {
      for (int64_t r = 0; r < m; r++) memset(ci + r * ldc, 0, (size_t)n * sizeof(float));
      continue;
    }
    const cn_gemm_t g = {trans_a, trans_b, m, n, k, lda, ldb, ldc, a + i * stride_a, b + i * stride_b, ci};
    cn_gemm(&g);
  }
}

CN_CLONES void cn_bias_act(float* y, int64_t n, const float* bias, int64_t bias_len, int relu) {
  if (bias != NULL && bias_len > 0)
    for (int64_t i = 0; i < n; i += bias_len)
      for (int64_t j = 0; j < bias_len && i + j < n; j++) y[i + j] += bias[j];
  if (relu)
    for (int64_t i = 0; i < n; i++) y[i] = y[i] < 0.0f ? 0.0f : y[i];
}

#define GELU_2C 1.5957691216057308f // 2 sqrt(2/pi)
#define GELU_A 0.044715f

// exp(-2z) of each element into out: the first pass of both GELU kernels. GCC schedules the exp polynomial and a
// division badly in one loop (measured 3x slower than two passes over an L1-sized block).
static inline void cn_gelu_exp(const float* x, float* out, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    float v = x[i];
    out[i] = cn_exp(-(GELU_2C * (v + GELU_A * (v * v * v))));
  }
}

#define GELU_BLOCK 512

CN_CLONES void cn_gelu(const float* x, float* y, int64_t n) {
  for (int64_t b = 0; b < n; b += GELU_BLOCK) {
    const int64_t len = n - b < GELU_BLOCK ? n - b : GELU_BLOCK;
    cn_gelu_exp(x + b, y + b, len);
    for (int64_t i = b; i < b + len; i++) y[i] = x[i] / (1.0f + y[i]);
  }
}

CN_CLONES void cn_gelu_grad(const float* x, const float* dy, float* dx, int64_t n) {
  for (int64_t b = 0; b < n; b += GELU_BLOCK) {
    const int64_t len = n - b < GELU_BLOCK ? n - b : GELU_BLOCK;
    cn_gelu_exp(x + b, dx + b, len);
    for (int64_t i = b; i < b + len; i++) {
      float v = x[i];
      float s = 1.0f / (1.0f + dx[i]);
      float dz2 = GELU_2C * (1.0f + (3.0f * GELU_A) * (v * v));
      dx[i] = dy[i] * (s + v * s * (1.0f - s) * dz2);
    }
  }
}

// Mean and 1/sqrt(var + eps) of one row, the variance from centred values as tfjs computes it.
static inline void cn_row_stats(const float* x, int64_t cols, float eps, float* tmp, float* mean, float* rstd) {
  float m = cn_sum8(x, cols) / (float)cols;
  for (int64_t c = 0; c < cols; c++) {
    float d = x[c] - m;
    tmp[c] = d * d;
  }
  float var = cn_sum8(tmp, cols) / (float)cols;
  *mean = m;
  *rstd = 1.0f / sqrtf(var + eps);
}

CN_CLONES void cn_layer_norm(const float* x, const float* g, float* y, int64_t rows, int64_t cols, float eps) {
  for (int64_t r = 0; r < rows; r++) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    float m, rs;
    cn_row_stats(xr, cols, eps, yr, &m, &rs); // y's row is scratch until overwritten
    for (int64_t c = 0; c < cols; c++) yr[c] = (xr[c] - m) * rs * g[c];
  }
}

CN_CLONES void cn_layer_norm_grad(const float* x, const float* g, const float* dy, float* dx, float* dg, int64_t rows,
                                  int64_t cols, float eps) {
  memset(dg, 0, (size_t)cols * sizeof(float));
  for (int64_t r = 0; r < rows; r++) {
    const float* xr = x + r * cols;
    const float* dyr = dy + r * cols;
    float* dxr = dx + r * cols; // scratch for the row sums until the row's gradient is written
    float m, rs;
    cn_row_stats(xr, cols, eps, dxr, &m, &rs);
    for (int64_t c = 0; c < cols; c++) dxr[c] = dyr[c] * g[c];
    const float s1 = cn_sum8(dxr, cols) / (float)cols;
    for (int64_t c = 0; c < cols; c++) dxr[c] = dyr[c] * g[c] * ((xr[c] - m) * rs);
    const float s2 = cn_sum8(dxr, cols) / (float)cols;
    for (int64_t c = 0; c < cols; c++) {
      const float xhat = (xr[c] - m) * rs;
      dg[c] += dyr[c] * xhat;
      dxr[c] = rs * (dyr[c] * g[c] - s1 - xhat * s2);
    }
  }
}

// softmax(scale x) over the first `len` entries of a row, zero after them up to t.
static inline void cn_softmax_row(const float* x, float* y, int64_t len, int64_t t, float scale) {
  float mx = -INFINITY;
  for (int64_t j = 0; j < len; j++) mx = x[j] * scale > mx ? x[j] * scale : mx;
  for (int64_t j = 0; j < len; j++) y[j] = cn_exp(x[j] * scale - mx);
  float inv = 1.0f / cn_sum8(y, len);
  for (int64_t j = 0; j < len; j++) y[j] *= inv;
  for (int64_t j = len; j < t; j++) y[j] = 0.0f;
}

CN_CLONES void cn_causal_softmax(const float* x, float* y, int64_t rows, int64_t t, float scale) {
  for (int64_t r = 0; r < rows; r++) cn_softmax_row(x + r * t, y + r * t, r % t + 1, t, scale);
}

static inline void cn_softmax_grad_row(const float* y, const float* dy, float* dx, int64_t t, float scale) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t j = 0;
  for (; j + 8 <= t; j += 8)
    for (int q = 0; q < 8; q++) acc[q] += dy[j + q] * y[j + q];
  float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; j < t; j++) s += dy[j] * y[j];
  for (j = 0; j < t; j++) dx[j] = scale * y[j] * (dy[j] - s);
}

CN_CLONES void cn_causal_softmax_grad(const float* y, const float* dy, float* dx, int64_t rows, int64_t t,
                                      float scale) {
  for (int64_t r = 0; r < rows; r++) cn_softmax_grad_row(y + r * t, dy + r * t, dx + r * t, t, scale);
}

void cn_attention(const float* qkv, float* y, float* p, int64_t batch, int64_t t, int64_t heads, int64_t hs,
                  float scale) {
  const int64_t c = heads * hs, ld = 3 * c;
  for (int64_t b = 0; b < batch; b++)
    for (int64_t h = 0; h < heads; h++) {
      const float* q = qkv + b * t * ld + h * hs;
      float* ph = p + (b * heads + h) * t * t;
      // scores = q k^T straight from the packed rows (leading dimension 3c): no head transposes
      cn_sgemm_batched(0, 1, t, t, hs, q, ld, 0, q + c, ld, 0, ph, t, 0, 1);
      cn_causal_softmax(ph, ph, t, t, scale);
      cn_sgemm_batched(0, 0, t, hs, t, ph, t, 0, q + 2 * c, ld, 0, y + b * t * c + h * hs, c, 0, 1);
    }
}

void cn_attention_grad(const float* qkv, const float* p, const float* dy, float* dqkv, float* scratch, int64_t batch,
                       int64_t t, int64_t heads, int64_t hs, float scale) {
  const int64_t c = heads * hs, ld = 3 * c;
  for (int64_t b = 0; b < batch; b++)
    for (int64_t h = 0; h < heads; h++) {
      const float* q = qkv + b * t * ld + h * hs;
      const float* ph = p + (b * heads + h) * t * t;
      const float* dyh = dy + b * t * c + h * hs;
      float* dq = dqkv + b * t * ld + h * hs;
      cn_sgemm_batched(0, 1, t, t, hs, dyh, c, 0, q + 2 * c, ld, 0, scratch, t, 0, 1); // dP = dY V^T
      cn_causal_softmax_grad(ph, scratch, scratch, t, t, scale);                                   // dS (scaled)
      cn_sgemm_batched(0, 0, t, hs, t, scratch, t, 0, q + c, ld, 0, dq, ld, 0, 1);         // dQ = dS K
      cn_sgemm_batched(1, 0, t, hs, t, scratch, t, 0, q, ld, 0, dq + c, ld, 0, 1);         // dK = dS^T Q
      cn_sgemm_batched(1, 0, t, hs, t, ph, t, 0, dyh, c, 0, dq + 2 * c, ld, 0, 1);         // dV = P^T dY
    }
}

CN_CLONES double cn_cross_entropy(const float* logits, const int32_t* targets, float* probs, int64_t rows, int64_t v) {
  double total = 0;
  for (int64_t r = 0; r < rows; r++) {
    const float* lr = logits + r * v;
    float* pr = probs + r * v;
    float mx = -INFINITY;
    for (int64_t j = 0; j < v; j++) mx = lr[j] > mx ? lr[j] : mx;
    for (int64_t j = 0; j < v; j++) pr[j] = cn_exp(lr[j] - mx);
    float sum = cn_sum8(pr, v);
    float inv = 1.0f / sum;
    for (int64_t j = 0; j < v; j++) pr[j] *= inv;
    total += (double)logf(sum) - (double)(lr[targets[r]] - mx);
  }
  return rows > 0 ? total / (double)rows : 0.0;
}

CN_CLONES void cn_cross_entropy_grad(const float* probs, const int32_t* targets, float dloss, float* dlogits,
                                     int64_t rows, int64_t v) {
  const float s = dloss / (float)rows;
  for (int64_t r = 0; r < rows; r++) {
    for (int64_t j = 0; j < v; j++) dlogits[r * v + j] = probs[r * v + j] * s;
    dlogits[r * v + targets[r]] = (probs[r * v + targets[r]] - 1.0f) * s;
  }
}

void cn_embedding(const int32_t* ids, const float* table, float* out, int64_t n, int64_t c) {
  for (int64_t i = 0; i < n; i++) memcpy(out + i * c, table + (int64_t)ids[i] * c, (size_t)c * sizeof(float));
}

CN_CLONES void cn_embedding_grad(const int32_t* ids, const float* dy, float* dtable, int64_t n, int64_t v, int64_t c) {
  memset(dtable, 0, (size_t)(v * c) * sizeof(float));
  for (int64_t i = 0; i < n; i++) {
    float* row = dtable + (int64_t)ids[i] * c;
    const float* d = dy + i * c;
    for (int64_t j = 0; j < c; j++) row[j] += d[j];
  }
}

CN_CLONES void cn_adamw(const float* p, const float* g, const float* m, const float* v, float* p_out, float* m_out,
                        float* v_out, int64_t n, float lr, float beta1, float one_minus_beta1, float beta2,
                        float one_minus_beta2, float eps, float weight_decay, float bc1, float bc2, float grad_scale,
                        int decay) {
  // two copies of the loop so neither branches inside (it would stop vectorisation)
  if (decay)
    for (int64_t i = 0; i < n; i++) {
      float gs = g[i] * grad_scale;
      float m1 = m[i] * beta1 + gs * one_minus_beta1;
      float v1 = v[i] * beta2 + (gs * gs) * one_minus_beta2;
      float update = (m1 / bc1) / (sqrtf(v1 / bc2) + eps) + p[i] * weight_decay;
      m_out[i] = m1;
      v_out[i] = v1;
      p_out[i] = p[i] - update * lr;
    }
  else
    for (int64_t i = 0; i < n; i++) {
      float gs = g[i] * grad_scale;
      float m1 = m[i] * beta1 + gs * one_minus_beta1;
      float v1 = v[i] * beta2 + (gs * gs) * one_minus_beta2;
      float update = (m1 / bc1) / (sqrtf(v1 / bc2) + eps);
      m_out[i] = m1;
      v_out[i] = v1;
      p_out[i] = p[i] - update * lr;
    }
}

CN_CLONES void cn_sign_descent(const float* p, const float* d, float* out, int64_t n, float lr, float keep,
                               int decay) {
  for (int64_t i = 0; i < n; i++) {
    float s = d[i] > 0.0f ? 1.0f : (d[i] < 0.0f ? -1.0f : 0.0f);
    out[i] = (decay ? p[i] * keep : p[i]) - s * lr;
  }
}

CN_CLONES double cn_sum_squares(const float* x, int64_t n) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++) acc[j] += (double)x[i + j] * (double)x[i + j];
  double s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; i < n; i++) s += (double)x[i] * (double)x[i];
  return s;
}
