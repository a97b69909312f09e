// IEEE-754 single-precision bits, as the program sees f32 values (sBPF has no floating point).

const view = new DataView(new ArrayBuffer(4));

export function f32Bits(value: number): number {
  view.setFloat32(0, value, true);
  return view.getUint32(0, true);
}

export const f32Finite = (bits: number) => (bits & 0x7f800000) >>> 0 !== 0x7f800000;
export const f32PositiveFinite = (bits: number) => f32Finite(bits) && bits !== 0 && bits >>> 31 === 0;
/** Finite and not below zero (-0 allowed), the rule for a receipt's loss. */
export const f32NonNegativeFinite = (bits: number) => f32Finite(bits) && (bits >>> 31 === 0 || bits === 0x80000000);
