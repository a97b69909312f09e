// Witness draw and quorum, mirrored from programs/coordinator/src/machine/witness_selection.c.

const MASK64 = (1n << 64n) - 1n;

/** splitmix64: returns [output, next state]. */
export function splitmix64(state: bigint): [bigint, bigint] {
  const next = (state + 0x9e3779b97f4a7c15n) & MASK64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return [z ^ (z >> 31n), next];
}

/** Confirmations a receipt needs: 1, 2, 2 for 1-3 witnesses, else floor(2n/3) (Psyche's rule). */
export function witnessQuorum(witnesses: number): number {
  if (witnesses <= 1) return witnesses;
  if (witnesses <= 3) return 2;
  return Math.floor((2 * witnesses) / 3);
}

/**
 * The round's witnesses: min(witnessNodes, members) distinct member slots, drawn by a partial Fisher-Yates shuffle
 * of `epochSlots` (the epoch members' slots in ascending order) driven by splitmix64 seeded with the seed's first
 * 8 bytes (little-endian).
 */
export function selectWitnesses(seed: Uint8Array, epochSlots: readonly number[], witnessNodes: number): number[] {
  const slots = [...epochSlots];
  const count = Math.min(witnessNodes, slots.length);
  let state = new DataView(seed.buffer, seed.byteOffset, 8).getBigUint64(0, true);
  for (let k = 0; k < count; k++) {
    let r: bigint;
    [r, state] = splitmix64(state);
    const j = k + Number(r % BigInt(slots.length - k));
    [slots[k], slots[j]] = [slots[j], slots[k]];
  }
  return slots.slice(0, count);
}
