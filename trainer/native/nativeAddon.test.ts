// The addon's argument checks: every entry point refuses bad arguments with a ConcordError (6003) and never crashes
// the process. A crash here would kill the Jest worker, which is the failure this test exists to catch.
import { isConcordError } from "../../sdk/errors/concordError";
import { CONCORD_ERROR__TRAINER__NATIVE_ARGUMENT } from "../../sdk/errors/codes";
import { SeededRandom } from "../../tests/helpers/seededRandom";
import { expectConcordError } from "../../tests/helpers/expectConcordError";
import type { NativeAddon } from "./nativeAddon";
import { loadNativeAddon } from "./nativeAddon";

let addon: NativeAddon;
beforeAll(() => {
  const loaded = loadNativeAddon();
  if (!loaded.addon) throw new Error(`native addon not loaded: ${loaded.reason}`);
  addon = loaded.addon;
});

const HEAP = 4096;
const heap = () => new Float32Array(HEAP);
const plan = (n: number) => new Float64Array(n >= 2 && (n & (n - 1)) === 0 ? n + 1 : n * n);

/**
 * Argument kinds of each entry point: h heap, b boolean, i index/size, n number, f Float32Array, u Uint32Array,
 * p plan.
 */
const SIGNATURES: Record<Exclude<keyof NativeAddon, "info">, string> = {
  sgemm: "hbbiiiiiiiiiiiii",
  biasAct: "hiiiib",
  gelu: "hiii",
  geluGrad: "hiiii",
  layerNorm: "hiiiiin",
  layerNormGrad: "hiiiiiiin",
  causalSoftmax: "hiiiin",
  causalSoftmaxGrad: "hiiiiin",
  attention: "hiiiiiiin",
  attentionGrad: "hiiiiiiiin",
  crossEntropy: "hiiiiii",
  crossEntropyGrad: "hiiiiii",
  embedding: "hiiiiii",
  embeddingGrad: "hiiiiii",
  adamw: "hiiiiiiiinnnnnnnn",
  signDescent: "hiiiinn",
  sumSquares: "hii",
  dctForward: "ffiiiipp",
  dctInverse: "ffbiiiipp",
  topK: "fiiuf",
  setThreads: "i",
};

function randomArg(r: SeededRandom, kind: string): unknown {
  const wrong = [
    undefined,
    null,
    "12",
    {},
    [],
    1n,
    NaN,
    Infinity,
    -1,
    2.5,
    2 ** 53,
    new Int32Array(8),
    new Float64Array(8),
    true,
  ];
  if (r.chance(0.15)) return wrong[r.int(wrong.length)];
  switch (kind) {
    case "h":
      return r.chance(0.9) ? heap() : new Float32Array(r.int(16));
    case "f":
      return r.chance(0.9) ? new Float32Array(r.int(300)) : Float32Array.of(1, NaN, Infinity);
    case "u":
      return new Uint32Array(r.int(300));
    case "p":
      return plan(r.range(1, 9));
    case "b":
      return r.chance(0.5);
    case "n":
      return (r.int(2001) - 1000) / 100;
    default: {
      // mostly small sizes and offsets that fit, sometimes ones that overrun, overflow or go negative
      const pick = r.int(10);
      if (pick < 6) return r.int(17);
      if (pick < 8) return r.int(HEAP);
      return [HEAP, HEAP + 1, 2 ** 31 - 1, 2 ** 31, 2 ** 40, -1][r.int(6)];
    }
  }
}

describe("native addon argument checks", () => {
  test("10,000 random calls: each returns or throws a ConcordError 6003, never crashes", () => {
    const r = new SeededRandom(Number(process.env.CONCORD_FUZZ_SEED ?? 6));
    const threadsBefore = addon.info().blasThreads;
    const names = Object.keys(SIGNATURES) as (keyof typeof SIGNATURES)[];
    let refused = 0;
    for (let i = 0; i < 10_000; i++) {
      const name = names[r.int(names.length)];
      const kinds = SIGNATURES[name];
      const count = r.chance(0.05) ? r.int(kinds.length + 2) : kinds.length;
      const args = Array.from({ length: count }, (_, j) => randomArg(r, kinds[j] ?? "i"));
      try {
        (addon[name] as (...a: unknown[]) => unknown)(...args);
      } catch (e) {
        if (!isConcordError(e, CONCORD_ERROR__TRAINER__NATIVE_ARGUMENT)) throw e;
        expect(e.message).toMatch(new RegExp(`^native kernel call rejected: ${name}: `));
        refused++;
      }
    }
    // most random calls are refused, some are valid and run
    expect(refused).toBeGreaterThan(5000);
    expect(refused).toBeLessThan(10_000);
    addon.setThreads(threadsBefore);
  });

  test("each check has its message", () => {
    const h = heap();
    const cases: [() => unknown, RegExp][] = [
      [() => (addon.gelu as (...a: unknown[]) => void)(h, 0, 0), /expects 4 arguments, got 3/],
      [() => addon.gelu(new Float64Array(8) as unknown as Float32Array, 0, 0, 1), /heap must be a Float32Array/],
      [() => addon.gelu(h, -1, 0, 1), /xOff must be an integer/],
      [() => addon.gelu(h, 0.5, 0, 1), /xOff must be an integer/],
      [() => addon.gelu(h, "0" as unknown as number, 0, 1), /xOff must be a number/],
      [() => addon.gelu(h, 0, HEAP - 1, 2), /y: 2 elements at offset 4095 run past the end/],
      [() => addon.layerNorm(h, 0, 0, 0, 1, 0, 1e-5), /cols must be an integer in 1\.\./],
      [() => addon.layerNorm(h, 0, 0, 0, 1, 4, NaN), /eps must be finite/],
      [
        () => addon.sgemm(h, 1 as unknown as boolean, false, 1, 1, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1),
        /transA must be a boolean/,
      ],
      [() => addon.sgemm(h, false, false, 4, 4, 4, 0, 3, 0, 0, 4, 0, 0, 4, 0, 1), /lda 3 is below the row length 4/],
      [
        () => addon.sgemm(h, false, false, 65, 64, 64, 0, 64, 0, 0, 64, 0, 0, 64, 0, 1),
        /C: 4160 elements at offset 0 run past/,
      ],
      [() => addon.sgemm(h, false, false, 1, 1, 1, 0, 1, 2 ** 31 - 1, 0, 1, 0, 0, 1, 0, 3), /A: .* run past the end/],
      [() => addon.attention(h, 0, 0, 0, 1, 8, 4, 2 ** 30, 1), /heads \* headSize \* 3 exceeds/],
      [() => addon.biasAct(h, 0, 10, 0, 3, false), /not a multiple of biasLen/],
      [
        () => addon.dctForward(new Float32Array(12), new Float32Array(12), 3, 4, 2, 2, plan(2), plan(2)),
        /does not divide/,
      ],
      [
        () => addon.dctForward(new Float32Array(16), new Float32Array(16), 4, 4, 2, 2, plan(4), plan(2)),
        /plans of 5 and 3/,
      ],
      [
        () => addon.dctForward(new Float32Array(15), new Float32Array(16), 4, 4, 2, 2, plan(2), plan(2)),
        /x: 16 elements/,
      ],
      [() => addon.setThreads(3), /threads must be an integer in 1\.\.2/],
      [
        () => addon.topK(new Float32Array(8), 4, 5, new Uint32Array(10), new Float32Array(10)),
        /k 5 exceeds chunkLen 4/,
      ],
      [() => addon.topK(new Float32Array(9), 4, 2, new Uint32Array(4), new Float32Array(4)), /not whole chunks of 4/],
      [() => addon.topK(new Float32Array(8), 4, 2, new Uint32Array(3), new Float32Array(4)), /indices: 4 elements/],
      [
        () => addon.topK(new Float32Array(8), 4, 2, new Float32Array(4) as unknown as Uint32Array, new Float32Array(4)),
        /indices must be a Uint32Array/,
      ],
      [
        () => addon.topK(Float32Array.of(1, 2, NaN, 0), 4, 2, new Uint32Array(2), new Float32Array(2)),
        /coef\[2\] is not finite/,
      ],
    ];
    for (const [f, message] of cases) {
      const e = expectConcordError(f, CONCORD_ERROR__TRAINER__NATIVE_ARGUMENT);
      expect(e.message).toMatch(message);
    }
    // ids are checked before use: int32 -1 at offset 0
    new Int32Array(h.buffer)[0] = -1;
    expect(() => addon.embedding(h, 0, 16, 64, 1, 4, 4)).toThrow(/ids\[0\] = -1 is outside 0..3/);
  });

  test("a detached heap is an empty array: every region is out of bounds", () => {
    const h = heap();
    structuredClone(h.buffer, { transfer: [h.buffer] });
    expectConcordError(() => addon.gelu(h, 0, 0, 1), CONCORD_ERROR__TRAINER__NATIVE_ARGUMENT);
    expect(addon.sumSquares(h, 0, 0)).toBe(0);
  });
});

describe("ids and the outputs written while they are read", () => {
  test("may not overlap (an overwritten id would index out of bounds after its check)", () => {
    const h = heap();
    const cases: [() => unknown, RegExp][] = [
      [() => addon.crossEntropyGrad(h, 3, 11, 5, 15, 7, 16), /dlogits overlaps targets/],
      [() => addon.crossEntropy(h, 0, 100, 98, 0, 4, 2), /probs overlaps targets/],
      [() => addon.embedding(h, 10, 0, 8, 4, 2, 2), /out overlaps ids/],
      [() => addon.embeddingGrad(h, 0, 100, 2, 4, 2, 2), /dtable overlaps ids/],
    ];
    for (const [f, message] of cases)
      expect(expectConcordError(f, CONCORD_ERROR__TRAINER__NATIVE_ARGUMENT).message).toMatch(message);
  });

  test("topK's outputs aliasing its input (integers landing in the values it reads) never crash it", () => {
    const r = new SeededRandom(3);
    for (let i = 0; i < 200; i++) {
      const buffer = new ArrayBuffer(4 * 256);
      const coef = new Float32Array(buffer).map(() => r.int(1000) - 500);
      const at = r.int(128);
      addon.topK(coef, 16, 8, new Uint32Array(buffer, 4 * at, 128), new Float32Array(buffer, 4 * r.int(128), 128));
    }
    // the same buffer as indices over NaN bit patterns: refused before anything is written
    const nan = new Uint32Array(64).fill(0x7fc00000);
    expect(() => addon.topK(new Float32Array(nan.buffer), 16, 4, nan.subarray(0, 16), new Float32Array(16))).toThrow(
      /coef\[0\] is not finite/,
    );
  });
});
