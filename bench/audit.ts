// Quality control measured: one member of four attacks every round of a run simulated in one process through the
// network's own modules (RoundTrainer, the witnesses' checks, SharedParameters: trainer/train/trainingRuns.ts), on
// tiny Shakespeare.
//   damage: for each aggregation rule and each attack, the final validation loss against the run without attackers
//     (the bar: within 5% with the default rule), with the curves as SVG.
//   detection: over --seeds runs per attack, how often each of the auditor's checks flags the attacker, and how often
//     it flags an honest member (the false-positive rate).
//   cost: each check's time per contribution as a share of the contribution's training time.
//   npm run bench:audit -- [--parts damage,detection,cost] [--rounds 40] [--inner-steps 8] [--seeds 20]
//     [--detection-rounds 6] [--detection-inner-steps 2]
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import yargs from "yargs";
import type { AggregationRule } from "../sdk/demo/aggregate";
import type { LrSchedule } from "../sdk/lrSchedule";
import type { AttackName } from "../trainer/adversary/attacks";
import { ATTACKS, attackNamed } from "../trainer/adversary/attacks";
import { selectBackend } from "../trainer/backend/selectBackend";
import type { Dataset } from "../trainer/data/tokenShards";
import { vocabSize } from "../sdk/data/datasetManifest";
import { Transformer } from "../trainer/model/transformer";
import type { TransformerConfig } from "../trainer/model/transformer";
import type { RoundRunResult } from "../trainer/train/trainingRuns";
import { trainRounds } from "../trainer/train/trainingRuns";
import { copyFindings } from "../sdk/audit/copyDetection";
import { normOutliers, updateNorm } from "../sdk/audit/normBound";
import { decodeUpdate, updateHash } from "../sdk/codec/updateCodec";
import type { SparseUpdate } from "../sdk/demo/sparseUpdate";
import type { UsefulnessScore } from "../trainer/audit/usefulness";
import { memberUsefulness, unassignedRowSets, usefulness, USEFULNESS_THRESHOLD } from "../trainer/audit/usefulness";
import { RoundTrainer, runToEnd } from "../trainer/node/roundTraining";
import { lossCurvesSvg } from "./lossCurvesSvg";
import { BATCH, innerStepsRound, shakespeare } from "./training";

const MEMBERS = 4;
/** A smaller model than the anchor's baby GPT: 27 runs fit in minutes, and attacks show the same way. */
const MODEL: Omit<TransformerConfig, "vocabSize"> = { contextLength: 64, layers: 2, heads: 4, width: 96 };
const AGGREGATIONS: Record<string, AggregationRule> = {
  mean: { kind: "mean" },
  clippedMean: { kind: "clippedMean" },
  trimmedMean: { kind: "trimmedMean", trim: 1 },
};
const LOSS_BAR = 1.05;
const DEFAULT_AGGREGATION: AggregationRule = { kind: "clippedMean" };

interface DamageRun {
  readonly aggregation: string;
  readonly attack: AttackName | "none";
  readonly result: RoundRunResult;
  /** Rounds whose attacker's update the witnesses refused. */
  readonly refused: number;
}

function damageRun(
  data: Dataset,
  a: { rounds: number; H: number },
  aggregation: string,
  attack: AttackName | "none",
): DamageRun {
  const model = new Transformer({ ...MODEL, vocabSize: vocabSize(data.manifest.tokenizer) }, { seed: 1337 });
  const steps = a.rounds * a.H;
  const schedule: LrSchedule = {
    kind: "cosine",
    lr: 1e-3,
    minLr: 1e-4,
    warmupSteps: Math.max(1, Math.ceil(steps / 10 / a.H)),
    totalSteps: a.rounds,
  };
  let refused = 0;
  const adversary = attack === "none" ? undefined : { member: MEMBERS - 1, attack: attackNamed(attack) };
  const result = trainRounds(
    model,
    {
      train: data.split("train"),
      val: data.split("val"),
      seed: 1,
      steps: a.rounds,
      batchRows: BATCH,
      schedule,
      evalEvery: Math.max(1, Math.floor(a.rounds / 10)),
      curveWindows: 128,
    },
    innerStepsRound(a.H, AGGREGATIONS[aggregation]),
    MEMBERS,
    { adversary, judge: true, onRound: (r) => (refused += Number(r.refused.has(MEMBERS - 1))) },
  );
  model.dispose();
  console.log(
    `${aggregation} / ${attack}: val ${result.finalValLoss.toFixed(4)}, attacker refused in ${refused} of ${a.rounds} rounds (${result.wallSeconds.toFixed(0)} s)`,
  );
  return { aggregation, attack, result, refused };
}

function damageTable(runs: readonly DamageRun[], rounds: number): string {
  const attacks = ["none", ...ATTACKS] as const;
  const names = Object.keys(AGGREGATIONS);
  const at = (agg: string, attack: string) => runs.find((r) => r.aggregation === agg && r.attack === attack)!;
  const rows = attacks.map((attack) => {
    const cells = names.map((agg) => {
      const r = at(agg, attack);
      const ratio = r.result.finalValLoss / at(agg, "none").result.finalValLoss;
      return `${r.result.finalValLoss.toFixed(4)} (${ratio >= 1 ? "+" : ""}${(100 * (ratio - 1)).toFixed(1)}%${ratio > LOSS_BAR ? " ✗" : ""})`;
    });
    return `| ${attack} | ${at(names[0], attack).refused}/${rounds} | ${cells.join(" | ")} |`;
  });
  return [
    `| attack (1 of ${MEMBERS} members) | attacker refused by witnesses | ${names.join(" | ")} |`,
    `| --- | ---: | ${names.map(() => "---:").join(" | ")} |`,
    ...rows,
  ].join("\n");
}

/** The auditor's checks, as bench:audit counts their findings. */
const CHECKS = ["witnesses refused", "integrity", "copy", "stale", "norm", "usefulness", "re-execution"] as const;
type Check = (typeof CHECKS)[number];

/** What each attack must be flagged for: the reason a person reading the audit should see. */
const EXPECTED: Record<AttackName, Check> = {
  "free-rider": "re-execution",
  copier: "copy",
  "perturbed-copier": "copy",
  scaled: "norm",
  "sign-flip": "re-execution",
  "flip-under-bound": "re-execution",
  "little-is-enough": "re-execution",
  lazy: "re-execution",
  stale: "stale",
  mismatched: "integrity",
};

interface CheckTimes {
  training: number;
  integrity: number;
  overlap: number;
  norm: number;
  usefulness: number;
  reexecution: number;
  contributions: number;
}

/**
 * One short run with the auditor watching every round: each member's flags by check. The auditor re-executes every
 * contribution with its own RoundTrainer per member (trained and settled as the member's would be), scores it for
 * usefulness from the round's base, and runs the copy and norm checks over the round and the one before.
 */
function detectionRun(
  data: Dataset,
  a: { rounds: number; H: number },
  attack: AttackName | "none",
  seed: number,
  times: CheckTimes,
): { flags: Set<Check>[]; scores: number[] } {
  const model = new Transformer({ ...MODEL, vocabSize: vocabSize(data.manifest.tokenizer) }, { seed: 1000 + seed });
  const config = innerStepsRound(a.H, DEFAULT_AGGREGATION);
  const schedule: LrSchedule = { kind: "cosine", lr: 1e-3, minLr: 1e-4, warmupSteps: 1, totalSteps: a.rounds };
  const flags = Array.from({ length: MEMBERS }, () => new Set<Check>());
  const auditors = Array.from({ length: MEMBERS }, () => new RoundTrainer(model, config, schedule));
  const layout = auditors[0].compressor.layout;
  const mismatched = new Set<number>();
  const scores: UsefulnessScore[][] = Array.from({ length: MEMBERS }, () => []);
  const rows = BATCH / MEMBERS;
  const train = data.split("train");
  let previous: { member: string; step: number; order: number; update: SparseUpdate }[] = [];
  const timed = <T>(key: keyof CheckTimes, f: () => T): T => {
    const t0 = performance.now();
    const out = f();
    times[key] += performance.now() - t0;
    return out;
  };
  const adversary = attack === "none" ? undefined : { member: MEMBERS - 1, attack: attackNamed(attack) };
  trainRounds(
    model,
    {
      train,
      val: data.split("val"),
      seed,
      steps: a.rounds,
      batchRows: BATCH,
      schedule,
      evalEvery: 0,
      curveWindows: 8,
    },
    config,
    MEMBERS,
    {
      adversary,
      judge: true,
      onRound: (r) => {
        for (const w of r.refused.keys()) flags[w].add("witnesses refused");
        // as the auditor of a run does: bytes that are not their receipt's are flagged and judged no further
        const intact = r.committed.map((bytes, w) => {
          const ok = timed("integrity", () => Buffer.from(updateHash(bytes)).equals(r.receipts[w]));
          if (!ok) flags[w].add("integrity");
          return ok;
        });
        const round = r.committed.flatMap((bytes, w) =>
          intact[w]
            ? [
                {
                  member: String(w),
                  step: r.step,
                  order: w === MEMBERS - 1 ? MEMBERS : w, // the attacker commits last (it trains last)
                  update: timed("integrity", () => decodeUpdate(bytes, layout)),
                },
              ]
            : [],
        );
        for (const f of timed("overlap", () => copyFindings(round, previous))) flags[Number(f.member)].add(f.kind);
        const norms = timed("norm", () => round.map((c) => ({ member: c.member, norm: updateNorm(c.update) })));
        for (const f of timed("norm", () => normOutliers(norms))) flags[Number(f.member)].add("norm");
        for (let w = 0; w < MEMBERS; w++) {
          const own = r.batches[w];
          const contribution = round.find((c) => c.member === String(w));
          if (contribution) {
            // the rows past the global batch nobody trains, drawn as the network's auditor draws them
            const others = unassignedRowSets(train, MODEL.contextLength, {
              seed,
              step: r.step,
              innerSteps: a.H,
              globalBatchSize: BATCH,
              firstRow: w * rows,
              rows,
            });
            const update = contribution.update;
            scores[w].push(timed("usefulness", () => usefulness(model, { base: r.base, update, config, own, others })));
          }
          if (mismatched.has(w)) continue;
          // re-executed and settled like the member's own state; compared only with bytes that are the receipt's
          const t0 = performance.now();
          const again = runToEnd(auditors[w].train(r.base, own, r.step));
          auditors[w].settle(r.step);
          times.training += again.computeMs;
          times.reexecution += performance.now() - t0;
          times.contributions++;
          if (contribution && !Buffer.from(updateHash(again.bytes)).equals(r.receipts[w])) mismatched.add(w);
        }
        previous = round.map((c) => ({ ...c, order: -1 }));
      },
    },
  );
  for (const w of mismatched) flags[w].add("re-execution");
  const pooled = scores.map((s) => memberUsefulness(s));
  pooled.forEach((u, w) => u.verdict === "flagged" && flags[w].add("usefulness"));
  for (const t of auditors) t.dispose();
  model.dispose();
  return { flags, scores: pooled.map((u) => u.score) };
}

/**
 * The auditor's verdict on a simulated member: any check but usefulness, which is statistical and decides only where
 * an update could not be re-executed exactly (never here: every member is re-executed on this machine).
 */
const flaggedByVerdict = (f: Set<Check>) => [...f].some((c) => c !== "usefulness");

function detectionTable(
  results: Map<AttackName | "none", Set<Check>[][]>,
  seeds: number,
): { table: string; falsePositives: number; belowUsefulness: number; honestRuns: number } {
  const rate = (n: number, of: number) => `${n}/${of}`;
  let falsePositives = 0;
  let belowUsefulness = 0;
  let honestRuns = 0;
  const lines = [...results].map(([attack, runs]) => {
    const honest = runs.flatMap((flags) => flags.slice(0, attack === "none" ? MEMBERS : MEMBERS - 1));
    honestRuns += honest.length;
    const flaggedHonest = honest.filter(flaggedByVerdict).length;
    const lowHonest = honest.filter((f) => f.has("usefulness")).length;
    falsePositives += flaggedHonest;
    belowUsefulness += lowHonest;
    const attacker = attack === "none" ? [] : runs.map((flags) => flags[MEMBERS - 1]);
    const cells = CHECKS.map((c) => (attack === "none" ? "" : rate(attacker.filter((f) => f.has(c)).length, seeds)));
    const right = attack === "none" ? "" : rate(attacker.filter((f) => f.has(EXPECTED[attack])).length, seeds);
    const reason = attack === "none" ? "" : EXPECTED[attack];
    return `| ${attack} | ${reason} | ${right} | ${cells.join(" | ")} | ${rate(flaggedHonest, honest.length)} | ${rate(lowHonest, honest.length)} |`;
  });
  return {
    table: [
      `| attack | right reason | flagged for it | ${CHECKS.join(" | ")} | honest members flagged | honest below the usefulness threshold |`,
      `| --- | --- | ---: | ${CHECKS.map(() => "---:").join(" | ")} | ---: | ---: |`,
      ...lines,
    ].join("\n"),
    falsePositives,
    belowUsefulness,
    honestRuns,
  };
}

async function main(): Promise<void> {
  const a = yargs(process.argv.slice(2))
    .option("parts", { type: "string", default: "damage,detection,cost" })
    .option("rounds", { type: "number", default: 40 })
    .option("inner-steps", { type: "number", default: 8 })
    .option("aggregations", { type: "string", default: Object.keys(AGGREGATIONS).join(",") })
    .option("attacks", { type: "string", default: ["none", ...ATTACKS].join(",") })
    .option("seeds", { type: "number", default: 20 })
    .option("detection-rounds", { type: "number", default: 6 })
    .option("detection-inner-steps", { type: "number", default: 2 })
    .option("out", { type: "string", default: join("target", "bench") })
    .strict()
    .parseSync();
  await selectBackend({ log: () => {} });
  const data = shakespeare();
  if (!data) return;
  const parts = new Set(a.parts.split(","));
  if (parts.has("damage")) {
    const aggregations = a.aggregations.split(",");
    const attacks = a.attacks.split(",") as (AttackName | "none")[];
    const runs = aggregations.flatMap((agg) =>
      attacks.map((attack) => damageRun(data, { rounds: a.rounds, H: a["inner-steps"] }, agg, attack)),
    );
    if (aggregations.length === Object.keys(AGGREGATIONS).length && attacks.length === ATTACKS.length + 1)
      console.log(`\n${damageTable(runs, a.rounds)}\n`);
    for (const agg of aggregations) {
      const file = join(a.out, `audit-damage-${agg}.svg`);
      const curves = runs.filter((r) => r.aggregation === agg).map((r) => ({ name: r.attack, points: r.result.curve }));
      writeFileSync(file, lossCurvesSvg(`validation loss, one attacker of ${MEMBERS}, ${agg}`, curves));
      console.log(`curves: ${file}`);
    }
  }
  if (parts.has("detection") || parts.has("cost")) {
    const times: CheckTimes = {
      training: 0,
      integrity: 0,
      overlap: 0,
      norm: 0,
      usefulness: 0,
      reexecution: 0,
      contributions: 0,
    };
    const attacks = parts.has("detection") ? (a.attacks.split(",") as (AttackName | "none")[]) : ["none" as const];
    const seeds = parts.has("detection") ? a.seeds : 3;
    const results = new Map<AttackName | "none", Set<Check>[][]>();
    const honestScores: number[] = [];
    for (const attack of attacks) {
      const runs: Set<Check>[][] = [];
      const attackerScores: number[] = [];
      for (let seed = 1; seed <= seeds; seed++) {
        const H = a["detection-inner-steps"];
        const run = detectionRun(data, { rounds: a["detection-rounds"], H }, attack, seed, times);
        runs.push(run.flags);
        honestScores.push(...run.scores.slice(0, attack === "none" ? MEMBERS : MEMBERS - 1));
        if (attack !== "none") attackerScores.push(run.scores[MEMBERS - 1]);
      }
      results.set(attack, runs);
      const attacker = runs.map((f) => [...f[MEMBERS - 1]].join("+") || "-");
      const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}..${Math.max(...xs).toFixed(2)}`;
      console.log(
        `${attack}: attacker flagged for ${attacker.join(", ")}` +
          (attack === "none" ? "" : `; its usefulness scores ${range(attackerScores)}`),
      );
    }
    const sorted = [...honestScores].sort((x, y) => x - y);
    console.log(
      `honest usefulness scores: min ${sorted[0].toFixed(2)}, 5th percentile ` +
        `${sorted[Math.floor(sorted.length / 20)].toFixed(2)}, median ${sorted[sorted.length >> 1].toFixed(2)} ` +
        `(threshold ${USEFULNESS_THRESHOLD})`,
    );
    if (parts.has("detection")) {
      const d = detectionTable(results, seeds);
      console.log(
        `\n${d.table}\n\nhonest members flagged: ${d.falsePositives} of ${d.honestRuns} member-runs; ` +
          `below the usefulness threshold (a signal, not a verdict, where re-execution ran): ${d.belowUsefulness}`,
      );
    }
    const per = (ms: number) => ms / times.contributions;
    const share = (ms: number) => `${per(ms).toFixed(2)} ms (${((100 * ms) / times.training).toFixed(1)}%)`;
    console.log(
      `\naudit cost per contribution (${times.contributions} contributions, training ${per(times.training).toFixed(1)} ms each):\n` +
        `| integrity (decode, hash) | overlap (round and the one before) | norm | usefulness | re-execution |\n` +
        `| ---: | ---: | ---: | ---: | ---: |\n` +
        `| ${share(times.integrity)} | ${share(times.overlap)} | ${share(times.norm)} | ${share(times.usefulness)} | ${share(times.reexecution)} |`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
