// Global-norm gradient clipping (nanoGPT clips at 1.0): the scale every gradient is multiplied by, computed in float64
// JS from per-tensor sums of squares so the same gradients give the same scale bit for bit.

/** min(1, maxNorm / (norm + 1e-6)) for the given global norm. */
export function clipScale(norm: number, maxNorm: number): number {
  return maxNorm > 0 ? Math.min(1, maxNorm / (norm + 1e-6)) : 1;
}

/** Global L2 norm of gradients held as Float32Arrays. */
export function globalNorm(grads: readonly Float32Array[]): number {
  let s = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return Math.sqrt(s);
}
