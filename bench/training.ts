// `npm run bench:training`: the trainer's acceptance figures, measured side by side in one run.
//   1. speed: ms per training step of the same model and loop, 1 and 2 threads: plain tfjs-wasm (stock ops and
//      kernels), our wasm-tuned ops without native kernels, wasm+native, and PyTorch (bench/torchBabyGpt.py, run
//      only when a python3 that can import torch is found)
//   2. codec: DeMo compress / decompress MB/s on the model's tensors with the JS and the native DCT, and raw
//      encode / decode MB/s
//   3. baseline: nanoGPT's baby GPT with AdamW on tiny Shakespeare (char level, 90/10 split), 2000 steps, on the
//      selected backend (wasm+native when the addon loads); baseline-stock: the same on plain wasm
//   4. DeMo: 4 simulated workers x 3 sequences (the same global batch and steps), 1-bit sparse updates
// Needs ../shared/data/tinyshakespeare.txt (skips the training parts with a message when it is absent).
// Options: --steps N (default 2000), --parts speed,codec,baseline,baseline-stock,demo, --out FILE (JSON results).
// Each training run goes to its own child process, one after the other (the wall-time comparison of baseline and
// baseline-stock needs that; --parallel runs them at once); their losses do not depend on timing.
import * as tf from "@tensorflow/tfjs";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import yargs from "yargs";
import type { AggregationRule } from "../sdk/demo/aggregate";
import { aggregateUpdates } from "../sdk/demo/aggregate";
import { decodeUpdate, encodeUpdate } from "../sdk/codec/updateCodec";
import { vocabSize } from "../sdk/data/datasetManifest";
import type { LrSchedule } from "../sdk/lrSchedule";
import { mulberry32 } from "../sdk/seededRandom";
import type { BackendInfo } from "../trainer/backend/selectBackend";
import { describeBackend, selectBackend } from "../trainer/backend/selectBackend";
import { installWasmSlicePatch, removeWasmSlicePatch } from "../trainer/backend/wasmSlicePatch";
import type { ChunkedDct } from "../sdk/demo/chunkedDct";
import { jsChunkedDct } from "../sdk/demo/chunkedDct";
import { loadNativeAddon } from "../trainer/native/nativeAddon";
import { nativeChunkedDct } from "../trainer/native/nativeDct";
import { nativeTopK } from "../trainer/native/nativeTopK";
import type { TopKSelector } from "../sdk/demo/topK";
import { jsTopK } from "../sdk/demo/topK";
import { installNativeKernels, nativeKernelsInstalled, removeNativeKernels } from "../trainer/native/nativeKernels";
import { nativeOps } from "../trainer/model/nativeOps";
import { readCorpus } from "../trainer/data/corpusText";
import { DEFAULT_SHARD_TOKENS, prepareDataset } from "../trainer/data/prepareDataset";
import type { Dataset } from "../trainer/data/tokenShards";
import { openDataset } from "../trainer/data/tokenShards";
import type { ModelOps } from "../trainer/model/ops";
import { stockOps, wasmOps } from "../trainer/model/ops";
import { BABY_GPT, countParameters, parameterSpecs, Transformer } from "../trainer/model/transformer";
import { AdamW, NANOGPT_ADAMW } from "../trainer/optim/adamw";
import type { RoundConfig } from "../trainer/optim/roundConfig";
import { PSYCHE_DEMO } from "../trainer/optim/roundConfig";
import { UpdateCompressor } from "../trainer/optim/updateCompressor";
import type { RoundRunResult, RunOptions, RunResult } from "../trainer/train/trainingRuns";
import { trainAdamW, trainRounds } from "../trainer/train/trainingRuns";
import { shapeSize } from "../sdk/shapeSize";

const SHAKESPEARE = join("..", "shared", "data", "tinyshakespeare.txt");
/** bench:network's inner-steps round (SparseLoCo: AdamW inner steps, 2-bit error feedback, SGD outer at rate 1). */
export function innerStepsRound(H: number, aggregation: AggregationRule): RoundConfig {
  return {
    ...PSYCHE_DEMO,
    innerSteps: H,
    inner: { kind: "adamw", ...NANOGPT_ADAMW },
    transform: "none",
    topK: Math.round(5.12 * H),
    decay: 0.999,
    format: "q2",
    outer: "sgd",
    outerLr: 1,
    weightDecay: 0,
    aggregation,
  };
}

export const BATCH = 12;
const WORKERS = 4;

export const BENCH_DEMO_LR = 2e-3;
/** The DeMo settings chosen by short sweeps (BENCHMARKS.md explains the choice): one step per round. */
export const BENCH_DEMO: RoundConfig = {
  ...PSYCHE_DEMO,
  topK: 32,
  decay: 0.999,
  outerLr: BENCH_DEMO_LR,
};

const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];

type Loop = "stock" | "tuned" | "native";

/** Sets up the kernels a loop runs on: stock wasm, wasm with our Slice kernel, or wasm+native. */
function useKernels(loop: Loop, threads: number): ModelOps {
  if (loop === "stock") removeWasmSlicePatch();
  else installWasmSlicePatch();
  const { addon } = loadNativeAddon();
  if (loop !== "native" || !addon) {
    removeNativeKernels();
    return loop === "stock" ? stockOps : wasmOps;
  }
  installNativeKernels(addon);
  addon.setThreads(threads);
  return nativeOps;
}

/** Median ms per training step of the baby GPT with AdamW on `loop`'s kernels. */
function timeSteps(loop: Loop, threads: number, steps: number): number {
  const ops = useKernels(loop, threads);
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
  for (let i = 0; i < steps + 3; i++) {
    const [x, y] = [ids(), ids()];
    const t0 = performance.now();
    const { loss, grads } = model.lossAndGrads(x, y);
    opt.step(grads, 1e-3);
    loss.dataSync();
    if (i >= 3) ms.push(performance.now() - t0); // three warm-up steps, as the PyTorch loop
    tf.dispose([x, y, loss, ...grads]);
  }
  opt.dispose();
  model.dispose();
  return median(ms);
}

/** A python3 that can import torch (Debian's python3-torch is only importable by /usr/bin/python3), or null. */
function torchPython(): string | null {
  for (const py of ["/usr/bin/python3", "python3"])
    if (spawnSync(py, ["-c", "import torch"], { stdio: "ignore" }).status === 0) return py;
  return null;
}

/** PyTorch's ms/step with `threads` intra-op (OpenMP) threads and `blasThreads` OpenBLAS threads. */
function torchSteps(python: string, threads: number, blasThreads: number, steps: number): number {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(blasThreads), OMP_NUM_THREADS: String(threads) };
  const args = [join(__dirname, "torchBabyGpt.py"), "--threads", String(threads), "--steps", String(steps)];
  const r = spawnSync(python, args, { env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`PyTorch bench failed: ${r.stderr}`);
  return (JSON.parse(r.stdout.trim().split("\n").at(-1) as string) as { msPerStep: number }).msPerStep;
}

interface SpeedRow {
  readonly loop: string;
  readonly oneThread: number | null;
  readonly twoThreads: number | null;
}

function speed(steps: number) {
  const restore = nativeKernelsInstalled();
  const native = loadNativeAddon();
  const python = torchPython();
  if (!native.addon) console.log(`speed: wasm+native skipped (${native.reason})`);
  if (!python)
    console.log("speed: PyTorch skipped (no python3 that can `import torch`; Debian: apt-get install python3-torch)");
  // Alternating blocks, so background load hits every loop alike; the wasm builds are single-threaded.
  const runs: Record<string, number[]> = {};
  const add = (key: string, f: () => number) => (runs[key] ??= []).push(f());
  for (let block = 0; block < 2; block++) {
    add("stock", () => timeSteps("stock", 1, steps));
    add("tuned", () => timeSteps("tuned", 1, steps));
    if (native.addon) for (const t of [1, 2]) add(`native${t}`, () => timeSteps("native", t, steps));
    if (python) {
      add("torch1", () => torchSteps(python, 1, 1, steps));
      // 2 threads: torch's and OpenBLAS's thread pools both at 2 oversubscribe the cores; the faster split counts
      add("torch2blas", () => torchSteps(python, 1, 2, steps));
      add("torch2omp", () => torchSteps(python, 2, 1, steps));
    }
  }
  useKernels(restore ? "native" : "tuned", 1);
  const m = (key: string) => (runs[key] ? median(runs[key]) : null);
  if (runs.torch2blas) runs.torch2 = [Math.min(m("torch2blas") as number, m("torch2omp") as number)];
  const rows: SpeedRow[] = [
    { loop: "plain tfjs-wasm (stockOps, stock kernels)", oneThread: m("stock"), twoThreads: null },
    { loop: "tfjs-wasm, our wasm-tuned ops (the previous default)", oneThread: m("tuned"), twoThreads: null },
    {
      loop: "wasm+native (nativeOps, native kernels; 2 threads = 2 BLAS threads)",
      oneThread: m("native1"),
      twoThreads: m("native2"),
    },
    {
      loop: "PyTorch 1.13 + OpenBLAS (bench/torchBabyGpt.py; 2 threads: the faster split)",
      oneThread: m("torch1"),
      twoThreads: m("torch2"),
    },
  ];
  const ratio = (a: number | null, b: number | null) => (a !== null && b !== null ? a / b : null);
  return {
    rows,
    nativeOverTorch1: ratio(m("native1"), m("torch1")),
    nativeOverTorch2: ratio(m("native2"), m("torch2")),
    tunedOverNative1: ratio(m("tuned"), m("native1")),
    torch2Splits: { torch1Blas2: m("torch2blas"), torch2Blas1: m("torch2omp") },
  };
}

function speedTable(s: ReturnType<typeof speed>): string {
  const f = (x: number | null) => (x === null ? "—" : x.toFixed(1));
  const lines = s.rows.map((r) => `| ${r.loop} | ${f(r.oneThread)} | ${f(r.twoThreads)} |`);
  const x = (v: number | null) => (v === null ? "—" : `${v.toFixed(2)}x`);
  return [
    "| loop (batch 12 x 64, AdamW) | ms/step, 1 thread | ms/step, 2 threads |",
    "| --- | ---: | ---: |",
    ...lines,
    "",
    `wasm+native / PyTorch: ${x(s.nativeOverTorch1)} at 1 thread (bar <= 1.5x), ${x(s.nativeOverTorch2)} at 2 threads; ` +
      `wasm-tuned / wasm+native at 1 thread: ${x(s.tunedOverNative1)}`,
  ].join("\n");
}

function codec(repeats: number, transform: ChunkedDct, topK: TopKSelector) {
  const shapes = parameterSpecs(BABY_GPT).map((s) => s.shape);
  const u = mulberry32(7);
  const grads = shapes.map((s) => Float32Array.from({ length: shapeSize(s) }, () => (u() - 0.5) * 1e-2));
  const denseMB = (4 * countParameters(BABY_GPT)) / 1e6;
  const workers = Array.from({ length: WORKERS }, () => new UpdateCompressor(shapes, BENCH_DEMO, transform, topK));
  let compressMs = 0;
  let decompressMs = 0;
  let encodeMs = 0;
  let decodeMs = 0;
  let bytes = 0;
  for (let r = -5; r < repeats; r++) {
    if (r === 0) compressMs = decompressMs = encodeMs = decodeMs = bytes = 0; // five untimed rounds warm the JIT up
    let t = performance.now();
    const updates = workers.map((w) => w.compress(grads, 1));
    compressMs += performance.now() - t;
    t = performance.now();
    const encoded = updates.map((up) => encodeUpdate(up));
    encodeMs += performance.now() - t;
    bytes += encoded.reduce((n, b) => n + b.length, 0);
    t = performance.now();
    const decoded = encoded.map((b) => decodeUpdate(b, workers[0].layout));
    decodeMs += performance.now() - t;
    t = performance.now();
    aggregateUpdates(decoded, BENCH_DEMO.aggregation, transform);
    decompressMs += performance.now() - t;
  }
  const n = repeats * WORKERS;
  return {
    kernels: `${transform.name} DCT and top-k`,
    // MB of fp32 gradient (all parameters) per second
    compressMBps: (denseMB * n) / ((compressMs + encodeMs) / 1000),
    decompressMBps: (denseMB * n) / ((decodeMs + decompressMs) / 1000),
    compressMsPerWorker: (compressMs + encodeMs) / n,
    // MB of encoded update bytes per second
    encodeMBps: bytes / 1e6 / (encodeMs / 1000),
    decodeMBps: bytes / 1e6 / (decodeMs / 1000),
    updateBytes: bytes / n,
  };
}

const SHAKESPEARE_DIR = join("target", "data", "tinyshakespeare");

/** The anchor corpus as token shards (prepared here unless `hash` names an already prepared one). */
export function shakespeare(hash?: string): Dataset | null {
  if (hash) return openDataset(SHAKESPEARE_DIR, hash);
  if (!existsSync(SHAKESPEARE)) {
    console.log(`SKIP training runs: ${SHAKESPEARE} is absent (the anchor corpus; see ../shared/data)`);
    return null;
  }
  const prepared = prepareDataset(readCorpus(SHAKESPEARE), SHAKESPEARE_DIR, {
    name: "tinyshakespeare",
    tokenizer: "char",
    trainFraction: 0.9,
    shardTokens: DEFAULT_SHARD_TOKENS,
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

function curveTable(base: RunResult | undefined, demo: RoundRunResult | undefined): string {
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

function demoRun(
  data: Dataset,
  steps: number,
  workers: number,
): RoundRunResult & { config: RoundConfig; lr: number; workers: number } {
  const model = new Transformer({ ...BABY_GPT, vocabSize: vocabSize(data.manifest.tokenizer) }, { seed: 1337 });
  const lr = BENCH_DEMO_LR;
  const schedule: LrSchedule = { kind: "cosine", lr, minLr: lr / 10, warmupSteps: warmup(steps), totalSteps: steps };
  const result = trainRounds(model, runOptions(data, steps, schedule, "demo"), BENCH_DEMO, workers);
  model.dispose();
  return { ...result, config: BENCH_DEMO, lr, workers };
}

export const warmup = (steps: number) => Math.min(100, Math.floor(steps / 10));

/** Each training part in its own child process (baseline-stock on plain wasm), at once or one after the other. */
async function runInChildren(
  parts: string[],
  steps: number,
  workers: number,
  hash: string,
  outDir: string,
  parallel: boolean,
): Promise<Record<string, unknown>> {
  const runPart = (part: string) =>
    new Promise<[string, unknown]>((resolve, reject) => {
      const out = join(outDir, `training-${part}.json`);
      const args = [process.argv[1], "--parts", part, "--steps", String(steps), "--dataset-hash", hash, "--out", out];
      args.push("--demo-workers", String(workers));
      const env = part === "baseline-stock" ? { ...process.env, CONCORD_BACKEND: "wasm" } : process.env;
      spawn(process.execPath, [...process.execArgv, ...args], { stdio: ["ignore", "inherit", "inherit"], env }).on(
        "exit",
        (code) =>
          code === 0
            ? resolve([part, (JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>)[part]])
            : reject(new Error(`${part} run exited with ${code}`)),
      );
    });
  if (parallel) return Object.fromEntries(await Promise.all(parts.map(runPart)));
  const results: Record<string, unknown> = {};
  for (const part of parts) {
    const [k, v] = await runPart(part);
    results[k] = v;
  }
  return results;
}

async function main(): Promise<void> {
  const a = yargs(process.argv.slice(2))
    .option("steps", { type: "number", default: 2000 })
    .option("parts", { type: "string", default: "speed,codec,baseline,baseline-stock,demo" })
    .option("speed-steps", { type: "number", default: 10 })
    .option("parallel", { type: "boolean", default: false, describe: "run the training parts in processes at once" })
    .option("out", { type: "string", default: join("target", "bench", "training.json") })
    .option("demo-workers", { type: "number", default: WORKERS, describe: "simulated DeMo workers sharing the batch" })
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
  const native = loadNativeAddon().addon;

  if (parts.has("speed")) {
    // the table compares loops on the wasm backend (and PyTorch), whichever backend this machine prefers
    if (tf.getBackend() !== "wasm") await selectBackend({ order: ["wasm+native", "wasm"] });
    const s = speed(a["speed-steps"]);
    results.speed = s;
    console.log(
      `speed (median ms per step of ${a["speed-steps"]}, two alternating blocks per loop):\n${speedTable(s)}`,
    );
  }
  if (parts.has("codec")) {
    const c = [
      codec(10, jsChunkedDct, jsTopK),
      ...(native ? [codec(10, nativeChunkedDct(native), nativeTopK(native))] : []),
    ];
    results.codec = c;
    for (const r of c)
      console.log(
        `codec (${r.kernels}): DeMo compress ${r.compressMBps.toFixed(1)} MB/s (${r.compressMsPerWorker.toFixed(1)} ms ` +
          `per worker), decompress ${r.decompressMBps.toFixed(1)} MB/s of fp32 gradient; encode ${r.encodeMBps.toFixed(0)} ` +
          `MB/s, decode ${r.decodeMBps.toFixed(0)} MB/s of update bytes`,
      );
  }

  const runs = ["baseline", "baseline-stock", "demo"].filter((p) => parts.has(p));
  const data = runs.length > 0 ? shakespeare(a["dataset-hash"]) : null;
  if (data) {
    results.dataset = {
      hash: data.hash,
      train: data.manifest.splits.train.tokens,
      val: data.manifest.splits.val.tokens,
    };
    if (a["dataset-hash"]) {
      // a child process: run its part here (baseline-stock's parent set CONCORD_BACKEND=wasm)
      if (parts.has("baseline")) results.baseline = baselineRun(data, a.steps);
      if (parts.has("baseline-stock")) results["baseline-stock"] = baselineRun(data, a.steps);
      if (parts.has("demo")) results.demo = demoRun(data, a.steps, a["demo-workers"]);
    } else
      Object.assign(
        results,
        await runInChildren(runs, a.steps, a["demo-workers"], data.hash, dirname(a.out), a.parallel),
      );
    const base = results.baseline as RunResult | undefined;
    const stock = results["baseline-stock"] as RunResult | undefined;
    if (stock)
      console.log(
        `baseline AdamW on plain wasm: val loss ${stock.finalValLoss.toFixed(4)}, wall ${stock.wallSeconds.toFixed(0)} s ` +
          `(training ${stock.trainSeconds.toFixed(0)} s)`,
      );
    if (base && stock)
      console.log(
        `baseline wall time on ${describeBackend(backend)} / plain wasm: ` +
          `${(base.wallSeconds / stock.wallSeconds).toFixed(3)} (bar <= 0.333); val loss ${base.finalValLoss.toFixed(4)} ` +
          `vs ${stock.finalValLoss.toFixed(4)}${a.parallel ? " (runs were parallel: wall times compete for the cores)" : ""}`,
      );
    const demo = results.demo as RoundRunResult | undefined;
    if (base)
      console.log(
        `baseline AdamW: val loss ${base.finalValLoss.toFixed(4)} (whole val split), ${base.tokensPerSecond.toFixed(0)} ` +
          `tok/s, wall ${base.wallSeconds.toFixed(0)} s (training ${base.trainSeconds.toFixed(0)} s)`,
      );
    if (demo)
      console.log(
        `DeMo x${a["demo-workers"]}: val loss ${demo.finalValLoss.toFixed(4)}, ${demo.bytesPerWorkerStep.toFixed(0)} bytes per ` +
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

if (require.main === module)
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
