// Which token windows make up a batch. A batch id maps to its sequences by a counter-based hash of (seed, batch id,
// row), so trainers and auditors compute any batch directly, without replaying the ones before it. Windows are
// seqLen + 1 tokens (inputs and the targets shifted by one) starting anywhere in the split, as nanoGPT samples.
import { ConcordError } from "../errors/concordError";
import { CONCORD_ERROR__DATASET__BATCH_OUT_OF_RANGE } from "../errors/codes";
import { uniformIndex } from "../seededRandom";

export interface BatchRequest {
  /** The run's data seed. */
  readonly seed: number;
  /** Batch id (a step's global batch). */
  readonly batchId: number;
  /** First row of the batch wanted (a worker's slice of the global batch starts here). */
  readonly firstRow: number;
  /** Rows wanted. */
  readonly rows: number;
  /** Tokens per input sequence. */
  readonly seqLen: number;
}

const isU32 = (n: number) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff;

/** Start offsets, within a split of `totalTokens` tokens, of rows firstRow .. firstRow + rows - 1 of the batch. */
export function batchOffsets(request: BatchRequest, totalTokens: number): number[] {
  const { seed, batchId, firstRow, rows, seqLen } = request;
  const bad = (reason: string): never => {
    throw new ConcordError(CONCORD_ERROR__DATASET__BATCH_OUT_OF_RANGE, { reason });
  };
  if (!isU32(seed) || !isU32(batchId)) bad(`seed and batch id must be 32-bit unsigned integers`);
  if (!isU32(firstRow) || !Number.isInteger(rows) || rows < 1 || firstRow + rows > 0xffffffff) bad(`bad rows`);
  if (!Number.isInteger(seqLen) || seqLen < 1) bad(`sequence length ${seqLen}`);
  if (totalTokens < seqLen + 1) bad(`a window of ${seqLen + 1} tokens does not fit in ${totalTokens}`);
  return Array.from({ length: rows }, (_, i) => uniformIndex(totalTokens - seqLen, seed, batchId, firstRow + i));
}

/** Offsets of consecutive non-overlapping windows covering a split (evaluation on the whole split). */
export function evaluationOffsets(totalTokens: number, seqLen: number): number[] {
  return Array.from({ length: Math.max(0, Math.floor((totalTokens - 1) / seqLen)) }, (_, i) => i * seqLen);
}
