// N-API entry points of Concord's native kernels. Every entry point checks what JavaScript passed (argument count,
// types, integer ranges, and that every region it will touch lies inside the array it was given) before any
// memory is read or written, and answers anything else with a thrown JS error (code CONCORD_NATIVE_ARGUMENT), never
// a crash. Arrays are the wasm backend's heap (a Float32Array over its whole memory, offsets in float32 elements)
// or, for the DCT, plain typed arrays.
#include <cblas.h>
#include <math.h>
#include <node_api.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernels.h"

#ifndef CONCORD_NATIVE_SOURCE_HASH
#define CONCORD_NATIVE_SOURCE_HASH "unknown"
#endif
#define CONCORD_NATIVE_VERSION "1"
#define MAX_ARGS 20
#define INT_MAX32 2147483647LL

typedef struct {
  napi_env env;
  const char* fn;
  napi_value v[MAX_ARGS];
  size_t count;
  int ok;
} args_t;

static void fail(args_t* a, const char* fmt, ...) {
  if (!a->ok) return;
  a->ok = 0;
  char msg[256];
  int used = snprintf(msg, sizeof msg, "%s: ", a->fn);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg + used, sizeof msg - (size_t)used, fmt, ap);
  va_end(ap);
  napi_throw_error(a->env, "CONCORD_NATIVE_ARGUMENT", msg);
}

static int begin(args_t* a, napi_env env, napi_callback_info info, const char* fn, size_t want) {
  a->env = env;
  a->fn = fn;
  a->ok = 1;
  a->count = MAX_ARGS;
  if (napi_get_cb_info(env, info, &a->count, a->v, NULL, NULL) != napi_ok) {
    fail(a, "cannot read the arguments");
    return 0;
  }
  if (a->count != want) fail(a, "expects %zu arguments, got %zu", want, a->count);
  return a->ok;
}

static double arg_num(args_t* a, size_t i, const char* name) {
  double x = 0;
  if (!a->ok) return 0;
  if (napi_get_value_double(a->env, a->v[i], &x) != napi_ok) fail(a, "%s must be a number", name);
  else if (!isfinite(x)) fail(a, "%s must be finite", name);
  return a->ok ? x : 0;
}

static int64_t arg_int(args_t* a, size_t i, const char* name, int64_t lo, int64_t hi) {
  double x = arg_num(a, i, name);
  if (!a->ok) return 0;
  if (x != floor(x) || x < (double)lo || x > (double)hi) {
    fail(a, "%s must be an integer in %lld..%lld, got %g", name, (long long)lo, (long long)hi, x);
    return 0;
  }
  return (int64_t)x;
}

static int arg_bool(args_t* a, size_t i, const char* name) {
  bool b = false;
  if (!a->ok) return 0;
  if (napi_get_value_bool(a->env, a->v[i], &b) != napi_ok) fail(a, "%s must be a boolean", name);
  return b ? 1 : 0;
}

static const char* typed_name(napi_typedarray_type t) {
  return t == napi_float32_array ? "Float32Array" : t == napi_float64_array ? "Float64Array" : "Uint32Array";
}

// A typed array of one of the accepted element types; its length in elements goes to *len.
static void* arg_typed(args_t* a, size_t i, const char* name, napi_typedarray_type t1, napi_typedarray_type t2,
                       int64_t* len, napi_typedarray_type* type) {
  *len = 0;
  if (!a->ok) return NULL;
  bool is = false;
  napi_typedarray_type t;
  size_t n = 0;
  void* data = NULL;
  if (napi_is_typedarray(a->env, a->v[i], &is) != napi_ok || !is ||
      napi_get_typedarray_info(a->env, a->v[i], &t, &n, &data, NULL, NULL) != napi_ok || (t != t1 && t != t2)) {
    fail(a, "%s must be a %s%s%s", name, typed_name(t1), t1 == t2 ? "" : " or ", t1 == t2 ? "" : typed_name(t2));
    return NULL;
  }
  if (type) *type = t;
  *len = (int64_t)n;
  return data;
}

static float* arg_f32(args_t* a, size_t i, const char* name, int64_t* len) {
  return arg_typed(a, i, name, napi_float32_array, napi_float32_array, len, NULL);
}

// [off, off + len) must lie inside an array of `cap` elements.
static void region(args_t* a, const char* name, int64_t off, __int128 len, int64_t cap) {
  if (!a->ok) return;
  if (len < 0 || (__int128)off + len > (__int128)cap)
    fail(a, "%s: %lld elements at offset %lld run past the end of the array (%lld elements)", name,
         (long long)(len > (__int128)INT64_MAX ? INT64_MAX : (int64_t)len), (long long)off, (long long)cap);
}

// Outputs must not overlap integer ids that are read while they are written (an overwritten id would index out of
// bounds after it was checked).
static void disjoint(args_t* a, const char* ids, int64_t io, int64_t in, const char* out, int64_t oo, __int128 on) {
  if (!a->ok || in == 0 || on == 0) return;
  if ((__int128)io < (__int128)oo + on && (__int128)oo < (__int128)io + in)
    fail(a, "%s overlaps %s", out, ids);
}

#define BEGIN(name, n)                                                                                                 \
  args_t A;                                                                                                            \
  if (!begin(&A, env, info, name, n)) return NULL
#define HEAP()                                                                                                         \
  int64_t HN;                                                                                                          \
  float* H = arg_f32(&A, 0, "heap", &HN)
#define OFF(i, name) arg_int(&A, i, name, 0, INT64_MAX / 4)
#define DIM(i, name) arg_int(&A, i, name, 0, INT_MAX32)
#define DONE()                                                                                                         \
  if (!A.ok) return NULL

static napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

static napi_value number(napi_env env, double x) {
  napi_value r;
  napi_create_double(env, x, &r);
  return r;
}

// sgemm(heap, transA, transB, m, n, k, aOff, lda, strideA, bOff, ldb, strideB, cOff, ldc, strideC, batch):
// C[i] = op(A[i]) op(B[i]) for i < batch (row-major; stride 0 reuses one matrix for every i).
static napi_value Sgemm(napi_env env, napi_callback_info info) {
  BEGIN("sgemm", 16);
  HEAP();
  const int ta = arg_bool(&A, 1, "transA"), tb = arg_bool(&A, 2, "transB");
  const int64_t m = DIM(3, "m"), n = DIM(4, "n"), k = DIM(5, "k");
  const int64_t ao = OFF(6, "aOff"), lda = DIM(7, "lda"), sa = DIM(8, "strideA");
  const int64_t bo = OFF(9, "bOff"), ldb = DIM(10, "ldb"), sb = DIM(11, "strideB");
  const int64_t co = OFF(12, "cOff"), ldc = DIM(13, "ldc"), sc = DIM(14, "strideC");
  const int64_t batch = DIM(15, "batch");
  DONE();
  const int64_t a_rows = ta ? k : m, a_cols = ta ? m : k, b_rows = tb ? n : k, b_cols = tb ? k : n;
  if (lda < (a_cols > 1 ? a_cols : 1)) fail(&A, "lda %lld is below the row length %lld", (long long)lda, (long long)a_cols);
  if (ldb < (b_cols > 1 ? b_cols : 1)) fail(&A, "ldb %lld is below the row length %lld", (long long)ldb, (long long)b_cols);
  if (ldc < (n > 1 ? n : 1)) fail(&A, "ldc %lld is below the row length %lld", (long long)ldc, (long long)n);
  if (batch > 0 && m > 0 && n > 0) {
    const __int128 last = (__int128)(batch - 1);
    region(&A, "C", co, last * sc + (__int128)(m - 1) * ldc + n, HN);
    if (k > 0) {
      region(&A, "A", ao, last * sa + (__int128)(a_rows - 1) * lda + a_cols, HN);
      region(&A, "B", bo, last * sb + (__int128)(b_rows - 1) * ldb + b_cols, HN);
    }
  }
  DONE();
  cn_sgemm_batched(ta, tb, m, n, k, H + ao, lda, sa, H + bo, ldb, sb, H + co, ldc, sc, batch);
  return undefined(env);
}

// biasAct(heap, yOff, n, biasOff, biasLen, relu): y += bias (repeating every biasLen; 0 = none), then ReLU if set.
static napi_value BiasAct(napi_env env, napi_callback_info info) {
  BEGIN("biasAct", 6);
  HEAP();
  const int64_t y = OFF(1, "yOff"), n = DIM(2, "n"), b = OFF(3, "biasOff"), bl = DIM(4, "biasLen");
  const int relu = arg_bool(&A, 5, "relu");
  region(&A, "y", y, n, HN);
  region(&A, "bias", b, bl, HN);
  if (A.ok && bl > 0 && n % bl != 0) fail(&A, "n %lld is not a multiple of biasLen %lld", (long long)n, (long long)bl);
  DONE();
  cn_bias_act(H + y, n, bl > 0 ? H + b : NULL, bl, relu);
  return undefined(env);
}

static napi_value Gelu(napi_env env, napi_callback_info info) {
  BEGIN("gelu", 4);
  HEAP();
  const int64_t x = OFF(1, "xOff"), y = OFF(2, "yOff"), n = DIM(3, "n");
  region(&A, "x", x, n, HN);
  region(&A, "y", y, n, HN);
  DONE();
  cn_gelu(H + x, H + y, n);
  return undefined(env);
}

static napi_value GeluGrad(napi_env env, napi_callback_info info) {
  BEGIN("geluGrad", 5);
  HEAP();
  const int64_t x = OFF(1, "xOff"), dy = OFF(2, "dyOff"), dx = OFF(3, "dxOff"), n = DIM(4, "n");
  region(&A, "x", x, n, HN);
  region(&A, "dy", dy, n, HN);
  region(&A, "dx", dx, n, HN);
  DONE();
  cn_gelu_grad(H + x, H + dy, H + dx, n);
  return undefined(env);
}

static napi_value LayerNorm(napi_env env, napi_callback_info info) {
  BEGIN("layerNorm", 7);
  HEAP();
  const int64_t x = OFF(1, "xOff"), g = OFF(2, "gOff"), y = OFF(3, "yOff"), rows = DIM(4, "rows"),
                cols = arg_int(&A, 5, "cols", 1, INT_MAX32);
  const double eps = arg_num(&A, 6, "eps");
  region(&A, "x", x, (__int128)rows * cols, HN);
  region(&A, "gain", g, cols, HN);
  region(&A, "y", y, (__int128)rows * cols, HN);
  DONE();
  cn_layer_norm(H + x, H + g, H + y, rows, cols, (float)eps);
  return undefined(env);
}

static napi_value LayerNormGrad(napi_env env, napi_callback_info info) {
  BEGIN("layerNormGrad", 9);
  HEAP();
  const int64_t x = OFF(1, "xOff"), g = OFF(2, "gOff"), dy = OFF(3, "dyOff"), dx = OFF(4, "dxOff"),
                dg = OFF(5, "dgOff"), rows = DIM(6, "rows"), cols = arg_int(&A, 7, "cols", 1, INT_MAX32);
  const double eps = arg_num(&A, 8, "eps");
  const __int128 size = (__int128)rows * cols;
  region(&A, "x", x, size, HN);
  region(&A, "gain", g, cols, HN);
  region(&A, "dy", dy, size, HN);
  region(&A, "dx", dx, size, HN);
  region(&A, "dgain", dg, cols, HN);
  DONE();
  cn_layer_norm_grad(H + x, H + g, H + dy, H + dx, H + dg, rows, cols, (float)eps);
  return undefined(env);
}

static napi_value CausalSoftmax(napi_env env, napi_callback_info info) {
  BEGIN("causalSoftmax", 6);
  HEAP();
  const int64_t x = OFF(1, "xOff"), y = OFF(2, "yOff"), rows = DIM(3, "rows"), t = arg_int(&A, 4, "t", 1, INT_MAX32);
  const double scale = arg_num(&A, 5, "scale");
  region(&A, "x", x, (__int128)rows * t, HN);
  region(&A, "y", y, (__int128)rows * t, HN);
  DONE();
  cn_causal_softmax(H + x, H + y, rows, t, (float)scale);
  return undefined(env);
}

static napi_value CausalSoftmaxGrad(napi_env env, napi_callback_info info) {
  BEGIN("causalSoftmaxGrad", 7);
  HEAP();
  const int64_t y = OFF(1, "yOff"), dy = OFF(2, "dyOff"), dx = OFF(3, "dxOff"), rows = DIM(4, "rows"),
                t = arg_int(&A, 5, "t", 1, INT_MAX32);
  const double scale = arg_num(&A, 6, "scale");
  region(&A, "y", y, (__int128)rows * t, HN);
  region(&A, "dy", dy, (__int128)rows * t, HN);
  region(&A, "dx", dx, (__int128)rows * t, HN);
  DONE();
  cn_causal_softmax_grad(H + y, H + dy, H + dx, rows, t, (float)scale);
  return undefined(env);
}

// Shape arguments shared by attention and its gradient: batch, t, heads, hs (all >= 1), and region sizes.
typedef struct {
  int64_t batch, t, heads, hs;
  __int128 qkv, y, p;
} attn_shape_t;

static attn_shape_t attn_shape(args_t* a, size_t i) {
  attn_shape_t s;
  s.batch = arg_int(a, i, "batch", 1, INT_MAX32);
  s.t = arg_int(a, i + 1, "t", 1, INT_MAX32);
  s.heads = arg_int(a, i + 2, "heads", 1, INT_MAX32);
  s.hs = arg_int(a, i + 3, "headSize", 1, INT_MAX32);
  const __int128 rows = (__int128)s.batch * s.t, c = (__int128)s.heads * s.hs;
  if (a->ok && 3 * c > INT_MAX32) fail(a, "heads * headSize * 3 exceeds %lld", INT_MAX32);
  s.qkv = rows * 3 * c;
  s.y = rows * c;
  s.p = (__int128)s.batch * s.heads * s.t * s.t;
  return s;
}

// attention(heap, qkvOff, yOff, pOff, batch, t, heads, headSize, scale)
static napi_value Attention(napi_env env, napi_callback_info info) {
  BEGIN("attention", 9);
  HEAP();
  const int64_t qkv = OFF(1, "qkvOff"), y = OFF(2, "yOff"), p = OFF(3, "pOff");
  const attn_shape_t s = attn_shape(&A, 4);
  const double scale = arg_num(&A, 8, "scale");
  region(&A, "qkv", qkv, s.qkv, HN);
  region(&A, "y", y, s.y, HN);
  region(&A, "p", p, s.p, HN);
  DONE();
  cn_attention(H + qkv, H + y, H + p, s.batch, s.t, s.heads, s.hs, (float)scale);
  return undefined(env);
}

// attentionGrad(heap, qkvOff, pOff, dyOff, dqkvOff, batch, t, heads, headSize, scale)
static napi_value AttentionGrad(napi_env env, napi_callback_info info) {
  BEGIN("attentionGrad", 10);
  HEAP();
  const int64_t qkv = OFF(1, "qkvOff"), p = OFF(2, "pOff"), dy = OFF(3, "dyOff"), dqkv = OFF(4, "dqkvOff");
  const attn_shape_t s = attn_shape(&A, 5);
  const double scale = arg_num(&A, 9, "scale");
  region(&A, "qkv", qkv, s.qkv, HN);
  region(&A, "p", p, s.p, HN);
  region(&A, "dy", dy, s.y, HN);
  region(&A, "dqkv", dqkv, s.qkv, HN);
  DONE();
  float* scratch = malloc((size_t)(s.t * s.t) * sizeof(float));
  if (scratch == NULL) {
    fail(&A, "out of memory for a %lld x %lld scratch matrix", (long long)s.t, (long long)s.t);
    return NULL;
  }
  cn_attention_grad(H + qkv, H + p, H + dy, H + dqkv, scratch, s.batch, s.t, s.heads, s.hs, (float)scale);
  free(scratch);
  return undefined(env);
}

// Integer ids stored at `off` on the heap (int32 tensors share the heap), each checked to lie in [0, v).
static const int32_t* arg_ids(args_t* a, float* heap, int64_t heap_len, int64_t off, int64_t n, int64_t v,
                              const char* name) {
  region(a, name, off, n, heap_len);
  if (!a->ok) return NULL;
  const int32_t* ids = (const int32_t*)(heap + off);
  for (int64_t i = 0; i < n; i++)
    if (ids[i] < 0 || ids[i] >= v) {
      fail(a, "%s[%lld] = %d is outside 0..%lld", name, (long long)i, ids[i], (long long)(v - 1));
      return NULL;
    }
  return ids;
}

// crossEntropy(heap, logitsOff, targetsOff, probsOff, lossOff, rows, v): probs and the mean loss (one float32).
static napi_value CrossEntropy(napi_env env, napi_callback_info info) {
  BEGIN("crossEntropy", 7);
  HEAP();
  const int64_t lo = OFF(1, "logitsOff"), to = OFF(2, "targetsOff"), po = OFF(3, "probsOff"), loss = OFF(4, "lossOff"),
                rows = DIM(5, "rows"), v = arg_int(&A, 6, "v", 1, INT_MAX32);
  region(&A, "logits", lo, (__int128)rows * v, HN);
  region(&A, "probs", po, (__int128)rows * v, HN);
  region(&A, "loss", loss, 1, HN);
  disjoint(&A, "targets", to, rows, "probs", po, (__int128)rows * v);
  disjoint(&A, "targets", to, rows, "loss", loss, 1);
  const int32_t* targets = arg_ids(&A, H, HN, to, rows, v, "targets");
  DONE();
  H[loss] = (float)cn_cross_entropy(H + lo, targets, H + po, rows, v);
  return undefined(env);
}

// crossEntropyGrad(heap, probsOff, targetsOff, dlossOff, dlogitsOff, rows, v)
static napi_value CrossEntropyGrad(napi_env env, napi_callback_info info) {
  BEGIN("crossEntropyGrad", 7);
  HEAP();
  const int64_t po = OFF(1, "probsOff"), to = OFF(2, "targetsOff"), dl = OFF(3, "dlossOff"), dx = OFF(4, "dlogitsOff"),
                rows = DIM(5, "rows"), v = arg_int(&A, 6, "v", 1, INT_MAX32);
  region(&A, "probs", po, (__int128)rows * v, HN);
  region(&A, "dloss", dl, 1, HN);
  region(&A, "dlogits", dx, (__int128)rows * v, HN);
  disjoint(&A, "targets", to, rows, "dlogits", dx, (__int128)rows * v);
  const int32_t* targets = arg_ids(&A, H, HN, to, rows, v, "targets");
  DONE();
  cn_cross_entropy_grad(H + po, targets, H[dl], H + dx, rows, v);
  return undefined(env);
}

// embedding(heap, idsOff, tableOff, outOff, n, v, c)
static napi_value Embedding(napi_env env, napi_callback_info info) {
  BEGIN("embedding", 7);
  HEAP();
  const int64_t io = OFF(1, "idsOff"), to = OFF(2, "tableOff"), oo = OFF(3, "outOff"), n = DIM(4, "n"),
                v = arg_int(&A, 5, "v", 1, INT_MAX32), c = DIM(6, "c");
  region(&A, "table", to, (__int128)v * c, HN);
  region(&A, "out", oo, (__int128)n * c, HN);
  disjoint(&A, "ids", io, n, "out", oo, (__int128)n * c);
  const int32_t* ids = arg_ids(&A, H, HN, io, n, v, "ids");
  DONE();
  cn_embedding(ids, H + to, H + oo, n, c);
  return undefined(env);
}

// embeddingGrad(heap, idsOff, dyOff, dtableOff, n, v, c)
static napi_value EmbeddingGrad(napi_env env, napi_callback_info info) {
  BEGIN("embeddingGrad", 7);
  HEAP();
  const int64_t io = OFF(1, "idsOff"), dy = OFF(2, "dyOff"), dt = OFF(3, "dtableOff"), n = DIM(4, "n"),
                v = arg_int(&A, 5, "v", 1, INT_MAX32), c = DIM(6, "c");
  region(&A, "dy", dy, (__int128)n * c, HN);
  region(&A, "dtable", dt, (__int128)v * c, HN);
  disjoint(&A, "ids", io, n, "dtable", dt, (__int128)v * c);
  const int32_t* ids = arg_ids(&A, H, HN, io, n, v, "ids");
  DONE();
  cn_embedding_grad(ids, H + dy, H + dt, n, v, c);
  return undefined(env);
}

// adamw(heap, p, g, m, v, pOut, mOut, vOut, n, lr, beta1, beta2, eps, weightDecay, bc1, bc2, gradScale)
// Outputs may be the inputs themselves (an in-place update).
static napi_value AdamW(napi_env env, napi_callback_info info) {
  BEGIN("adamw", 17);
  HEAP();
  int64_t off[7];
  static const char* names[7] = {"p", "g", "m", "v", "pOut", "mOut", "vOut"};
  for (int i = 0; i < 7; i++) off[i] = OFF((size_t)i + 1, names[i]);
  const int64_t n = DIM(8, "n");
  for (int i = 0; i < 7; i++) region(&A, names[i], off[i], n, HN);
  double h[8];
  static const char* hp[8] = {"lr", "beta1", "beta2", "eps", "weightDecay", "bc1", "bc2", "gradScale"};
  for (int i = 0; i < 8; i++) h[i] = arg_num(&A, (size_t)i + 9, hp[i]);
  DONE();
  // tfjs turns each JavaScript number into a float32 scalar; (1 - beta) is computed in float64 first, as in ops.ts.
  cn_adamw(H + off[0], H + off[1], H + off[2], H + off[3], H + off[4], H + off[5], H + off[6], n, (float)h[0],
           (float)h[1], (float)(1.0 - h[1]), (float)h[2], (float)(1.0 - h[2]), (float)h[3], (float)h[4], (float)h[5],
           (float)h[6], (float)h[7], h[4] != 0.0);
  return undefined(env);
}

// signDescent(heap, pOff, dOff, outOff, n, lr, weightDecay): out = p (1 - lr wd) - lr sign(d); out may be p.
static napi_value SignDescent(napi_env env, napi_callback_info info) {
  BEGIN("signDescent", 7);
  HEAP();
  const int64_t p = OFF(1, "pOff"), d = OFF(2, "dOff"), o = OFF(3, "outOff"), n = DIM(4, "n");
  const double lr = arg_num(&A, 5, "lr"), wd = arg_num(&A, 6, "weightDecay");
  region(&A, "p", p, n, HN);
  region(&A, "d", d, n, HN);
  region(&A, "out", o, n, HN);
  DONE();
  cn_sign_descent(H + p, H + d, H + o, n, (float)lr, (float)(1.0 - lr * wd), wd != 0.0);
  return undefined(env);
}

// sumSquares(heap, off, n) -> number
static napi_value SumSquares(napi_env env, napi_callback_info info) {
  BEGIN("sumSquares", 3);
  HEAP();
  const int64_t x = OFF(1, "off"), n = DIM(2, "n");
  region(&A, "x", x, n, HN);
  DONE();
  return number(env, cn_sum_squares(H + x, n));
}

// Tensor and tile sides of a DCT call plus both plans, checked against each other.
typedef struct {
  int64_t rows, cols, r, c;
  const double *row_plan, *col_plan;
} dct_args_t;

static dct_args_t dct_args(args_t* a, size_t i) {
  dct_args_t d;
  d.rows = arg_int(a, i, "rows", 1, INT_MAX32);
  d.cols = arg_int(a, i + 1, "cols", 1, INT_MAX32);
  d.r = arg_int(a, i + 2, "r", 1, 65535);
  d.c = arg_int(a, i + 3, "c", 1, 65535);
  int64_t rl = 0, cl = 0;
  d.row_plan = arg_typed(a, i + 4, "rowPlan", napi_float64_array, napi_float64_array, &rl, NULL);
  d.col_plan = arg_typed(a, i + 5, "colPlan", napi_float64_array, napi_float64_array, &cl, NULL);
  if (!a->ok) return d;
  if (d.rows % d.r != 0 || d.cols % d.c != 0)
    fail(a, "tile %lld x %lld does not divide %lld x %lld", (long long)d.r, (long long)d.c, (long long)d.rows,
         (long long)d.cols);
  else if (rl != cn_dct_plan_length(d.c) || cl != cn_dct_plan_length(d.r))
    fail(a, "plans of %lld and %lld values do not fit tile sides %lld and %lld", (long long)rl, (long long)cl,
         (long long)d.c, (long long)d.r);
  return d;
}

// dctForward(x: Float32Array, out: Float32Array, rows, cols, r, c, rowPlan, colPlan)
static napi_value DctForward(napi_env env, napi_callback_info info) {
  BEGIN("dctForward", 8);
  int64_t xn = 0, on = 0;
  const float* x = arg_f32(&A, 0, "x", &xn);
  float* out = arg_f32(&A, 1, "out", &on);
  const dct_args_t d = dct_args(&A, 2);
  region(&A, "x", 0, (__int128)d.rows * d.cols, xn);
  region(&A, "out", 0, (__int128)d.rows * d.cols, on);
  DONE();
  if (cn_dct_forward(x, out, d.rows, d.cols, d.r, d.c, d.row_plan, d.col_plan) != 0) fail(&A, "out of memory");
  return A.ok ? undefined(env) : NULL;
}

// dctInverse(coef: Float32Array | Float64Array, out: Float32Array, accumulate, rows, cols, r, c, rowPlan, colPlan)
static napi_value DctInverse(napi_env env, napi_callback_info info) {
  BEGIN("dctInverse", 9);
  int64_t cn = 0, on = 0;
  napi_typedarray_type ct = napi_float32_array;
  const void* coef = arg_typed(&A, 0, "coef", napi_float32_array, napi_float64_array, &cn, &ct);
  float* out = arg_f32(&A, 1, "out", &on);
  const int accumulate = arg_bool(&A, 2, "accumulate");
  const dct_args_t d = dct_args(&A, 3);
  region(&A, "coef", 0, (__int128)d.rows * d.cols, cn);
  region(&A, "out", 0, (__int128)d.rows * d.cols, on);
  DONE();
  if (cn_dct_inverse(coef, ct == napi_float64_array, out, accumulate, d.rows, d.cols, d.r, d.c, d.row_plan,
                     d.col_plan) != 0)
    fail(&A, "out of memory");
  return A.ok ? undefined(env) : NULL;
}

// setThreads(n): matmul threads, 1 or 2 (see cn_sgemm_batched; our other loops are single-threaded).
static napi_value SetThreads(napi_env env, napi_callback_info info) {
  BEGIN("setThreads", 1);
  const int64_t n = arg_int(&A, 0, "threads", 1, 2);
  DONE();
  cn_set_threads((int)n);
  return undefined(env);
}

static void set_string(napi_env env, napi_value obj, const char* key, const char* value) {
  napi_value s;
  napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &s);
  napi_set_named_property(env, obj, key, s);
}

// info() -> { version, sourceHash, blasConfig, blasCore, blasThreads, simd }
static napi_value Info(napi_env env, napi_callback_info info) {
  BEGIN("info", 0);
  napi_value obj;
  napi_create_object(env, &obj);
  set_string(env, obj, "version", CONCORD_NATIVE_VERSION);
  set_string(env, obj, "sourceHash", CONCORD_NATIVE_SOURCE_HASH);
  set_string(env, obj, "blasConfig", openblas_get_config());
  set_string(env, obj, "blasCore", openblas_get_corename());
  napi_set_named_property(env, obj, "blasThreads", number(env, cn_get_threads()));
#if defined(__x86_64__) && defined(__GNUC__)
  set_string(env, obj, "simd", __builtin_cpu_supports("avx2") ? "avx2" : "x86-64");
#else
  set_string(env, obj, "simd", "generic");
#endif
  return obj;
}

// topK(coef: Float32Array, chunkLen, k, indices: Uint32Array, values: Float32Array)
static napi_value TopK(napi_env env, napi_callback_info info) {
  BEGIN("topK", 5);
  int64_t cn = 0, in = 0, vn = 0;
  const float* coef = arg_f32(&A, 0, "coef", &cn);
  const int64_t chunk_len = arg_int(&A, 1, "chunkLen", 1, INT_MAX32);
  const int64_t k = arg_int(&A, 2, "k", 1, INT_MAX32);
  uint32_t* indices = arg_typed(&A, 3, "indices", napi_uint32_array, napi_uint32_array, &in, NULL);
  float* values = arg_f32(&A, 4, "values", &vn);
  if (A.ok && k > chunk_len) fail(&A, "k %lld exceeds chunkLen %lld", (long long)k, (long long)chunk_len);
  if (A.ok && cn % chunk_len != 0)
    fail(&A, "coef: %lld elements are not whole chunks of %lld", (long long)cn, (long long)chunk_len);
  const int64_t selected = A.ok ? cn / chunk_len * k : 0;
  region(&A, "indices", 0, selected, in);
  region(&A, "values", 0, selected, vn);
  for (int64_t i = 0; A.ok && i < cn; i++)
    if (!isfinite(coef[i])) fail(&A, "coef[%lld] is not finite", (long long)i);
  DONE();
  if (cn_topk_per_chunk(coef, cn / chunk_len, chunk_len, k, indices, values) != 0) fail(&A, "out of memory");
  return A.ok ? undefined(env) : NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
  cn_set_threads(1);
  const napi_property_descriptor d[] = {
      {"sgemm", 0, Sgemm, 0, 0, 0, napi_enumerable, 0},
      {"biasAct", 0, BiasAct, 0, 0, 0, napi_enumerable, 0},
      {"gelu", 0, Gelu, 0, 0, 0, napi_enumerable, 0},
      {"geluGrad", 0, GeluGrad, 0, 0, 0, napi_enumerable, 0},
      {"layerNorm", 0, LayerNorm, 0, 0, 0, napi_enumerable, 0},
      {"layerNormGrad", 0, LayerNormGrad, 0, 0, 0, napi_enumerable, 0},
      {"causalSoftmax", 0, CausalSoftmax, 0, 0, 0, napi_enumerable, 0},
      {"causalSoftmaxGrad", 0, CausalSoftmaxGrad, 0, 0, 0, napi_enumerable, 0},
      {"attention", 0, Attention, 0, 0, 0, napi_enumerable, 0},
      {"attentionGrad", 0, AttentionGrad, 0, 0, 0, napi_enumerable, 0},
      {"crossEntropy", 0, CrossEntropy, 0, 0, 0, napi_enumerable, 0},
      {"crossEntropyGrad", 0, CrossEntropyGrad, 0, 0, 0, napi_enumerable, 0},
      {"embedding", 0, Embedding, 0, 0, 0, napi_enumerable, 0},
      {"embeddingGrad", 0, EmbeddingGrad, 0, 0, 0, napi_enumerable, 0},
      {"adamw", 0, AdamW, 0, 0, 0, napi_enumerable, 0},
      {"signDescent", 0, SignDescent, 0, 0, 0, napi_enumerable, 0},
      {"sumSquares", 0, SumSquares, 0, 0, 0, napi_enumerable, 0},
      {"dctForward", 0, DctForward, 0, 0, 0, napi_enumerable, 0},
      {"dctInverse", 0, DctInverse, 0, 0, 0, napi_enumerable, 0},
      {"topK", 0, TopK, 0, 0, 0, napi_enumerable, 0},
      {"setThreads", 0, SetThreads, 0, 0, 0, napi_enumerable, 0},
      {"info", 0, Info, 0, 0, 0, napi_enumerable, 0},
  };
  napi_define_properties(env, exports, sizeof d / sizeof d[0], d);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
