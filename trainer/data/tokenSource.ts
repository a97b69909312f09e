// A split of a token dataset as training reads it: its length and any range of tokens. The shard loader serves one
// from verified shards; tests and benchmarks can wrap an array.
import { ConcordError } from "../../sdk/errors/concordError";
import { CONCORD_ERROR__DATASET__BATCH_OUT_OF_RANGE } from "../../sdk/errors/codes";

export interface TokenSource {
  /** Tokens in the split. */
  readonly length: number;
  /** Tokens [offset, offset + count) as int32 (what tfjs embeds). */
  read(offset: number, count: number): Int32Array;
}

/** Throws BATCH_OUT_OF_RANGE unless [offset, offset + count) lies within a split of `length` tokens. */
export function checkTokenRange(offset: number, count: number, length: number): void {
  if (!(Number.isInteger(offset) && Number.isInteger(count) && offset >= 0 && count >= 0 && offset + count <= length))
    throw new ConcordError(CONCORD_ERROR__DATASET__BATCH_OUT_OF_RANGE, {
      reason: `tokens [${offset}, ${offset + count}) outside a split of ${length}`,
    });
}

/** A TokenSource over tokens already in memory. */
export function arrayTokenSource(tokens: ArrayLike<number>): TokenSource {
  const all = Int32Array.from(tokens);
  return {
    length: all.length,
    read(offset, count) {
      checkTokenRange(offset, count, all.length);
      return all.slice(offset, offset + count);
    },
  };
}

/** Inputs and targets (each rows x seqLen, row-major) from windows of seqLen + 1 tokens at `offsets`. */
export function windowsToBatch(
  source: TokenSource,
  offsets: readonly number[],
  seqLen: number,
): { inputs: Int32Array; targets: Int32Array } {
  const inputs = new Int32Array(offsets.length * seqLen);
  const targets = new Int32Array(offsets.length * seqLen);
  offsets.forEach((o, r) => {
    const w = source.read(o, seqLen + 1);
    inputs.set(w.subarray(0, seqLen), r * seqLen);
    targets.set(w.subarray(1), r * seqLen);
  });
  return { inputs, targets };
}
