import { f32Bits, f32Finite, f32NonNegativeFinite, f32PositiveFinite } from "./f32";

describe("f32", () => {
  test("bits are IEEE-754 single precision", () => {
    expect(f32Bits(1)).toBe(0x3f800000);
    expect(f32Bits(-0)).toBe(0x80000000);
    expect(f32Bits(Infinity)).toBe(0x7f800000);
  });

  test("the receipt loss rule: finite and not negative, -0 allowed", () => {
    const ok = [0, -0, 1e-40, 2.5, 3.4e38].map((x) => f32NonNegativeFinite(f32Bits(x)));
    const bad = [NaN, Infinity, -Infinity, -1e-40, -2].map((x) => f32NonNegativeFinite(f32Bits(x)));
    expect(ok).toEqual([true, true, true, true, true]);
    expect(bad).toEqual([false, false, false, false, false]);
    expect(f32Finite(f32Bits(NaN))).toBe(false);
    expect(f32PositiveFinite(f32Bits(0))).toBe(false);
    expect(f32PositiveFinite(f32Bits(1e-3))).toBe(true);
  });
});
