import { mulberry32 } from "../seededRandom";
import { topKPerChunk } from "./topK";

describe("topKPerChunk", () => {
  test("keeps the k largest magnitudes of every chunk, indices increasing", () => {
    const u = mulberry32(7);
    const coef = Float32Array.from({ length: 4096 * 3 }, () => u() * 2 - 1);
    const { indices, values } = topKPerChunk(coef, 4096, 32);
    for (let q = 0; q < 3; q++) {
      const all = Array.from(coef.subarray(q * 4096, (q + 1) * 4096), Math.abs).sort((a, b) => b - a);
      const kept = Array.from(values.subarray(q * 32, (q + 1) * 32), Math.abs).sort((a, b) => b - a);
      expect(kept).toEqual(all.slice(0, 32));
      for (let j = q * 32; j < (q + 1) * 32; j++) {
        expect(values[j]).toBe(coef[q * 4096 + indices[j]]);
        if (j > q * 32) expect(indices[j]).toBeGreaterThan(indices[j - 1]);
      }
    }
  });

  test("ties go to the lower index, and the result is deterministic", () => {
    const coef = Float32Array.from([1, -3, 3, 1, 1, 0, 2, -2]);
    expect(Array.from(topKPerChunk(coef, 8, 3).indices)).toEqual([1, 2, 6]);
    expect(Array.from(topKPerChunk(coef, 8, 4).indices)).toEqual([1, 2, 6, 7]);
    expect(Array.from(topKPerChunk(new Float32Array(8).fill(1), 4, 2).indices)).toEqual([0, 1, 0, 1]);
    // Psyche's compress_1d golden case: top-2 of these 8 values are indices 1 and 2.
    const psyche = Float32Array.from([0.5223, 0.9625, 0.5487, 0.2152, 0.2161, 0.0363, 0.4944, 0.0974]);
    expect(Array.from(topKPerChunk(psyche, 8, 2).indices)).toEqual([1, 2]);
  });

  test("k equal to the chunk length keeps everything", () => {
    const coef = Float32Array.from([0.5, -1, 0.25, 0]);
    const { indices, values } = topKPerChunk(coef, 4, 4);
    expect(Array.from(indices)).toEqual([0, 1, 2, 3]);
    expect(Array.from(values)).toEqual([0.5, -1, 0.25, 0]);
  });
});
