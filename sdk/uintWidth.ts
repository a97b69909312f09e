// Unsigned integers kept in the fewest little-endian bytes (1, 2 or 4) that hold every value below a count: the
// update codec's chunk-local indices and the dataset shards' token ids.

export type UintWidth = 1 | 2 | 4;

/** Bytes per value for values 0..count-1. */
export function uintWidth(count: number): UintWidth {
  return count <= 256 ? 1 : count <= 65536 ? 2 : 4;
}

export function readUint(view: DataView, offset: number, width: UintWidth): number {
  return width === 1
    ? view.getUint8(offset)
    : width === 2
      ? view.getUint16(offset, true)
      : view.getUint32(offset, true);
}

export function writeUint(view: DataView, offset: number, width: UintWidth, value: number): void {
  if (width === 1) view.setUint8(offset, value);
  else if (width === 2) view.setUint16(offset, value, true);
  else view.setUint32(offset, value, true);
}
