// The usefulness check on real training (tests/helpers/usefulnessRounds.ts: a DeMo run of four members on the
// generated corpus through the network's own modules): honest members are never flagged, over 20 seeds; a
// free-rider, a lazy member (trained on another member's rows, or on rows of another seed) and a sign-flipped
// update claiming a member's rows are.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { vocabSize } from "../sdk/data/datasetManifest";
import type { UsefulnessScore } from "../trainer/audit/usefulness";
import {
  memberUsefulness,
  unassignedBatches,
  USEFULNESS_SETS,
  USEFULNESS_THRESHOLD,
  usefulnessStep,
} from "../trainer/audit/usefulness";
import { selectBackend } from "../trainer/backend/selectBackend";
import type { Dataset } from "../trainer/data/tokenShards";
import { assignedBatches } from "../trainer/node/roundTraining";
import { PSYCHE_DEMO } from "../trainer/optim/roundConfig";
import { UpdateCompressor } from "../trainer/optim/updateCompressor";
import { generatedDataset } from "./helpers/generatedDataset";
import { ATTACKS, usefulnessRounds } from "./helpers/usefulnessRounds";

let dir: string;
let dataset: Dataset;

beforeAll(async () => {
  await selectBackend({ order: ["wasm"], log: () => {} });
  dir = mkdtempSync(join(tmpdir(), "concord-usefulness-"));
  dataset = generatedDataset(dir, 30_000, 12);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (seed: number, rounds: number, attackers: boolean) =>
  usefulnessRounds({
    train: dataset.split("train"),
    vocabSize: vocabSize(dataset.manifest.tokenizer),
    seed,
    rounds,
    members: 4,
    rows: 2,
    attackers,
  });

test("unassigned rows: as many as the member's, past the global batch, none of any member's", () => {
  const round = { dataSeed: new Uint8Array(32).fill(3), epochSlots: [0, 1, 2], globalBatchSize: 7, step: 2 };
  const train = dataset.split("train");
  const assigned = [0, 1, 2].flatMap((slot) => assignedBatches(train, 64, { ...round, slot, innerSteps: 2 })!);
  const others = unassignedBatches(train, 64, { ...round, slot: 1, innerSteps: 2 })!;
  expect(others).toHaveLength(USEFULNESS_SETS);
  const own = assignedBatches(train, 64, { ...round, slot: 1, innerSteps: 2 })!;
  const key = (inputs: Int32Array) => inputs.join(",");
  const taken = new Set(assigned.map((b) => key(b.inputs)));
  for (const set of others) {
    expect(set.map((b) => b.rows)).toEqual(own.map((b) => b.rows));
    for (const b of set) expect(taken.has(key(b.inputs))).toBe(false);
  }
  expect(new Set(others.map((set) => key(set[0].inputs))).size).toBe(USEFULNESS_SETS);
});

test("the step has the same size whatever the update's scale", () => {
  const compressor = new UpdateCompressor([[64, 64]], { ...PSYCHE_DEMO, format: "f32" });
  const delta = [Float32Array.from({ length: 64 * 64 }, (_, i) => Math.sin(i))];
  const update = compressor.compress(delta, 1);
  const scaled = { ...update, tensors: update.tensors.map((t) => ({ ...t, values: t.values.map((v) => v * 1000) })) };
  const config = { ...PSYCHE_DEMO, outer: "sgd" as const };
  const [big, small] = [usefulnessStep(scaled, config)[0], usefulnessStep(update, config)[0]];
  expect(Math.max(...big.map((x, i) => Math.abs(x - small[i])))).toBeLessThan(1e-9);
  const rms = (d: Float32Array) => Math.sqrt(d.reduce((s, x) => s + x * x, 0) / d.length);
  expect(rms(usefulnessStep(update, config)[0])).toBeCloseTo(1e-3, 6);
});

test("honest members are never flagged: 20 seeds, 4 members, 3 rounds each", () => {
  const scores: number[] = [];
  for (let seed = 0; seed < 20; seed++)
    for (const member of run(seed, 3, false).honest) {
      const verdict = memberUsefulness(member);
      scores.push(verdict.score);
      expect(verdict).toMatchObject({ receipts: 3, verdict: "useful" });
    }
  expect(Math.min(...scores)).toBeGreaterThan(USEFULNESS_THRESHOLD);
}, 120_000);

describe("attackers claiming a member's rows, over 12 rounds", () => {
  let attacks: Record<(typeof ATTACKS)[number], UsefulnessScore[]>;
  let honest: UsefulnessScore[][];
  beforeAll(() => ({ attacks, honest } = run(1, 12, true)), 120_000);

  test("the honest members are useful", () => {
    for (const member of honest) expect(memberUsefulness(member).verdict).toBe("useful");
  });

  test.each(ATTACKS)("%s is flagged", (attack) => {
    const verdict = memberUsefulness(attacks[attack]);
    expect(verdict).toMatchObject({ receipts: 12, verdict: "flagged" });
    // the sign flip hurts its own rows more than others: it is not merely useless
    if (attack === "signFlip") expect(verdict.score).toBeLessThan(-USEFULNESS_THRESHOLD);
  });
});

test("no receipts scored: unscored, neither useful nor flagged", () => {
  expect(memberUsefulness([])).toMatchObject({ receipts: 0, verdict: "unscored" });
});
