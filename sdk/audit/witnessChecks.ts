// The cheap checks a witness runs before vouching, on updates whose integrity it already checked: no update that
// repeats one of an earlier round (stale, or copied from the past) and no norm outlier earns its member a point.
// A copy within the round is left to auditors: which of two equal receipts came first is the chain's transaction
// order, which a witness does not read (sdk/audit/copyDetection.ts judges it from the events).
import type { SparseUpdate } from "../demo/sparseUpdate";
import { copyFindings } from "./copyDetection";
import { NORM_BOUND_FACTOR, normOutliers, updateNorm } from "./normBound";

export interface WitnessRefusal {
  readonly member: string;
  readonly reason: string;
}

/** The members of `round` a witness must not vouch for, with why; `previous` holds earlier rounds' updates. */
export function witnessRefusals(
  step: number,
  round: readonly { readonly member: string; readonly update: SparseUpdate }[],
  previous: readonly { readonly member: string; readonly step: number; readonly update: SparseUpdate }[],
): WitnessRefusal[] {
  const refusals = new Map<string, string>();
  const past = previous.map((p) => ({ ...p, order: -1 }));
  // order: every member of the round counts as first, so only earlier rounds can be the source
  for (const f of copyFindings(
    round.map((r) => ({ ...r, step, order: 0 })),
    past,
  ))
    refusals.set(
      f.member,
      `${f.kind}: overlaps ${(100 * f.overlap).toFixed(0)}% with the update of ${f.source.member} at step ${f.source.step}`,
    );
  for (const f of normOutliers(round.map((r) => ({ member: r.member, norm: updateNorm(r.update) }))))
    if (!refusals.has(f.member))
      refusals.set(
        f.member,
        `norm ${f.norm.toPrecision(3)} exceeds ${NORM_BOUND_FACTOR}x the round's median ${f.median.toPrecision(3)}`,
      );
  return [...refusals].map(([member, reason]) => ({ member, reason }));
}
