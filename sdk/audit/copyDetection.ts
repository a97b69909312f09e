// The copy check: a contribution whose selected entries overlap an earlier one's beyond what honest members show is
// a copy (of another member's update) or stale (its own update of an earlier round sent again). Earlier means
// committed first: the chain's commit order decides, so the original committer is never the one blamed.
import type { SparseUpdate } from "../demo/sparseUpdate";
import { indexOverlap } from "./updateOverlap";

/**
 * Overlap at or above which a contribution is flagged. Honest members' updates overlap far less: over the 1,200
 * same-round pairs of bench:network's DeMo run mean 0.09, 99th percentile 0.30, max 0.44; over the inner-steps run's
 * mean 0.14, max 0.32; a member's own previous update at most 0.23. A re-sent or lightly perturbed update overlaps ~1.
 */
export const COPY_OVERLAP_THRESHOLD = 0.6;

export interface Contribution {
  readonly member: string;
  readonly step: number;
  /** Position in the chain's commit order: lower committed first. */
  readonly order: number;
  readonly update: SparseUpdate;
}

export interface CopyFinding {
  readonly member: string;
  readonly step: number;
  /** "stale": the member's own earlier update; "copy": another member's. */
  readonly kind: "copy" | "stale";
  readonly source: { readonly member: string; readonly step: number };
  readonly overlap: number;
}

/**
 * For each contribution of `round`, the earlier contribution it overlaps most (one committed before it in the round,
 * or any of `earlier`, from past rounds), reported when the overlap reaches `threshold`.
 */
export function copyFindings(
  round: readonly Contribution[],
  earlier: readonly Contribution[],
  threshold = COPY_OVERLAP_THRESHOLD,
): CopyFinding[] {
  const findings: CopyFinding[] = [];
  for (const c of round) {
    let best: { source: Contribution; overlap: number } | null = null;
    for (const source of [...earlier, ...round.filter((o) => o.order < c.order)]) {
      const overlap = indexOverlap(c.update, source.update);
      if (!best || overlap > best.overlap) best = { source, overlap };
    }
    if (best && best.overlap >= threshold)
      findings.push({
        member: c.member,
        step: c.step,
        kind: best.source.member === c.member ? "stale" : "copy",
        source: { member: best.source.member, step: best.source.step },
        overlap: best.overlap,
      });
  }
  return findings;
}
