import { fromFloat16Bits, roundToFloat16, toFloat16Bits } from "./float16";

describe("float16", () => {
  test("known values", () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(65520)).toBe(0x7c00); // rounds up to infinity
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toFloat16Bits(2 ** -26)).toBe(0x0000); // below half of it: zero
    expect(toFloat16Bits(-0)).toBe(0x8000);
    expect(toFloat16Bits(NaN) & 0x7c00).toBe(0x7c00);
    expect(fromFloat16Bits(0x3555)).toBeCloseTo(0.33325, 5);
    expect(fromFloat16Bits(0xfc00)).toBe(-Infinity);
  });

  test("ties round to even", () => {
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // halfway between 1 and 1+2^-10: stays even
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(toFloat16Bits(3 * 2 ** -25)).toBe(0x0002); // subnormal tie 1.5 ulp -> 2
  });

  test("every finite half round-trips through its value", () => {
    const wrong: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++)
      if ((bits & 0x7c00) !== 0x7c00 && toFloat16Bits(fromFloat16Bits(bits)) !== bits) wrong.push(bits);
    expect(wrong).toEqual([]);
  });

  test("rounding picks the nearest representable value", () => {
    for (const v of [0.1, -3.14159, 1e-5, 7e-8, 1234.567]) {
      const r = roundToFloat16(v);
      const bits = toFloat16Bits(v);
      const neighbours = [fromFloat16Bits(bits - 1), fromFloat16Bits(bits + 1)];
      for (const n of neighbours) expect(Math.abs(r - v)).toBeLessThanOrEqual(Math.abs(n - v));
    }
  });
});
