// How much two sparse updates of one layout select the same entries: the copy check of an audit (Templar's top-k
// index overlap). A member that re-sends another's update, or perturbs its values, keeps its indices; honest members
// of one round overlap too, since their gradients are correlated, so the threshold comes from measured honest pairs.
import { checkLayout } from "../codec/updateCodec";
import type { SparseUpdate } from "../demo/sparseUpdate";

/**
 * |A ∩ B| / |A| over (tensor, chunk, index) entries: the share of a's selection that b selected too. Both updates
 * have the same layout (same k per chunk), so the measure is symmetric.
 */
export function indexOverlap(a: SparseUpdate, b: SparseUpdate): number {
  checkLayout(b, { format: a.format, tensors: a.tensors });
  let shared = 0;
  let total = 0;
  a.tensors.forEach((ta, ti) => {
    const tb = b.tensors[ti];
    const { k } = ta;
    total += ta.indices.length;
    // chunk-local indices are strictly increasing within each chunk: a merge counts the common ones
    for (let start = 0; start < ta.indices.length; start += k) {
      let i = start;
      let j = start;
      while (i < start + k && j < start + k) {
        const x = ta.indices[i];
        const y = tb.indices[j];
        if (x === y) {
          shared++;
          i++;
          j++;
        } else if (x < y) i++;
        else j++;
      }
    }
  });
  return total ? shared / total : 0;
}
