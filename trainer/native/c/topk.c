// DeMo's per-chunk top-k by magnitude, as sdk/demo/topK.ts selects it: the threshold is the k-th largest |value| (a
// value, so any correct selection finds the same one) and ties at the threshold go to the lowest indices, so the
// selection is identical to the JavaScript one, and so are the update's bytes.
#include <math.h>
#include <stdlib.h>

#include "kernels.h"

// Restores the min-heap property of h[0..k) below position i.
static void sift_down(float* h, int64_t k, int64_t i) {
  for (;;) {
    int64_t m = i;
    const int64_t l = 2 * i + 1, r = l + 1;
    if (l < k && h[l] < h[m]) m = l;
    if (r < k && h[r] < h[m]) m = r;
    if (m == i) return;
    const float t = h[i];
    h[i] = h[m];
    h[m] = t;
    i = m;
  }
}

// The k-th largest value of a[0..n) (1-based k), through a min-heap of the k largest seen: for small k most values
// are one comparison against the heap's root, several times faster than the quickselect topK.ts uses. The value is
// the same whatever the algorithm. h holds k floats.
static float kth_largest(const float* a, int64_t n, int64_t k, float* h) {
  for (int64_t i = 0; i < k; i++) h[i] = a[i];
  for (int64_t i = k / 2 - 1; i >= 0; i--) sift_down(h, k, i);
  for (int64_t i = k; i < n; i++)
    if (a[i] > h[0]) {
      h[0] = a[i];
      sift_down(h, k, 0);
    }
  return h[0];
}

int cn_topk_per_chunk(const float* coef, int64_t num_chunks, int64_t chunk_len, int64_t k, uint32_t* indices,
                      float* values) {
  float* scratch = malloc((size_t)(chunk_len + k) * sizeof(float));
  if (!scratch) return -1;
  for (int64_t q = 0; q < num_chunks; q++) {
    const float* c = coef + q * chunk_len;
    for (int64_t i = 0; i < chunk_len; i++) scratch[i] = fabsf(c[i]);
    const float threshold = kth_largest(scratch, chunk_len, k, scratch + chunk_len);
    int64_t above = 0;
    for (int64_t i = 0; i < chunk_len; i++) above += fabsf(c[i]) > threshold;
    int64_t ties = k - above, o = q * k;
    const int64_t end = o + k; // never more than k, whatever the input
    for (int64_t i = 0; i < chunk_len && o < end; i++) {
      const float a = fabsf(c[i]);
      if (a > threshold || (a == threshold && ties-- > 0)) {
        indices[o] = (uint32_t)i;
        values[o++] = c[i];
      }
    }
  }
  free(scratch);
  return 0;
}
