// The norm check: an update far larger than the round's others (a poisoner scaling its update) is an outlier. The
// median is the reference, so a minority of large updates cannot move it. Sign-valued updates all have one norm.
import type { SparseUpdate } from "../demo/sparseUpdate";

/**
 * Honest members' norms sit close together: in bench:network's inner-steps runs (2-bit values) the largest of a round
 * was at most 1.03x its median over 80 rounds. 3x leaves room for members with other data and hardware.
 */
export const NORM_BOUND_FACTOR = 3;

/** L2 norm of the values an update carries (as receivers see them). */
export function updateNorm(u: SparseUpdate): number {
  let s = 0;
  for (const t of u.tensors) for (const v of t.values) s += v * v;
  return Math.sqrt(s);
}

export interface NormFinding {
  readonly member: string;
  readonly norm: number;
  readonly median: number;
}

/** The members whose update norm exceeds `factor` times the median of the round's norms. */
export function normOutliers(
  norms: readonly { readonly member: string; readonly norm: number }[],
  factor = NORM_BOUND_FACTOR,
): NormFinding[] {
  if (!norms.length) return [];
  const sorted = norms.map((n) => n.norm).sort((a, b) => a - b);
  const m = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
  return norms.filter((n) => !(n.norm <= factor * median)).map((n) => ({ ...n, median }));
}
