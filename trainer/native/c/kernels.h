// Concord's native kernels: plain C over float32 (training) and float64 (DeMo's DCT) arrays, no N-API here.
// addon.c checks every argument from JavaScript before calling these; they trust their arguments.
//
// Numerics: built with -ffp-contract=off and without -ffast-math, so every loop performs the IEEE operations
// written here in this order; the SIMD clones (target_clones) and the scalar code give the same bits.
#pragma once
#include <stdint.h>

/** C[i] = op(A[i]) op(B[i]) for i < batch, row-major, through single-threaded cblas_sgemm calls. */
void cn_sgemm_batched(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda,
                      int64_t stride_a, const float* b, int64_t ldb, int64_t stride_b, float* c, int64_t ldc,
                      int64_t stride_c, int64_t batch);
/** Matmul threads, 1 or 2 (the results do not depend on it); OpenBLAS itself is kept at one thread. */
void cn_set_threads(int threads);
int cn_get_threads(void);

/** y += bias (bias_len 1 or the row length, repeating), then max(y, 0) if relu. */
void cn_bias_act(float* y, int64_t n, const float* bias, int64_t bias_len, int relu);

/** GELU, tanh approximation written as x * sigmoid(2z), z = sqrt(2/pi) (x + 0.044715 x^3). */
void cn_gelu(const float* x, float* y, int64_t n);
void cn_gelu_grad(const float* x, const float* dy, float* dx, int64_t n);

/** LayerNorm over rows of `cols` with a gain and no bias. */
void cn_layer_norm(const float* x, const float* g, float* y, int64_t rows, int64_t cols, float eps);
/** dx (rows x cols) and dg (cols), both written. */
void cn_layer_norm_grad(const float* x, const float* g, const float* dy, float* dx, float* dg, int64_t rows,
                        int64_t cols, float eps);

/** Row r of `rows` rows of length t is query position r % t: softmax(scale x) over columns <= r % t, 0 after. */
void cn_causal_softmax(const float* x, float* y, int64_t rows, int64_t t, float scale);
/** dx = scale y (dy - sum(dy y)), row by row. */
void cn_causal_softmax_grad(const float* y, const float* dy, float* dx, int64_t rows, int64_t t, float scale);

/**
 * Causal self-attention straight from packed projections: qkv is (batch*t, 3c) rows [q | k | v], c = heads*hs.
 * Writes y (batch*t, c) with heads merged and the attention probabilities p (batch*heads, t, t).
 */
void cn_attention(const float* qkv, float* y, float* p, int64_t batch, int64_t t, int64_t heads, int64_t hs,
                  float scale);
/** Gradient of cn_attention: dqkv (batch*t, 3c) from qkv, p and dy; `scratch` holds t*t floats. */
void cn_attention_grad(const float* qkv, const float* p, const float* dy, float* dqkv, float* scratch, int64_t batch,
                       int64_t t, int64_t heads, int64_t hs, float scale);

/** probs = softmax(logits) per row; returns the mean of -log probs[target] (float64). Targets in [0, v). */
double cn_cross_entropy(const float* logits, const int32_t* targets, float* probs, int64_t rows, int64_t v);
/** dlogits = (probs - onehot(targets)) * dloss / rows. */
void cn_cross_entropy_grad(const float* probs, const int32_t* targets, float dloss, float* dlogits, int64_t rows,
                           int64_t v);

/** out row i = table row ids[i] (ids in [0, v)). */
void cn_embedding(const int32_t* ids, const float* table, float* out, int64_t n, int64_t c);
/** dtable (v x c) = sum over i of dy row i into row ids[i], in order of i. */
void cn_embedding_grad(const int32_t* ids, const float* dy, float* dtable, int64_t n, int64_t v, int64_t c);

/**
 * AdamW, the same float32 operations in the same order as the tfjs composition in trainer/model/ops.ts; outputs may
 * alias inputs (element-wise). Constants arrive as the float32 values tfjs would use.
 */
void cn_adamw(const float* p, const float* g, const float* m, const float* v, float* p_out, float* m_out, float* v_out,
              int64_t n, float lr, float beta1, float one_minus_beta1, float beta2, float one_minus_beta2, float eps,
              float weight_decay, float bc1, float bc2, float grad_scale, int decay);

/** DeMo's step p (1 - lr wd) - lr sign(d), as tfjs computes it; out may alias p. */
void cn_sign_descent(const float* p, const float* d, float* out, int64_t n, float lr, float keep, int decay);

/** Sum of squares in float64 (eight interleaved partial sums, combined in a fixed order). */
double cn_sum_squares(const float* x, int64_t n);

/**
 * Chunked orthonormal DCT-II (dir 1) or its inverse (dir -1) of a rows x cols tensor in r x c tiles, bit for bit
 * the algorithm of sdk/demo/dct.ts and chunkedDct.ts (float64, same operation order). A plan for length n is
 * [s0, s, Lee factors for len n, n/2, ..., 2] when n is a power of two >= 2, else the n x n basis.
 * Forward: x float32 tensor -> out float32 chunk-major coefficients. Inverse: coef (float32 or float64, see
 * coef_f64) -> out float32 tensor, added to out when accumulate.
 */
int cn_dct_forward(const float* x, float* out, int64_t rows, int64_t cols, int64_t r, int64_t c, const double* row_plan,
                   const double* col_plan);
int cn_dct_inverse(const void* coef, int coef_f64, float* out, int accumulate, int64_t rows, int64_t cols, int64_t r,
                   int64_t c, const double* row_plan, const double* col_plan);
/** Plan length for a transform of length n (see above). */
int64_t cn_dct_plan_length(int64_t n);

/**
 * DeMo's top-k per chunk (sdk/demo/topK.ts): for each of num_chunks chunks of chunk_len finite values, the k of
 * largest magnitude (ties to the lower index), written in increasing index order to indices/values (num_chunks * k).
 * Returns -1 when out of memory.
 */
int cn_topk_per_chunk(const float* coef, int64_t num_chunks, int64_t chunk_len, int64_t k, uint32_t* indices,
                      float* values);
