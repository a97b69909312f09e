import { mulberry32 } from "../seededRandom";
import { dct, dctBasis } from "./dct";

const random = (n: number, seed = 1) => {
  const u = mulberry32(seed);
  return Float64Array.from({ length: n }, () => u() * 2 - 1);
};

describe("dct", () => {
  test.each([1, 2, 4, 13, 16, 64, 65])("length %i matches the orthonormal basis and inverts exactly", (n) => {
    const x = random(n);
    const y = Float64Array.from(x);
    dct(n).forward(y, 1);
    const c = dctBasis(n);
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += c[k * n + j] * x[j];
      expect(Math.abs(s - y[k])).toBeLessThan(1e-12);
    }
    // Parseval: an orthonormal transform keeps the energy.
    const energy = (a: Float64Array) => a.reduce((s, v) => s + v * v, 0);
    expect(Math.abs(energy(x) - energy(y))).toBeLessThan(1e-10);
    dct(n).inverse(y, 1);
    for (let j = 0; j < n; j++) expect(Math.abs(y[j] - x[j])).toBeLessThan(1e-12);
  });

  test("golden values: the 4-point basis (as in Psyche's distro.rs test)", () => {
    const c = dctBasis(4);
    const golden = [
      0.5, 0.5, 0.5, 0.5, 0.6533, 0.2706, -0.2706, -0.6533, 0.5, -0.5, -0.5, 0.5, 0.2706, -0.6533, 0.6533, -0.2706,
    ];
    golden.forEach((g, i) => expect(c[i]).toBeCloseTo(g, 4));
  });

  test.each([16, 13])("length %i transforms every column of a block like that column alone", (n) => {
    const width = 5;
    const block = random(n * width, 2);
    const columns = Array.from({ length: width }, (_, q) =>
      Float64Array.from({ length: n }, (_, j) => block[j * width + q]),
    );
    dct(n).forward(block, width);
    for (let q = 0; q < width; q++) {
      dct(n).forward(columns[q], 1);
      for (let j = 0; j < n; j++) expect(block[j * width + q]).toBe(columns[q][j]);
    }
  });
});
