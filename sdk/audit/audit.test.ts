// The audit's pure checks on their own: integrity of published bytes, copies and stale re-sends, norm outliers,
// and parameter-hash agreement.
import { Keypair } from "@solana/web3.js";
import { encodeUpdate, updateHash } from "../codec/updateCodec";
import type { SparseUpdate } from "../demo/sparseUpdate";
import {
  CONCORD_ERROR__CODEC__LAYOUT_MISMATCH,
  CONCORD_ERROR__CODEC__RECEIPT_METADATA_BAD_SIGNATURE,
  CONCORD_ERROR__CODEC__RECEIPT_METADATA_MISMATCH,
} from "../errors/codes";
import { encodeReceiptMetadata } from "../receiptMetadata";
import { mulberry32 } from "../seededRandom";
import type { Contribution } from "./copyDetection";
import { copyFindings } from "./copyDetection";
import { checkIntegrity } from "./integrity";
import { normOutliers, updateNorm } from "./normBound";
import { parameterSync } from "./parameterSync";
import { witnessRefusals } from "./witnessChecks";

/** A random update: one [64, 64] tensor in 16 chunks of 16x16, k = 8, values scaled by `scale`. */
function randomUpdate(seed: number, scale = 1): SparseUpdate {
  const u = mulberry32(seed);
  const indices: number[] = [];
  for (let q = 0; q < 16; q++) {
    const picked = new Set<number>();
    while (picked.size < 8) picked.add(Math.floor(u() * 256));
    indices.push(...[...picked].sort((a, b) => a - b));
  }
  const values = Float32Array.from(indices, () => Math.fround((u() - 0.5) * scale));
  return {
    format: "f32",
    tensors: [{ shape: [64, 64], chunk: [16, 16], k: 8, indices: Uint32Array.from(indices), values }],
  };
}
const layout = { format: "f32" as const, tensors: [{ shape: [64, 64], chunk: [16, 16], k: 8 }] };

describe("integrity", () => {
  const run = Keypair.generate().publicKey;
  const memberKeypair = Keypair.generate();
  const member = memberKeypair.publicKey;
  const bytes = encodeUpdate(randomUpdate(1));
  const receipt = { hash: updateHash(bytes), size: bytes.length, loss: Math.fround(2.5) };
  const compute = { backend: "cpu" as const, tfjsVersion: "4.22.0", wasmSimd: null, nativeKernels: null };
  const metadata = encodeReceiptMetadata(
    {
      run,
      member,
      epoch: 0,
      step: 3,
      updateHash: receipt.hash,
      updateBytes: bytes.length,
      loss: receipt.loss,
      compute,
    },
    memberKeypair.secretKey,
  );
  const expected = { run, member, step: 3, layout };

  test("the receipt's bytes with their metadata pass, decoded", () => {
    const r = checkIntegrity({ bytes, metadata }, receipt, expected);
    expect(r.ok && r.update.tensors[0].k).toBe(8);
  });

  test.each([
    [
      "other bytes",
      { bytes: encodeUpdate(randomUpdate(2)), metadata },
      expected,
      CONCORD_ERROR__CODEC__RECEIPT_METADATA_MISMATCH,
    ],
    [
      "another step's metadata",
      { bytes, metadata },
      { ...expected, step: 4 },
      CONCORD_ERROR__CODEC__RECEIPT_METADATA_MISMATCH,
    ],
    [
      "another member's metadata",
      { bytes, metadata },
      { ...expected, member: run },
      CONCORD_ERROR__CODEC__RECEIPT_METADATA_MISMATCH,
    ],
    [
      "metadata whose compute was changed after the member signed it",
      { bytes, metadata: Buffer.from(Buffer.from(metadata).toString("latin1").replace("4.22.0", "4.22.1"), "latin1") },
      expected,
      CONCORD_ERROR__CODEC__RECEIPT_METADATA_BAD_SIGNATURE,
    ],
    [
      "another layout",
      { bytes, metadata },
      { ...expected, layout: { ...layout, format: "f16" as const } },
      CONCORD_ERROR__CODEC__LAYOUT_MISMATCH,
    ],
  ])("%s fail with the reason", (_, published, who, code) => {
    const r = checkIntegrity(published, receipt, who);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.code).toBe(code);
  });
});

describe("copies and stale updates", () => {
  const c = (member: string, step: number, order: number, update: SparseUpdate): Contribution => ({
    member,
    step,
    order,
    update,
  });
  const honest = [c("a", 5, 0, randomUpdate(10)), c("b", 5, 1, randomUpdate(11)), c("c", 5, 2, randomUpdate(12))];

  test("independent updates are not flagged", () => {
    expect(copyFindings(honest, [c("a", 4, 0, randomUpdate(20))])).toEqual([]);
  });

  test("a re-sent update blames the later committer, and a perturbed copy too", () => {
    const copied = randomUpdate(11);
    const perturbed: SparseUpdate = {
      ...copied,
      tensors: copied.tensors.map((t) => ({ ...t, values: t.values.map((v) => Math.fround(v * 1.01)) })),
    };
    const round = [...honest, c("d", 5, 3, perturbed)];
    expect(copyFindings(round, [])).toEqual([
      { member: "d", step: 5, kind: "copy", source: { member: "b", step: 5 }, overlap: 1 },
    ]);
    // the original committed after the copier: then the copier is the one committed first, and b is blamed
    expect(copyFindings([c("d", 5, 0, perturbed), c("b", 5, 1, randomUpdate(11))], [])[0].member).toBe("b");
  });

  test("the own update of an earlier round sent again is stale", () => {
    const last = randomUpdate(30);
    expect(copyFindings([c("a", 6, 0, last)], [c("a", 5, 0, last)])).toEqual([
      { member: "a", step: 6, kind: "stale", source: { member: "a", step: 5 }, overlap: 1 },
    ]);
  });
});

test("norm outliers: a scaled update stands out of the round's median, honest spread does not", () => {
  const norms = [1, 2, 3, 4].map((s) => ({ member: `m${s}`, norm: updateNorm(randomUpdate(s)) }));
  expect(normOutliers(norms)).toEqual([]);
  const poisoned = [...norms, { member: "p", norm: updateNorm(randomUpdate(5, 10)) }];
  expect(normOutliers(poisoned).map((f) => f.member)).toEqual(["p"]);
  expect(normOutliers([{ member: "x", norm: NaN }]).map((f) => f.member)).toEqual(["x"]);
});

test("parameter sync: the hash most members report is the reference", () => {
  const r = parameterSync([
    { member: "a", hash: "aa" },
    { member: "b", hash: "aa" },
    { member: "c", hash: "cc" },
  ]);
  expect(r.reference).toBe("aa");
  expect(r.outOfSync).toEqual([{ member: "c", hash: "cc" }]);
  expect(
    parameterSync([
      { member: "a", hash: "bb" },
      { member: "b", hash: "aa" },
    ]).reference,
  ).toBe("aa");
  expect(parameterSync([])).toEqual({ reference: null, outOfSync: [] });
});

test("a witness refuses stale and scaled updates and vouches for the rest", () => {
  const last = randomUpdate(40);
  const round = [
    { member: "a", update: randomUpdate(41) },
    { member: "b", update: randomUpdate(42) },
    { member: "c", update: last }, // its update of the previous round again
    { member: "d", update: randomUpdate(43, 10) }, // ten times larger
  ];
  const refusals = witnessRefusals(7, round, [{ member: "c", step: 6, update: last }]);
  expect(refusals.map((r) => r.member)).toEqual(["c", "d"]);
  expect(refusals[0].reason).toMatch(/^stale: overlaps 100% with the update of c at step 6/);
  expect(refusals[1].reason).toMatch(/exceeds 3x the round's median/);
  // copies within the round are the auditor's: the witness cannot tell who came first
  expect(witnessRefusals(7, [...round.slice(0, 2), { member: "e", update: round[0].update }], [])).toEqual([]);
});
