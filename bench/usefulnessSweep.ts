// The usefulness score's distributions (trainer/audit/usefulness.ts), to set its threshold: per seed, n honest
// members train a DeMo run (the demo's round: gradient, DCT, top-k sign values, sign descent) through the network's
// own modules, each round's rows assigned as on the network, and every round member 0's rows are also claimed by
// four attackers that are scored but never applied: a free-rider (its compressor fed noise), a lazy member trained
// on member 1's rows, a lazy member trained on its rows under another data seed, and member 0's own update
// sign-flipped. Prints, per kind, quantiles of the per-round scores and of the per-member means over the run.
//   npx tsx bench/usefulnessSweep.ts --seeds 20 --rounds 12                       (tiny Shakespeare)
//   npx tsx bench/usefulnessSweep.ts --seeds 20 --rounds 6 --corpus generated      (the tests' corpus)
import { sha256 } from "@noble/hashes/sha256";
import { readFileSync } from "node:fs";
import yargs from "yargs";
import { decodeUpdate } from "../sdk/codec/updateCodec";
import type { SparseUpdate } from "../sdk/demo/sparseUpdate";
import type { LrSchedule } from "../sdk/lrSchedule";
import { fillNormal, mulberry32 } from "../sdk/seededRandom";
import { DEMO_ROUND } from "../sdk/trainingRecipe";
import type { UsefulnessScore } from "../trainer/audit/usefulness";
import { memberUsefulness, unassignedBatches, usefulness } from "../trainer/audit/usefulness";
import { selectBackend } from "../trainer/backend/selectBackend";
import { generatedCorpus } from "../trainer/data/corpusText";
import { charSpecFor, makeTokenizer } from "../trainer/data/tokenizer";
import { arrayTokenSource } from "../trainer/data/tokenSource";
import { Transformer } from "../trainer/model/transformer";
import type { RoundConfig } from "../trainer/optim/roundConfig";
import { UpdateCompressor } from "../trainer/optim/updateCompressor";
import type { AssignedRound } from "../trainer/node/roundTraining";
import { assignedBatches, RoundTrainer, runToEnd } from "../trainer/node/roundTraining";
import { SharedParameters } from "../trainer/node/sharedParameters";

const KINDS = ["honest", "freeRider", "lazyOtherMember", "lazyOtherSeed", "signFlip"] as const;
type Kind = (typeof KINDS)[number];

function quantiles(xs: readonly number[]) {
  const s = [...xs].sort((x, y) => x - y);
  const q = (p: number) => +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(4);
  return { n: s.length, min: q(0), p05: q(0.05), median: q(0.5), p95: q(0.95), max: q(1) };
}

async function main(): Promise<void> {
  const a = yargs(process.argv.slice(2))
    .option("seeds", { type: "number", default: 20 })
    .option("rounds", { type: "number", default: 12 })
    .option("members", { type: "number", default: 4 })
    .option("rows", { type: "number", default: 2, describe: "rows per member per round" })
    .option("lr", { type: "number", default: 4e-3 })
    .option("topk", { type: "number", default: 16 })
    .option("corpus", { choices: ["shakespeare", "generated"] as const, default: "shakespeare" as const })
    .strict()
    .parseSync();
  await selectBackend({ log: () => {} });
  const text =
    a.corpus === "generated"
      ? generatedCorpus(30_000, 12).text
      : readFileSync(process.env.SHAKESPEARE ?? "../shared/data/tinyshakespeare.txt", "utf8");
  const tokenizer = makeTokenizer(charSpecFor(text));
  const train = arrayTokenSource(tokenizer.encode(text).subarray(0, Math.floor(text.length * 0.9)));
  // the demo's model and round (scripts/demo/demoRun.ts)
  const model = { vocabSize: tokenizer.vocabSize, contextLength: 64, layers: 2, heads: 4, width: 64 };
  const config: RoundConfig = {
    ...DEMO_ROUND,
    innerSteps: 1,
    chunk: 64,
    topK: a.topk,
    decay: 0.999,
    format: "sign",
    outerLr: a.lr,
    outerMomentum: 0,
  };
  const warmupSteps = Math.min(2, a.rounds - 1);
  const schedule: LrSchedule = { kind: "cosine", lr: a.lr, minLr: a.lr / 10, warmupSteps, totalSteps: a.rounds };
  const seqLen = model.contextLength;
  const epochSlots = Array.from({ length: a.members }, (_, i) => i);
  const perRound = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
  const perMember = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
  for (let seed = 0; seed < a.seeds; seed++) {
    const t = new Transformer(model, { seed: 1000 + seed });
    const honest = epochSlots.map(() => new RoundTrainer(t, config, schedule));
    const lazyMember = new RoundTrainer(t, config, schedule);
    const lazySeed = new RoundTrainer(t, config, schedule);
    const trainers = [...honest, lazyMember, lazySeed];
    const noise = new UpdateCompressor(
      t.specs.map((s) => s.shape),
      config,
    );
    const { layout } = noise;
    const shared = new SharedParameters(t.getWeights(), t.specs, config, layout, schedule);
    const random = mulberry32(seed);
    const scores = new Map<string, UsefulnessScore[]>();
    const record = (kind: Kind, who: number, score: UsefulnessScore) => {
      perRound.get(kind)!.push(score.score);
      scores.set(`${kind}/${who}`, [...(scores.get(`${kind}/${who}`) ?? []), score]);
    };
    let pending: Uint8Array[] | null = null;
    for (let step = 0; step < a.rounds; step++) {
      // round s trains from the shared parameters after rounds 0..s-2, as on the network
      const base = shared.params.map((p) => p.slice());
      const round = (slot: number, salt = ""): AssignedRound => ({
        dataSeed: sha256(`usefulness-sweep/${seed}/${step}${salt}`),
        epochSlots,
        slot,
        globalBatchSize: a.members * a.rows,
        step,
        innerSteps: 1,
      });
      const rowsOf = (r: AssignedRound) => assignedBatches(train, seqLen, r)!;
      const trained = (trainer: RoundTrainer, r: AssignedRound) =>
        runToEnd(trainer.train(base, rowsOf(r), step)).bytes;
      const score = (slot: number, update: SparseUpdate) => {
        const [own, other] = [rowsOf(round(slot)), unassignedBatches(train, seqLen, round(slot))!];
        return usefulness(t, { base, update, config, own, other });
      };
      const received = epochSlots.map((w) => trained(honest[w], round(w)));
      received.forEach((bytes, w) => record("honest", w, score(w, decodeUpdate(bytes, layout))));
      const own = decodeUpdate(received[0], layout);
      const attacks: [Kind, SparseUpdate][] = [
        ["freeRider", noise.compress(base.map((p) => fillNormal(new Float32Array(p.length), random, 1)), 1)],
        ["lazyOtherMember", decodeUpdate(trained(lazyMember, round(1)), layout)],
        ["lazyOtherSeed", decodeUpdate(trained(lazySeed, round(0, "/other")), layout)],
        ["signFlip", { ...own, tensors: own.tensors.map((x) => ({ ...x, values: x.values.map((v) => -v) })) }],
      ];
      for (const [kind, update] of attacks) record(kind, 0, score(0, update));
      for (const m of trainers) m.settle(step);
      if (pending) shared.applyRound(step - 1, pending);
      pending = received;
    }
    for (const [key, xs] of scores) perMember.get(key.split("/")[0] as Kind)!.push(memberUsefulness(xs).score);
    for (const m of trainers) m.dispose();
    t.dispose();
    console.error(`seed ${seed} done`);
  }
  const out = (m: Map<Kind, number[]>) => Object.fromEntries(KINDS.map((k) => [k, quantiles(m.get(k)!)]));
  console.log(JSON.stringify({ options: a, perRound: out(perRound), perMember: out(perMember) }));
}

void main();
