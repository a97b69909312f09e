// `npm run bench:network`: the project's headline figure. The real network (local chain, crank, three `concord train`
// processes, websockets) trains nanoGPT's baby GPT on tiny Shakespeare with the trainer-core benchmark's global
// batch, steps and DeMo settings, and the same run reports, measured here one after the other: the single-process
// AdamW baseline and the single-process DeMo run with as many workers as the network has members (bench/training.ts
// in a child process), the network's validation loss on the whole split, wall time, bytes per trainer per step
// against the dense fp32 gradient, the round's time split and transactions per round. It writes the three
// validation-loss curves as an SVG (bench/network-loss.svg) that BENCHMARKS.md shows.
// Options: --steps N (default 2000), --members N (3), --skip-single (network only), --out FILE (JSON results).
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import yargs from "yargs";
import { Connection } from "@solana/web3.js";
import { coordinatorProgram as programArtifacts } from "../coordinator/localnet/coordinatorProgram";
import { startLocalnet } from "../coordinator/localnet/localnet";
import { waitForIdleWebsocket } from "../coordinator/localnet/localnetClient";
import { runNetworkDemo } from "../scripts/demo/networkDemo";
import { addressSignatures } from "../trainer/node/runHistory";
import { BABY_GPT } from "../trainer/model/transformer";
import type { NodeEvent } from "../trainer/node/trainerNode";
import type { RunResult } from "../trainer/train/trainingRuns";
import { lossCurvesSvg } from "./lossCurvesSvg";
import { BATCH, BENCH_DEMO, BENCH_DEMO_LR, shakespeare, warmup } from "./training";

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

async function main(): Promise<void> {
  const a = yargs(process.argv.slice(2))
    .option("steps", { type: "number", default: 2000 })
    .option("members", { type: "number", default: 3 })
    .option("skip-single", { type: "boolean", default: false, describe: "measure the network alone" })
    .option("out", { type: "string", default: join("target", "bench", "network.json") })
    .option("svg", { type: "string", default: join("bench", "network-loss.svg") })
    .strict()
    .parseSync();
  const data = shakespeare();
  if (!data) return;
  mkdirSync(dirname(a.out), { recursive: true });

  // The single-process runs first, in a child, so nothing else shares the cores with them
  let single: { baseline?: RunResult; demo?: RunResult & { bytesPerWorkerStep: number } } = {};
  if (!a["skip-single"]) {
    const out = join(dirname(a.out), "network-single.json");
    const args = ["--parts", "baseline,demo", "--steps", String(a.steps), "--demo-workers", String(a.members)];
    const r = spawnSync(
      process.execPath,
      [...process.execArgv, join(__dirname, "training.ts"), ...args, "--out", out],
      {
        stdio: "inherit",
      },
    );
    if (r.status !== 0) throw new Error(`bench/training.ts exited with ${r.status}`);
    single = JSON.parse(readFileSync(out, "utf8"));
  }

  // Then the network: the same model, global batch, steps, schedule and DeMo settings
  const net = await startLocalnet({ port: 0, programs: [programArtifacts()] });
  const workDir = join("target", "bench", "network-run");
  rmSync(workDir, { recursive: true, force: true });
  const events: { member: number; event: NodeEvent }[] = [];
  let report;
  try {
    report = await runNetworkDemo({
      rpcUrl: net.rpcUrl,
      dataset: data,
      members: a.members,
      rounds: a.steps,
      globalBatchSize: BATCH,
      model: {
        contextLength: BABY_GPT.contextLength,
        layers: BABY_GPT.layers,
        heads: BABY_GPT.heads,
        width: BABY_GPT.width,
      },
      learningRate: BENCH_DEMO_LR,
      warmupSteps: warmup(a.steps),
      demoTopK: BENCH_DEMO.topK,
      initSeed: 1337,
      roundsPerEpoch: 64,
      workDir,
      basePort: 0,
      curve: { every: 100, windows: 512 },
      // every 100th round's line, and the rest as it comes
      log: (line) => {
        const round = /^round (\d+):/.exec(line);
        if (!round || Number(round[1]) % 100 === 0) console.log(line);
      },
      onEvent: (member, event) => events.push({ member, event }),
    });
    const connection = new Connection(net.rpcUrl, "confirmed");
    const signatures = (await addressSignatures(connection, report.run)).length;
    const of = <K extends NodeEvent["kind"]>(kind: K) =>
      events.flatMap((e) => (e.event.kind === kind ? [e.event as Extract<NodeEvent, { kind: K }>] : []));
    const rounds = report.rounds.slice(1); // round 0 includes the processes' start
    const roundSeconds = mean(rounds.map((r) => r.seconds));
    const computeMs = mean(of("trained").map((e) => e.computeMs));
    const compressMs = mean(of("trained").map((e) => e.compressMs));
    const commitMs = mean(of("committed").map((e) => e.chainMs));
    const witnessChainMs = mean(of("witnessed").map((e) => e.chainMs));
    const waitMs = mean(of("witnessed").map((e) => e.waitMs)) + mean(of("applied").map((e) => e.fetchMs));
    const roundMs = roundSeconds * 1000;
    const split = {
      roundMs,
      computeMs,
      compressMs,
      chainMs: commitMs + witnessChainMs,
      waitForPeersMs: waitMs,
      restMs: roundMs - computeMs - compressMs - commitMs - witnessChainMs - waitMs,
    };
    const sent = mean(report.members.map((m) => m.bytesSent / a.steps));
    const received = mean(report.members.map((m) => m.bytesReceived / a.steps));
    const updateBytes = mean(of("trained").map((e) => e.bytes));
    const results = {
      date: new Date().toISOString(),
      machine: `${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}`,
      steps: a.steps,
      members: a.members,
      globalBatch: BATCH,
      network: {
        valLoss: report.valLossAfter,
        wallSeconds: report.networkSeconds,
        paramsEqual: report.members.every((m) => m.paramsHash === report!.replayHash),
        updateBytes,
        sentPerStep: sent,
        receivedPerStep: received,
        denseBytes: report.denseBytes,
        split,
        nonComputeShare: 1 - computeMs / roundMs,
        transactionsPerRound: signatures / a.steps,
        curve: report.curve,
      },
      baseline: single.baseline && { valLoss: single.baseline.finalValLoss, wallSeconds: single.baseline.wallSeconds },
      demo: single.demo && { valLoss: single.demo.finalValLoss, wallSeconds: single.demo.wallSeconds },
    };
    writeFileSync(a.out, `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(
      a.svg,
      lossCurvesSvg(
        `Validation loss (first 512 windows), tiny Shakespeare, baby GPT, ${a.steps} steps of ${BATCH} sequences`,
        [
          { name: `network (${a.members} trainer processes)`, points: report.curve },
          ...(single.demo ? [{ name: `DeMo, one process (${a.members} workers)`, points: single.demo.curve }] : []),
          ...(single.baseline ? [{ name: "AdamW, one process", points: single.baseline.curve }] : []),
        ],
      ),
    );
    const n = results.network;
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    console.log(`\nnetwork of ${a.members} trainer processes, ${a.steps} steps, global batch ${BATCH}:`);
    console.log(
      `  val loss (whole split) ${n.valLoss.toFixed(4)} (goal <= 1.94); single-process AdamW ` +
        `${results.baseline?.valLoss.toFixed(4) ?? "-"}, DeMo ${results.demo?.valLoss.toFixed(4) ?? "-"}`,
    );
    console.log(`  wall ${n.wallSeconds.toFixed(0)} s; every member's parameters equal the replay: ${n.paramsEqual}`);
    console.log(
      `  update ${n.updateBytes.toFixed(0)} B/step vs dense fp32 ${n.denseBytes} B: ${(n.denseBytes / n.updateBytes).toFixed(0)}x fewer ` +
        `(goal >= 200x); on the wire per trainer per step: sent ${n.sentPerStep.toFixed(0)} B, received ${n.receivedPerStep.toFixed(0)} B`,
    );
    console.log(
      `  round ${split.roundMs.toFixed(0)} ms: compute ${split.computeMs.toFixed(0)}, compression ${split.compressMs.toFixed(0)}, ` +
        `chain transactions ${split.chainMs.toFixed(0)}, waiting for peers ${split.waitForPeersMs.toFixed(0)}, ` +
        `rest (ticks, scheduling) ${split.restMs.toFixed(0)}; non-compute share ${pct(n.nonComputeShare)} (goal <= 10%)`,
    );
    console.log(`  transactions per round ${n.transactionsPerRound.toFixed(2)}`);
    console.log(`results: ${a.out}; curves: ${a.svg}`);
  } finally {
    await waitForIdleWebsocket();
    await net.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
