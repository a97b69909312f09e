// Per-chunk top-k selection of DCT coefficients by magnitude, deterministic: ties go to the lower index, and each
// chunk's indices come out in increasing order (the canonical order the codec requires).

export interface ChunkSelection {
  /** numChunks * k chunk-local indices, increasing within each chunk. */
  readonly indices: Uint32Array;
  /** The selected coefficients, unquantized. */
  readonly values: Float32Array;
}

/**
 * A top-k implementation. jsTopK (below) is the reference; another (the trainer's native one) must select the same
 * entries, since update bytes and hashes depend on them.
 */
export interface TopKSelector {
  readonly name: string;
  select(coef: Float32Array, chunkLen: number, k: number): ChunkSelection;
}

/** Selects the k coefficients of largest |value| in each chunk of `coef` (chunk-major, `chunkLen` per chunk). */
export function topKPerChunk(coef: Float32Array, chunkLen: number, k: number): ChunkSelection {
  const numChunks = coef.length / chunkLen;
  const indices = new Uint32Array(numChunks * k);
  const values = new Float32Array(numChunks * k);
  const scratch = new Float32Array(chunkLen);
  for (let q = 0; q < numChunks; q++) {
    const base = q * chunkLen;
    for (let i = 0; i < chunkLen; i++) scratch[i] = Math.abs(coef[base + i]);
    const threshold = kthLargest(scratch, k);
    let above = 0;
    for (let i = 0; i < chunkLen; i++) if (Math.abs(coef[base + i]) > threshold) above++;
    // All values above the threshold, plus the lowest-indexed ones equal to it until k are taken.
    let ties = k - above;
    let o = q * k;
    for (let i = 0; i < chunkLen; i++) {
      const a = Math.abs(coef[base + i]);
      if (a > threshold || (a === threshold && ties-- > 0)) {
        indices[o] = i;
        values[o++] = coef[base + i];
      }
    }
  }
  return { indices, values };
}

export const jsTopK: TopKSelector = { name: "js", select: topKPerChunk };

/** The k-th largest value of `a` (1-based); permutes `a`. Quickselect with a median-of-three pivot. */
function kthLargest(a: Float32Array, k: number): number {
  const target = k - 1;
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const x = a[lo];
    const y = a[(lo + hi) >> 1];
    const z = a[hi];
    const pivot = x > y ? (y > z ? y : x > z ? z : x) : x > z ? x : y > z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] > pivot) i++;
      while (a[j] < pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target];
  }
  return a[target];
}
