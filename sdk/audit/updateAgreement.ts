// How close a re-executed update is to the committed one when the auditor's compute is not the member's: float
// kernels round differently across backends, so the bits cannot match, but the same training on the same rows selects
// nearly the same top-k entries with nearly the same values. Both measures walk the (tensor, chunk, index) entries of
// two updates of one layout, as indexOverlap (updateOverlap.ts) does.
import type { SparseUpdate } from "../demo/sparseUpdate";
import { indexOverlap } from "./updateOverlap";

/**
 * The tolerance across computes: at least 90% of the entries shared, and on the shared ones a relative L2 error of
 * the values of at most 10%. Loose on purpose, since a wrong verdict here accuses an honest member: the tests' small
 * model re-executed on tfjs's cpu backend against updates made on wasm+native (f32 values, four rounds of error
 * feedback and AdamW moments) shared every entry with a relative error near 1e-6, but GPU kernels (TF32 matmuls) and
 * long runs drift further. An update trained on other rows or from another state shares little more than honest
 * members of one round do (updateOverlap.ts) and is far outside it; a small edit of a true update is not, which only
 * a re-execution on the member's own compute catches.
 */
export const CROSS_COMPUTE_TOLERANCE = { minIndexOverlap: 0.9, maxRelativeError: 0.1 } as const;

export interface UpdateAgreement {
  /** |A ∩ B| / |A| over the entries (updateOverlap.ts). */
  readonly indexOverlap: number;
  /** ‖a − b‖ / ‖b‖ over the values of the shared entries, b the committed update (0 when nothing is shared). */
  readonly relativeError: number;
}

export function updateAgreement(reexecuted: SparseUpdate, committed: SparseUpdate): UpdateAgreement {
  const overlap = indexOverlap(reexecuted, committed); // checks the layouts agree
  let diff = 0;
  let norm = 0;
  reexecuted.tensors.forEach((ta, ti) => {
    const tb = committed.tensors[ti];
    const { k } = ta;
    for (let start = 0; start < ta.indices.length; start += k) {
      let i = start;
      let j = start;
      while (i < start + k && j < start + k) {
        const [x, y] = [ta.indices[i], tb.indices[j]];
        if (x === y) {
          diff += (ta.values[i] - tb.values[j]) ** 2;
          norm += tb.values[j] ** 2;
          i++;
          j++;
        } else if (x < y) i++;
        else j++;
      }
    }
  });
  return { indexOverlap: overlap, relativeError: norm > 0 ? Math.sqrt(diff / norm) : diff > 0 ? Infinity : 0 };
}

export const withinTolerance = (a: UpdateAgreement): boolean =>
  a.indexOverlap >= CROSS_COMPUTE_TOLERANCE.minIndexOverlap &&
  a.relativeError <= CROSS_COMPUTE_TOLERANCE.maxRelativeError;
