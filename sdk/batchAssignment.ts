// Which rows of a round's global batch each member trains on: the same pure function for trainers and auditors.
// Members are shuffled by the round's data seed (the Run's data_seed: the previous round's seed, bytes 8..16), then
// the batch is cut into contiguous ranges, B / n rows each and one more for the first B mod n, as Psyche splits it.
// Nobody knows a seed before the round that draws it closes, so nobody can pick their data; members learn their rows
// one round ahead, which is what lets them train while the previous round is witnessed.
import { ConcordError } from "./errors/concordError";
import { CONCORD_ERROR__DATASET__BATCH_OUT_OF_RANGE } from "./errors/codes";
import { splitmix64 } from "./witnessSelection";

export interface RowRange {
  firstRow: number;
  rows: number;
}

/** The epoch members' slots in the round's training order. */
export function shuffledSlots(seed: Uint8Array, epochSlots: readonly number[]): number[] {
  if (seed.length < 32)
    throw new ConcordError(CONCORD_ERROR__DATASET__BATCH_OUT_OF_RANGE, { reason: "seed shorter than 32 bytes" });
  const slots = [...epochSlots].sort((a, b) => a - b);
  let state = new DataView(seed.buffer, seed.byteOffset + 8, 8).getBigUint64(0, true);
  for (let k = slots.length - 1; k > 0; k--) {
    let r: bigint;
    [r, state] = splitmix64(state);
    const j = Number(r % BigInt(k + 1));
    [slots[k], slots[j]] = [slots[j], slots[k]];
  }
  return slots;
}

/** The member at `slot`'s rows of the global batch; null when it is not an epoch member or gets no rows (B < n). */
export function assignBatchRows(
  seed: Uint8Array,
  epochSlots: readonly number[],
  slot: number,
  globalBatchSize: number,
): RowRange | null {
  if (!Number.isInteger(globalBatchSize) || globalBatchSize < 1) {
    throw new ConcordError(CONCORD_ERROR__DATASET__BATCH_OUT_OF_RANGE, { reason: `global batch ${globalBatchSize}` });
  }
  const order = shuffledSlots(seed, epochSlots);
  const position = order.indexOf(slot);
  if (position < 0) return null;
  const base = Math.floor(globalBatchSize / order.length);
  const extra = globalBatchSize % order.length;
  const rows = base + (position < extra ? 1 : 0);
  if (rows === 0) return null;
  return { firstRow: position * base + Math.min(position, extra), rows };
}

/** The 32-bit data seed of a round (seed bytes 16..20): batch rows map to token windows through it. */
export function roundDataSeed(seed: Uint8Array): number {
  return new DataView(seed.buffer, seed.byteOffset + 16, 4).getUint32(0, true);
}
