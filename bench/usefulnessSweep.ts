// The usefulness score's distributions (trainer/audit/usefulness.ts), to set its threshold: per seed, a DeMo run of
// honest members with attackers claiming member 0's rows (tests/helpers/usefulnessRounds.ts). Prints, per kind,
// quantiles of the per-round scores and of the per-member means over the run (what the verdict judges), and how
// many fall below USEFULNESS_THRESHOLD.
//   npx tsx bench/usefulnessSweep.ts --seeds 20 --rounds 12                       (tiny Shakespeare)
//   npx tsx bench/usefulnessSweep.ts --seeds 20 --rounds 12 --corpus generated     (the tests' corpus)
import { readFileSync } from "node:fs";
import yargs from "yargs";
import { memberUsefulness, USEFULNESS_THRESHOLD } from "../trainer/audit/usefulness";
import { selectBackend } from "../trainer/backend/selectBackend";
import { generatedCorpus } from "../trainer/data/corpusText";
import { charSpecFor, makeTokenizer } from "../trainer/data/tokenizer";
import { arrayTokenSource } from "../trainer/data/tokenSource";
import { ATTACKS, usefulnessRounds } from "../tests/helpers/usefulnessRounds";

function quantiles(xs: readonly number[]) {
  const s = [...xs].sort((x, y) => x - y);
  const q = (p: number) => +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(3);
  const flagged = s.filter((x) => x < USEFULNESS_THRESHOLD).length;
  return { n: s.length, flagged, min: q(0), p05: q(0.05), median: q(0.5), p95: q(0.95), max: q(1) };
}

async function main(): Promise<void> {
  const a = yargs(process.argv.slice(2))
    .option("seeds", { type: "number", default: 20 })
    .option("rounds", { type: "number", default: 12 })
    .option("members", { type: "number", default: 4 })
    .option("rows", { type: "number", default: 2, describe: "rows per member per round" })
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
  const kinds = ["honest", ...ATTACKS] as const;
  const perRound = new Map<string, number[]>(kinds.map((k) => [k, []]));
  const perMember = new Map<string, number[]>(kinds.map((k) => [k, []]));
  for (let seed = 0; seed < a.seeds; seed++) {
    const run = usefulnessRounds({ ...a, train, vocabSize: tokenizer.vocabSize, seed, attackers: true });
    const runs = [
      ...run.honest.map((s) => ["honest", s] as const),
      ...ATTACKS.map((k) => [k, run.attacks[k]] as const),
    ];
    for (const [kind, scores] of runs) {
      perRound.get(kind)!.push(...scores.map((s) => s.score));
      perMember.get(kind)!.push(memberUsefulness(scores).score);
    }
    console.error(`seed ${seed} done`);
  }
  const out = (m: Map<string, number[]>) => Object.fromEntries(kinds.map((k) => [k, quantiles(m.get(k)!)]));
  console.log(JSON.stringify({ options: a, perRound: out(perRound), perMember: out(perMember) }));
}

void main();
