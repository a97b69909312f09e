// Combining peers' sparse updates into one dense direction per tensor, before sign(). Every honest trainer applies the
// same accepted set in the same order, so the arithmetic is float64 in input order: identical bits everywhere.
import { ConcordError } from "../errors/concordError";
import { CONCORD_ERROR__CODEC__LAYOUT_MISMATCH } from "../errors/codes";
import { checkLayout } from "../codec/updateCodec";
import type { SparseTensor, SparseUpdate } from "./sparseUpdate";
import type { ChunkedDct } from "./chunkedDct";
import { jsChunkedDct } from "./chunkedDct";
import { layoutOfSparse, scatterSelection } from "./compress";

/**
 * mean: the plain average of the peers' coefficients (a coefficient a peer did not send counts as 0).
 * clippedMean: first scales each peer's tensor down to the median L2 norm among peers (Templar's rule), so one
 *   peer's outsized values cannot dominate. With sign values every peer has the same norm and this equals mean; q2
 *   values are already level * scale, so their norms follow the peers' scales.
 * trimmedMean: per coefficient, drops the `trim` largest and `trim` smallest peer values, then averages (trim is
 *   clamped so at least one value remains).
 */
export type AggregationRule = { kind: "mean" } | { kind: "clippedMean" } | { kind: "trimmedMean"; trim: number };

/**
 * Per tensor, the aggregated direction in tensor space (row-major), from updates sharing one layout; `transform`
 * does the inverse DCT (any implementation gives the same bits).
 */
export function aggregateUpdates(
  updates: readonly SparseUpdate[],
  rule: AggregationRule,
  transform: ChunkedDct = jsChunkedDct,
): Float32Array[] {
  if (updates.length === 0) throw new ConcordError(CONCORD_ERROR__CODEC__LAYOUT_MISMATCH, { reason: "no updates" });
  for (const u of updates.slice(1)) checkLayout(u, { format: updates[0].format, tensors: updates[0].tensors });
  return updates[0].tensors.map((_, ti) => {
    const peers = updates.map((u) => u.tensors[ti]);
    return transform.inverse(aggregateCoefficients(peers, rule), layoutOfSparse(peers[0]));
  });
}

/** Aggregated dense chunk-major coefficients of one tensor. */
export function aggregateCoefficients(peers: readonly SparseTensor[], rule: AggregationRule): Float64Array {
  const layout = layoutOfSparse(peers[0]);
  const k = peers[0].k;
  const n = peers.length;
  const out = new Float64Array(layout.size);
  if (rule.kind === "trimmedMean") {
    const trim = Math.max(0, Math.min(Math.floor(rule.trim), Math.floor((n - 1) / 2)));
    const dense = peers.map((p) => scatterSelection(p, layout, k));
    const column = new Float64Array(n);
    for (let i = 0; i < layout.size; i++) {
      for (let p = 0; p < n; p++) column[p] = dense[p][i];
      column.sort();
      let s = 0;
      for (let p = trim; p < n - trim; p++) s += column[p];
      out[i] = s / (n - 2 * trim);
    }
    return out;
  }
  const scales = rule.kind === "clippedMean" ? clipScales(peers) : peers.map(() => 1);
  peers.forEach((p, pi) => {
    const scale = scales[pi] / n;
    for (let j = 0; j < p.indices.length; j++)
      out[Math.floor(j / k) * layout.chunkLen + p.indices[j]] += p.values[j] * scale;
  });
  return out;
}

/** Per peer, min(1, median norm / own norm). */
function clipScales(peers: readonly SparseTensor[]): number[] {
  const norms = peers.map((p) => Math.sqrt(p.values.reduce((s, v) => s + v * v, 0)));
  const sorted = [...norms].sort((a, b) => a - b);
  const m = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
  return norms.map((x) => (x > median ? median / x : 1));
}
