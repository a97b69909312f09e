// `npm run bench:network`: the project's headline figures, measured in one run, one part after the other. The real
// network (local chain, crank, three `concord train` processes, websockets) trains nanoGPT's baby GPT on tiny
// Shakespeare with the same total tokens as the 2000-step AdamW baseline (global batch 12), in two kinds of round,
// each at the local chain's own latency and at a real cluster's (`--latency cluster`: 400 ms slots):
//   demo:  DeMo's one step per round (the trainer benchmark's settings); at cluster latency fewer rounds
//          (--cluster-demo-rounds), since its utilisation is what is compared;
//   inner: H AdamW steps per member per round, chunked top-k without DCT, 2-bit values, error feedback, outer SGD
//          (SparseLoCo's rule); H from a short sweep (in-process simulations through the same modules at half the
//          token budget) as the smallest swept H whose compute hides the cluster's round time.
// For each: whole-split validation loss, wall time, bytes per member per optimizer step against dense fp32, compute
// utilisation per member (compute time / wall time), and the goals with how far each is missed and why. It writes
// the validation-loss curves (against optimizer steps of 12 sequences) as an SVG that BENCHMARKS.md shows.
// Options: --steps N (2000), --members N (3), --parts baseline,sweep,demo-local,demo-cluster,inner-local,
// inner-cluster, --sweep 25,50,100, --sweep-steps 1000, --inner-steps H (skips the choice), --out FILE, --svg FILE.
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import yargs from "yargs";
import { Connection } from "@solana/web3.js";
import { coordinatorProgram as programArtifacts } from "../coordinator/localnet/coordinatorProgram";
import { startLocalnet } from "../coordinator/localnet/localnet";
import { waitForIdleWebsocket } from "../coordinator/localnet/localnetClient";
import type { DemoRunOptions } from "../scripts/demo/demoRun";
import { runNetworkDemo } from "../scripts/demo/networkDemo";
import { addressSignatures } from "../trainer/node/runHistory";
import { BABY_GPT } from "../trainer/model/transformer";
import type { Dataset } from "../trainer/data/tokenShards";
import type { NodeEvent } from "../trainer/node/trainerNode";
import type { RunResult } from "../trainer/train/trainingRuns";
import { NANOGPT_ADAMW } from "../trainer/optim/adamw";
import { lossCurvesSvg } from "./lossCurvesSvg";
import { BATCH, BENCH_DEMO, BENCH_DEMO_LR, shakespeare, warmup } from "./training";

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/**
 * The inner-steps round: AdamW inner steps at the baseline's rate, SparseLoCo's compression (chunked top-k of the
 * error-feedback buffer, 2-bit values) and outer rule (SGD at rate 1 on the mean, no momentum). The density grows with
 * H so that an update stays at ~1/1400 of dense fp32 per optimizer step: k = 5.12 H of every 64x64 chunk (6.25% at
 * H = 50). Chosen by short sweeps at a quarter of the token budget (BENCHMARKS.md).
 */
const INNER = {
  lr: 1e-3,
  topKPerInnerStep: 5.12,
  decay: 0.999,
  valueBits: 2,
  outerLearningRate: 1,
  outerMomentum: 0,
};
const innerTopK = (H: number) => Math.min(4096, Math.round(INNER.topKPerInnerStep * H));
const GOALS = { utilisation: 0.95, valLossRatio: 1.03, valLossAim: 1.94, compression: 1000 };

type Latency = "instant" | "cluster";

interface NetworkResult {
  readonly name: string;
  readonly latency: Latency;
  readonly rounds: number;
  readonly innerSteps: number;
  readonly valLoss: number;
  readonly wallSeconds: number;
  readonly roundSeconds: number;
  readonly updateBytes: number;
  /** The update's bytes over the H optimizer steps it stands for, and what each member sent on the wire. */
  readonly updateBytesPerStep: number;
  readonly wireBytesPerStep: number;
  readonly denseBytes: number;
  /** Per member: inner-step compute time / wall time from its first inner step to its last update trained. */
  readonly utilisation: number;
  /** The same to its last round applied (the run's drain after the last compute included). */
  readonly utilisationToEnd: number;
  readonly computeMsPerInnerStep: number;
  readonly paramsEqual: boolean;
  readonly transactionsPerRound: number;
  readonly curve: { step: number; valLoss: number }[];
}

interface NetworkSpec {
  readonly name: string;
  readonly latency: Latency;
  readonly rounds: number;
  readonly innerSteps: number;
  readonly run: Partial<DemoRunOptions>;
}

async function networkRun(data: Dataset, members: number, spec: NetworkSpec, dir: string): Promise<NetworkResult> {
  console.log(`\n== network: ${spec.name}, ${spec.rounds} rounds of H = ${spec.innerSteps}, ${spec.latency} latency`);
  const net = await startLocalnet({ port: 0, programs: [programArtifacts()], latency: spec.latency });
  const workDir = join(dir, `network-${spec.name}-${spec.latency}`);
  rmSync(workDir, { recursive: true, force: true });
  const events: { member: number; at: number; event: NodeEvent }[] = [];
  const curveEvery = Math.max(1, Math.round(100 / spec.innerSteps));
  try {
    const report = await runNetworkDemo({
      rpcUrl: net.rpcUrl,
      dataset: data,
      members,
      rounds: spec.rounds,
      globalBatchSize: BATCH,
      model: {
        contextLength: BABY_GPT.contextLength,
        layers: BABY_GPT.layers,
        heads: BABY_GPT.heads,
        width: BABY_GPT.width,
      },
      initSeed: 1337,
      roundsPerEpoch: 64,
      innerSteps: spec.innerSteps,
      ...spec.run,
      workDir,
      basePort: 0,
      curve: { every: curveEvery, windows: 512 },
      log: (line) => {
        const round = /^round (\d+):/.exec(line);
        if (!round || Number(round[1]) % Math.max(1, Math.round(spec.rounds / 20)) === 0) console.log(line);
      },
      onEvent: (member, event) => events.push({ member, at: performance.now(), event }),
    });
    const connection = new Connection(net.rpcUrl, "confirmed");
    const signatures = (await addressSignatures(connection, report.run)).length;
    const perMember = Array.from({ length: members }, (_, m) => {
      const mine = events.filter((e) => e.member === m);
      const trained = mine.flatMap((e) => (e.event.kind === "trained" ? [{ at: e.at, ...e.event }] : []));
      const applied = mine.filter((e) => e.event.kind === "applied");
      const compute = trained.reduce((s, t) => s + t.computeMs, 0);
      const start = trained.length ? trained[0].at - trained[0].computeMs - trained[0].compressMs : 0;
      const lastTrained = trained.length ? trained[trained.length - 1].at : 0;
      const lastApplied = applied.length ? applied[applied.length - 1].at : lastTrained;
      return {
        compute,
        utilisation: compute / Math.max(1, lastTrained - start),
        utilisationToEnd: compute / Math.max(1, lastApplied - start),
        perStep:
          compute /
          Math.max(
            1,
            trained.reduce((s, t) => s + t.innerSteps, 0),
          ),
        updateBytes: mean(trained.map((t) => t.bytes)),
      };
    });
    const updateBytes = mean(perMember.map((p) => p.updateBytes));
    const optimizerSteps = spec.rounds * spec.innerSteps;
    return {
      name: spec.name,
      latency: spec.latency,
      rounds: spec.rounds,
      innerSteps: spec.innerSteps,
      valLoss: report.valLossAfter,
      wallSeconds: report.networkSeconds,
      roundSeconds: mean(report.rounds.slice(1).map((r) => r.seconds)),
      updateBytes,
      updateBytesPerStep: updateBytes / spec.innerSteps,
      wireBytesPerStep: mean(report.members.map((m) => m.bytesSent)) / optimizerSteps,
      denseBytes: report.denseBytes,
      utilisation: mean(perMember.map((p) => p.utilisation)),
      utilisationToEnd: mean(perMember.map((p) => p.utilisationToEnd)),
      computeMsPerInnerStep: mean(perMember.map((p) => p.perStep)),
      paramsEqual: report.members.every((m) => m.paramsHash === report.replayHash),
      transactionsPerRound: signatures / spec.rounds,
      // replay points are after `step` rounds; on the x axis, optimizer steps of the global batch
      curve: report.curve.map((p) => ({ step: p.step * spec.innerSteps, valLoss: p.valLoss })),
    };
  } finally {
    await waitForIdleWebsocket();
    await net.close();
  }
}

/** The inner-steps round's settings for a run of `steps` optimizer steps in rounds of H. */
function innerRun(steps: number, H: number): Partial<DemoRunOptions> {
  return {
    learningRate: INNER.lr,
    warmupSteps: Math.max(1, Math.ceil(warmup(steps) / H)),
    demoTopK: innerTopK(H),
    demoDecay: INNER.decay,
    valueBits: INNER.valueBits,
    outerLearningRate: INNER.outerLearningRate,
    outerMomentum: INNER.outerMomentum,
    round: {
      inner: { kind: "adamw", ...NANOGPT_ADAMW },
      transform: "none",
      outer: "sgd",
      weightDecay: 0,
      gradClip: 1,
      aggregation: { kind: "mean" },
    },
  };
}

interface SweepPoint {
  readonly innerSteps: number;
  readonly rounds: number;
  readonly valLoss: number;
  readonly seconds: number;
}

/** One in-process simulation of the inner-steps round at the full token budget (bench/roundSweep.ts). */
function sweepPoint(steps: number, members: number, H: number): SweepPoint {
  const rounds = Math.round(steps / H);
  const args = [
    ...["--steps", rounds, "--inner-steps", H, "--inner", "adamw", "--transform", "none", "--format", "q2"],
    ...["--outer", "sgd", "--outer-lr", INNER.outerLearningRate, "--outer-momentum", INNER.outerMomentum],
    ...["--topk", innerTopK(H), "--decay", INNER.decay, "--lr", INNER.lr, "--wd", NANOGPT_ADAMW.weightDecay],
    ...["--warmup", Math.max(1, Math.ceil(warmup(steps) / H)), "--workers", members, "--eval-every", 0],
    ...["--backend", "default", "--tag", `H=${H}`],
  ].map(String);
  const r = spawnSync(process.execPath, [...process.execArgv, join(__dirname, "roundSweep.ts"), ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`bench/roundSweep.ts exited with ${r.status}`);
  const result = JSON.parse(r.stdout.trim().split("\n").pop()!) as RunResult;
  console.log(`sweep H = ${H}: ${rounds} rounds, val loss ${result.finalValLoss.toFixed(4)}`);
  return { innerSteps: H, rounds, valLoss: result.finalValLoss, seconds: result.wallSeconds };
}

function describe(n: NetworkResult, baselineLoss: number | undefined): string[] {
  const compression = n.denseBytes / n.updateBytesPerStep;
  const lines = [
    `${n.name} at ${n.latency} latency: ${n.rounds} rounds of H = ${n.innerSteps} (${n.rounds * n.innerSteps} optimizer steps)`,
    `  val loss (whole split) ${n.valLoss.toFixed(4)}; wall ${n.wallSeconds.toFixed(0)} s, round ${(1000 * n.roundSeconds).toFixed(0)} ms; ` +
      `parameters equal the replay: ${n.paramsEqual}; ${n.transactionsPerRound.toFixed(2)} transactions per round`,
    `  bytes per member per optimizer step: update ${n.updateBytesPerStep.toFixed(0)} B (${compression.toFixed(0)}x fewer ` +
      `than dense fp32 ${n.denseBytes} B), on the wire ${n.wireBytesPerStep.toFixed(0)} B sent`,
    `  compute utilisation ${pct(n.utilisation)} while training (${pct(n.utilisationToEnd)} to the last round applied); ` +
      `${n.computeMsPerInnerStep.toFixed(1)} ms per inner step`,
  ];
  if (n.latency !== "cluster") return lines;
  if (n.utilisation < GOALS.utilisation)
    lines.push(
      `  MISSED utilisation >= ${pct(GOALS.utilisation)} by ${pct(GOALS.utilisation - n.utilisation)}: a round's chain ` +
        `work (${(1000 * n.roundSeconds).toFixed(0)} ms) outlasts its compute (${(n.innerSteps * n.computeMsPerInnerStep).toFixed(0)} ms)` +
        (n.innerSteps === 1 ? "; one step per round cannot hide a cluster's latency" : ""),
    );
  if (baselineLoss !== undefined && n.valLoss > baselineLoss * GOALS.valLossRatio)
    lines.push(
      `  MISSED val loss within 3% of AdamW (${(baselineLoss * GOALS.valLossRatio).toFixed(4)}) by ` +
        `${(n.valLoss - baselineLoss * GOALS.valLossRatio).toFixed(4)}` +
        (n.innerSteps === 1
          ? ` (a shorter run: ${n.rounds} rounds)`
          : `: the token budget leaves ${n.rounds} outer steps at H = ${n.innerSteps}, each sparse and one round ` +
            `late (BENCHMARKS.md measures both costs); the sweep's loss rises with H`),
    );
  if (compression < GOALS.compression)
    lines.push(
      `  MISSED >= ${GOALS.compression}x fewer bytes per optimizer step by ${(GOALS.compression / compression).toFixed(1)}x`,
    );
  return lines;
}

async function main(): Promise<void> {
  const a = yargs(process.argv.slice(2))
    .option("steps", { type: "number", default: 2000, describe: "the AdamW baseline's steps: the token budget" })
    .option("members", { type: "number", default: 3 })
    .option("parts", { type: "string", default: "baseline,sweep,demo-local,demo-cluster,inner-local,inner-cluster" })
    .option("sweep", { type: "string", default: "25,50,100", describe: "inner-step counts the sweep tries" })
    .option("sweep-steps", { type: "number", default: 1000, describe: "the sweep's token budget, in baseline steps" })
    .option("inner-steps", { type: "number", describe: "H for the inner-steps network (default: the sweep's choice)" })
    .option("cluster-demo-rounds", { type: "number", default: 100 })
    .option("out", { type: "string", default: join("target", "bench", "network.json") })
    .option("svg", { type: "string", default: join("bench", "network-loss.svg") })
    .strict()
    .parseSync();
  const parts = new Set(a.parts.split(","));
  const data = shakespeare();
  if (!data) return;
  const dir = dirname(a.out);
  mkdirSync(dir, { recursive: true });
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: `${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}`,
    steps: a.steps,
    members: a.members,
    globalBatch: BATCH,
  };
  const save = () => writeFileSync(a.out, `${JSON.stringify(results, null, 2)}\n`);

  // The single-process baseline first, in a child, so nothing else shares the cores with it
  let baseline: RunResult | undefined;
  if (parts.has("baseline")) {
    const out = join(dir, "network-baseline.json");
    const args = ["--parts", "baseline", "--steps", String(a.steps), "--out", out];
    const r = spawnSync(process.execPath, [...process.execArgv, join(__dirname, "training.ts"), ...args], {
      stdio: "inherit",
    });
    if (r.status !== 0) throw new Error(`bench/training.ts exited with ${r.status}`);
    baseline = (JSON.parse(readFileSync(out, "utf8")) as { baseline: RunResult }).baseline;
    results.baseline = { valLoss: baseline.finalValLoss, wallSeconds: baseline.wallSeconds };
    save();
  }

  const sweep: SweepPoint[] = [];
  if (parts.has("sweep") && a.sweep)
    for (const H of a.sweep.split(",").map(Number)) {
      sweep.push(sweepPoint(a["sweep-steps"], a.members, H));
      results.sweep = sweep;
      save();
    }

  const networks: NetworkResult[] = [];
  const network = async (spec: NetworkSpec) => {
    const n = await networkRun(data, a.members, spec, dir);
    networks.push(n);
    results.networks = networks;
    save();
    for (const line of describe(n, baseline?.finalValLoss)) console.log(line);
    return n;
  };
  const demo = (latency: Latency, rounds: number): NetworkSpec => ({
    name: "demo",
    latency,
    rounds,
    innerSteps: 1,
    run: {
      learningRate: BENCH_DEMO_LR,
      warmupSteps: Math.min(warmup(a.steps), rounds - 1),
      demoTopK: BENCH_DEMO.topK,
      demoDecay: BENCH_DEMO.decay,
      outerLearningRate: BENCH_DEMO_LR,
    },
  });
  if (parts.has("demo-local")) await network(demo("instant", a.steps));
  const demoCluster = parts.has("demo-cluster")
    ? await network(demo("cluster", Math.min(a.steps, a["cluster-demo-rounds"])))
    : undefined;

  // H: the smallest swept H whose inner steps outlast the cluster's round (its chain work, measured by the
  // one-step network, where compute is a small part), so pipelining hides the chain; else the largest swept
  let H = a["inner-steps"];
  if (H === undefined) {
    const swept = sweep.map((p) => p.innerSteps).sort((x, y) => x - y);
    if (!swept.length) throw new Error("no H: give --inner-steps or run the sweep");
    const chainMs = demoCluster ? 1000 * demoCluster.roundSeconds : 0;
    const stepMs = demoCluster?.computeMsPerInnerStep ?? 0;
    H = swept.find((h) => h * stepMs >= chainMs / GOALS.utilisation) ?? swept[swept.length - 1];
    results.choice = { innerSteps: H, chainRoundMs: chainMs, computeMsPerStep: stepMs };
    console.log(
      `\nH = ${H}: the smallest swept H with H x ${stepMs.toFixed(1)} ms >= the cluster round's ${chainMs.toFixed(0)} ms / ` +
        `${GOALS.utilisation}; sweep: ${sweep.map((p) => `H ${p.innerSteps}: ${p.valLoss.toFixed(4)}`).join(", ")}`,
    );
  }
  const inner = (latency: Latency): NetworkSpec => ({
    name: "inner",
    latency,
    rounds: Math.round(a.steps / H!),
    innerSteps: H!,
    run: innerRun(a.steps, H!),
  });
  if (parts.has("inner-local")) await network(inner("instant"));
  if (parts.has("inner-cluster")) await network(inner("cluster"));

  writeFileSync(
    a.svg,
    lossCurvesSvg(
      `Validation loss (first 512 windows), tiny Shakespeare, baby GPT, ${a.steps} steps of ${BATCH} sequences`,
      [
        ...networks
          .filter((n) => n.rounds * n.innerSteps === a.steps && n.latency === "cluster")
          .map((n) => ({ name: `network, ${n.name} H=${n.innerSteps} (cluster latency)`, points: n.curve })),
        ...networks
          .filter((n) => n.rounds * n.innerSteps === a.steps && n.latency === "instant" && n.innerSteps === 1)
          .map((n) => ({ name: `network, DeMo H=1 (local latency)`, points: n.curve })),
        ...(baseline ? [{ name: "AdamW, one process", points: baseline.curve }] : []),
      ],
    ),
  );
  console.log(`\nsummary (${a.members} trainer processes, ${a.steps} optimizer steps of ${BATCH} sequences):`);
  if (baseline) console.log(`AdamW, one process: val loss ${baseline.finalValLoss.toFixed(4)}`);
  for (const n of networks) for (const line of describe(n, baseline?.finalValLoss)) console.log(line);
  console.log(`results: ${a.out}; curves: ${a.svg}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
