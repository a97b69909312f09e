// `npm run bench:training`: the trainer's acceptance figures, measured side by side in one process.
//   1. speed: tokens/s of our model (wasm-tuned ops, fast Slice) against a plain tfjs loop with stock ops
//   2. codec: DeMo compress / decompress MB/s on the model's tensors, and raw encode / decode MB/s
//   3. baseline: nanoGPT's baby GPT with AdamW on tiny Shakespeare (char level, 90/10 split), 2000 steps
//   4. DeMo: 4 simulated workers x 3 sequences (the same global batch and steps), 1-bit sparse updates
// Needs ../shared/data/tinyshakespeare.txt (skips the training parts with a message when it is absent).
// Options: --steps N (default 2000), --parts speed,codec,baseline,demo, --out FILE (JSON results). The two training
// runs go to two child processes at once (--no-parallel: one after the other); their losses do not depend on timing.
import * as tf from "@tensorflow/tfjs";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import yargs from "yargs";
import { aggregateUpdates } from "../sdk/demo/aggregate";
import { decodeUpdate, encodeUpdate } from "../sdk/codec/updateCodec";
import { vocabSize } from "../sdk/data/datasetManifest";
import type { LrSchedule } from "../sdk/lrSchedule";
import { mulberry32 } from "../sdk/seededRandom";
import type { BackendInfo } from "../trainer/backend/selectBackend";
import { describeBackend, selectBackend } from "../trainer/backend/selectBackend";
import { installWasmSlicePatch, removeWasmSlicePatch } from "../trainer/backend/wasmSlicePatch";
import { readCorpus } from "../trainer/data/corpusText";
import { prepareDataset } from "../trainer/data/prepareDataset";
import type { Dataset } from "../trainer/data/tokenShards";
import { openDataset } from "../trainer/data/tokenShards";
import type { ModelOps } from "../trainer/model/ops";
import { stockOps, wasmOps } from "../trainer/model/ops";
import { BABY_GPT, countParameters, parameterSpecs, Transformer } from "../trainer/model/transformer";
import { AdamW, NANOGPT_ADAMW } from "../trainer/optim/adamw";
import type { DemoConfig } from "../trainer/optim/demo";
import { DemoWorker } from "../trainer/optim/demo";
import type { DemoRunResult, RunOptions, RunResult } from "../trainer/train/trainingRuns";
import { trainAdamW, trainDemo } from "../trainer/train/trainingRuns";

const SHAKESPEARE = join("..", "shared", "data", "tinyshakespeare.txt");
const BATCH = 12;
const WORKERS = 4;

/** The DeMo settings chosen by short sweeps (BENCHMARKS.md explains the choice). */
export const BENCH_DEMO: DemoConfig = {
  chunk: 64,
  topK: 32,
  decay: 0.999,
  format: "sign",
  weightDecay: 0,
  gradClip: 1,
  aggregation: { kind: "mean" },
};
export const BENCH_DEMO_LR = 2e-3;

const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];

/** Median ms per training step of the baby GPT with AdamW, `ops` and the Slice kernel as given. */
function timeSteps(ops: ModelOps, fastSlice: boolean, steps: number): number {
  if (fastSlice) installWasmSlicePatch();
  else removeWasmSlicePatch();
  const model = new Transformer(BABY_GPT, { ops });
  const opt = new AdamW(
    model.params,
    model.specs.map((s) => s.decay),
    NANOGPT_ADAMW,
    ops,
  );
  const u = mulberry32(5);
  const ids = () =>
    tf.tensor2d(
      Int32Array.from({ length: BATCH * 64 }, () => Math.floor(u() * 65)),
      [BATCH, 64],
      "int32",
    );
  const ms: number[] = [];
  for (let i = 0; i < steps + 2; i++) {
    const [x, y] = [ids(), ids()];
    const t0 = performance.now();
    const { loss, grads } = model.lossAndGrads(x, y);
    opt.step(grads, 1e-3);
    loss.dataSync();
    if (i >= 2) ms.push(performance.now() - t0); // two warm-up steps
    tf.dispose([x, y, loss, ...grads]);
  }
  opt.dispose();
  model.dispose();
  installWasmSlicePatch();
  return median(ms);
}

function speed(steps: number) {
  // Alternating blocks, so background load hits both sides alike.
  const tuned: number[] = [];
  const stock: number[] = [];
  for (let block = 0; block < 2; block++) {
    tuned.push(timeSteps(wasmOps, true, steps));
    stock.push(timeSteps(stockOps, false, steps));
  }
  const tokens = BATCH * 64;
  const ours = (tokens / median(tuned)) * 1000;
  const plain = (tokens / median(stock)) * 1000;
  return {
    oursMsPerStep: median(tuned),
    stockMsPerStep: median(stock),
    oursTokensPerSecond: ours,
    stockTokensPerSecond: plain,
    ratio: ours / plain,
  };
}

function codec(repeats: number) {
  const shapes = parameterSpecs(BABY_GPT).map((s) => s.shape);
  const u = mulberry32(7);
  const grads = shapes.map((s) =>
    Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => (u() - 0.5) * 1e-2),
  );
  const denseMB = (4 * countParameters(BABY_GPT)) / 1e6;
  const workers = Array.from({ length: WORKERS }, () => new DemoWorker(shapes, BENCH_DEMO));
  let compressMs = 0;
  let decompressMs = 0;
  let encodeMs = 0;
  let decodeMs = 0;
  let bytes = 0;
  for (let r = -5; r < repeats; r++) {
    if (r === 0) compressMs = decompressMs = encodeMs = decodeMs = bytes = 0; // five untimed rounds warm the JIT up
    let t = performance.now();
    const updates = workers.map((w) => w.step(grads, 1));
    compressMs += performance.now() - t;
    t = performance.now();
    const encoded = updates.map((up) => encodeUpdate(up));
    encodeMs += performance.now() - t;
    bytes += encoded.reduce((n, b) => n + b.length, 0);
    t = performance.now();
    const decoded = encoded.map((b) => decodeUpdate(b, workers[0].layout));
    decodeMs += performance.now() - t;
    t = performance.now();
    aggregateUpdates(decoded, BENCH_DEMO.aggregation);
    decompressMs += performance.now() - t;
  }
  const n = repeats * WORKERS;
  return {
    // MB of fp32 gradient (all parameters) per second
    compressMBps: (denseMB * n) / ((compressMs + encodeMs) / 1000),
    decompressMBps: (denseMB * n) / ((decodeMs + decompressMs) / 1000),
    // MB of encoded update bytes per second
    encodeMBps: bytes / 1e6 / (encodeMs / 1000),
    decodeMBps: bytes / 1e6 / (decodeMs / 1000),
    updateBytes: bytes / n,
  };
}

const SHAKESPEARE_DIR = join("target", "data", "tinyshakespeare");

/** The anchor corpus as token shards (prepared here unless `hash` names an already prepared one). */
function shakespeare(hash?: string): Dataset | null {
  if (hash) return openDataset(SHAKESPEARE_DIR, hash);
  if (!existsSync(SHAKESPEARE)) {
    console.log(`SKIP training runs: ${SHAKESPEARE} is absent (the anchor corpus; see ../shared/data)`);
    return null;
  }
  const prepared = prepareDataset(readCorpus(SHAKESPEARE), SHAKESPEARE_DIR, {
    name: "tinyshakespeare",
    tokenizer: "char",
    trainFraction: 0.9,
    shardTokens: 1 << 20,
  });
  return openDataset(SHAKESPEARE_DIR, prepared.hash);
}

function runOptions(data: Dataset, steps: number, schedule: LrSchedule, tag: string): RunOptions {
  return {
    train: data.split("train"),
    val: data.split("val"),
    seed: 1,
    steps,
    batchRows: BATCH,
    schedule,
    evalEvery: 100,
    curveWindows: 512,
    log: (line) => console.log(`[${tag}] ${line}`),
  };
}

function curveTable(base: RunResult | undefined, demo: DemoRunResult | undefined): string {
  const rows = (base ?? demo)?.curve.map((p, i) => {
    const b = base?.curve[i]?.valLoss.toFixed(3) ?? "";
    const d = demo?.curve[i]?.valLoss.toFixed(3) ?? "";
    return `| ${p.step} | ${b} | ${d} |`;
  });
  const final = `| final, whole split | ${base?.finalValLoss.toFixed(4) ?? ""} | ${demo?.finalValLoss.toFixed(4) ?? ""} |`;
  return ["| step | AdamW val | DeMo val |", "| ---: | ---: | ---: |", ...(rows ?? []), final].join("\n");
}

function baselineRun(data: Dataset, steps: number): RunResult {
  const model = new Transformer({ ...BABY_GPT, vocabSize: vocabSize(data.manifest.tokenizer) }, { seed: 1337 });
  const schedule: LrSchedule = { kind: "cosine", lr: 1e-3, minLr: 1e-4, warmupSteps: warmup(steps), totalSteps: steps };
  const result = trainAdamW(model, runOptions(data, steps, schedule, "adamw"), NANOGPT_ADAMW);
  model.dispose();
  return result;
}

function demoRun(data: Dataset, steps: number): DemoRunResult & { config: DemoConfig; lr: number } {
  const model = new Transformer({ ...BABY_GPT, vocabSize: vocabSize(data.manifest.tokenizer) }, { seed: 1337 });
  const lr = BENCH_DEMO_LR;
  const schedule: LrSchedule = { kind: "cosine", lr, minLr: lr / 10, warmupSteps: warmup(steps), totalSteps: steps };
  const result = trainDemo(model, runOptions(data, steps, schedule, "demo"), BENCH_DEMO, WORKERS);
  model.dispose();
  return { ...result, config: BENCH_DEMO, lr };
}

const warmup = (steps: number) => Math.min(100, Math.floor(steps / 10));

/** Runs `parts` of the training runs in child processes at once; their losses do not depend on timing. */
function runInChildren(parts: string[], steps: number, hash: string, outDir: string): Promise<Record<string, unknown>> {
  return Promise.all(
    parts.map(
      (part) =>
        new Promise<[string, unknown]>((resolve, reject) => {
          const out = join(outDir, `training-${part}.json`);
          const args = [
            process.argv[1],
            "--parts",
            part,
            "--steps",
            String(steps),
            "--dataset-hash",
            hash,
            "--out",
            out,
          ];
          spawn(process.execPath, [...process.execArgv, ...args], { stdio: ["ignore", "inherit", "inherit"] }).on(
            "exit",
            (code) =>
              code === 0
                ? resolve([part, (JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>)[part]])
                : reject(new Error(`${part} run exited with ${code}`)),
          );
        }),
    ),
  ).then(Object.fromEntries);
}

async function main(): Promise<void> {
  const a = yargs(process.argv.slice(2))
    .option("steps", { type: "number", default: 2000 })
    .option("parts", { type: "string", default: "speed,codec,baseline,demo" })
    .option("speed-steps", { type: "number", default: 10 })
    .option("parallel", { type: "boolean", default: true, describe: "run baseline and DeMo in two processes at once" })
    .option("out", { type: "string", default: join("target", "bench", "training.json") })
    .option("dataset-hash", { type: "string", hidden: true, describe: "use the already prepared anchor dataset" })
    .strict()
    .parseSync();
  const parts = new Set(a.parts.split(","));
  const backend: BackendInfo = await selectBackend();
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: `${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}`,
    backend,
  };
  console.log(`backend: ${describeBackend(backend)}; ${results.machine}`);

  if (parts.has("speed")) {
    const s = speed(a["speed-steps"]);
    results.speed = s;
    console.log(
      `speed: ours ${s.oursTokensPerSecond.toFixed(0)} tok/s (${s.oursMsPerStep.toFixed(0)} ms/step), stock tfjs ` +
        `${s.stockTokensPerSecond.toFixed(0)} tok/s (${s.stockMsPerStep.toFixed(0)} ms/step): ${s.ratio.toFixed(2)}x`,
    );
  }
  if (parts.has("codec")) {
    const c = codec(10);
    results.codec = c;
    console.log(
      `codec: DeMo compress ${c.compressMBps.toFixed(1)} MB/s, decompress ${c.decompressMBps.toFixed(1)} MB/s of fp32 ` +
        `gradient; encode ${c.encodeMBps.toFixed(0)} MB/s, decode ${c.decodeMBps.toFixed(0)} MB/s of update bytes`,
    );
  }

  const runs = ["baseline", "demo"].filter((p) => parts.has(p));
  const data = runs.length > 0 ? shakespeare(a["dataset-hash"]) : null;
  if (data) {
    results.dataset = {
      hash: data.hash,
      train: data.manifest.splits.train.tokens,
      val: data.manifest.splits.val.tokens,
    };
    if (a.parallel && runs.length > 1)
      Object.assign(results, await runInChildren(runs, a.steps, data.hash, dirname(a.out)));
    else {
      if (parts.has("baseline")) results.baseline = baselineRun(data, a.steps);
      if (parts.has("demo")) results.demo = demoRun(data, a.steps);
    }
    const base = results.baseline as RunResult | undefined;
    const demo = results.demo as DemoRunResult | undefined;
    if (base)
      console.log(
        `baseline AdamW: val loss ${base.finalValLoss.toFixed(4)} (whole val split), ${base.tokensPerSecond.toFixed(0)} ` +
          `tok/s, wall ${base.wallSeconds.toFixed(0)} s (training ${base.trainSeconds.toFixed(0)} s)`,
      );
    if (demo)
      console.log(
        `DeMo x${WORKERS}: val loss ${demo.finalValLoss.toFixed(4)}, ${demo.bytesPerWorkerStep.toFixed(0)} bytes per ` +
          `worker per step vs ${demo.denseBytes} dense fp32: ${(demo.denseBytes / demo.bytesPerWorkerStep).toFixed(1)}x ` +
          `fewer; ${demo.tokensPerSecond.toFixed(0)} tok/s (DeMo's own work ${(demo.demoSecondsPerStep * 1000).toFixed(0)} ms/step)`,
      );
    if (base && demo)
      console.log(
        `DeMo / baseline val loss: ${(demo.finalValLoss / base.finalValLoss).toFixed(4)} ` +
          `(within 5%: ${demo.finalValLoss <= 1.05 * base.finalValLoss})`,
      );
    if ((base || demo) && !a["dataset-hash"])
      console.log(
        `\nvalidation loss by step (curve: first 512 windows of val = 32,768 tokens)\n${curveTable(base, demo)}`,
      );
  }
  mkdirSync(dirname(a.out), { recursive: true });
  writeFileSync(a.out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results: ${a.out}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
