// Short round (or AdamW) runs on tiny Shakespeare, simulated in one process through the network's own modules, to
// choose a run's settings; prints one JSON line per run. --steps counts rounds; --inner-steps H trains H inner steps
// per member per round (--inner adamw) or accumulates H batches (--inner gradient).
//   npx tsx bench/roundSweep.ts --steps 400 --lr 3e-4 --topk 32 --decay 0.999 --format sign          (DeMo)
//   npx tsx bench/roundSweep.ts --steps 40 --inner-steps 50 --inner adamw --transform none --format q2 \
//     --outer sgd --outer-lr 1 --topk 64 --decay 0.95 --lr 1e-3 --warmup 2 --workers 3            (SparseLoCo)
import { readFileSync } from "node:fs";
import yargs from "yargs";
import { selectBackend } from "../trainer/backend/selectBackend";
import { charSpecFor, makeTokenizer } from "../trainer/data/tokenizer";
import { arrayTokenSource } from "../trainer/data/tokenSource";
import { BABY_GPT, Transformer } from "../trainer/model/transformer";
import { NANOGPT_ADAMW } from "../trainer/optim/adamw";
import type { RoundConfig } from "../trainer/optim/roundConfig";
import { trainAdamW, trainRounds } from "../trainer/train/trainingRuns";
import type { LrSchedule } from "../sdk/lrSchedule";

async function main(): Promise<void> {
  const a = yargs(process.argv.slice(2))
    .option("optimizer", { choices: ["adamw", "rounds"] as const, default: "rounds" as const })
    .option("inner-steps", { type: "number", default: 1 })
    .option("inner", { choices: ["gradient", "adamw"] as const, default: "gradient" as const })
    .option("transform", { choices: ["dct", "none"] as const, default: "dct" as const })
    .option("outer", { choices: ["sign", "sgd"] as const, default: "sign" as const })
    .option("outer-lr", { type: "number", describe: "default: --lr (sign) or 1 (sgd)" })
    .option("outer-momentum", { type: "number", default: 0 })
    .option("steps", { type: "number", default: 400 })
    .option("lr", { type: "number", default: 3e-4 })
    .option("min-lr-ratio", { type: "number", default: 0.1 })
    .option("warmup", { type: "number", default: 100 })
    .option("schedule", { choices: ["cosine", "wsd", "constant"] as const, default: "cosine" as const })
    .option("topk", { type: "number", default: 32 })
    .option("chunk", { type: "number", default: 64 })
    .option("decay", { type: "number", default: 0.999 })
    .option("format", { choices: ["f32", "f16", "sign", "q2"] as const, default: "sign" as const })
    .option("wd", { type: "number", default: 0 })
    .option("workers", { type: "number", default: 4 })
    .option("eval-every", { type: "number", default: 100 })
    .option("curve-windows", { type: "number", default: 256 })
    .option("seed", { type: "number", default: 0 })
    .option("tag", { type: "string", default: "" })
    .option("backend", {
      choices: ["wasm", "default"] as const,
      default: "wasm" as const,
      describe: "wasm: the earlier sweeps' backend; default: native kernels when they load",
    })
    .strict()
    .parseSync();
  // plain wasm by default: the DeMo sweeps in BENCHMARKS.md were measured on it, before the native kernels
  const backend = await selectBackend(a.backend === "wasm" ? { order: ["wasm"] } : {});
  const text = readFileSync(process.env.SHAKESPEARE ?? "../shared/data/tinyshakespeare.txt", "utf8");
  const tokenizer = makeTokenizer(charSpecFor(text));
  const tokens = tokenizer.encode(text);
  const n = Math.floor(tokens.length * 0.9);
  const minLr = a.lr * a["min-lr-ratio"];
  const schedule: LrSchedule =
    a.schedule === "cosine"
      ? { kind: "cosine", lr: a.lr, minLr, warmupSteps: a.warmup, totalSteps: a.steps }
      : a.schedule === "wsd"
        ? {
            kind: "wsd",
            lr: a.lr,
            minLr,
            warmupSteps: a.warmup,
            decayStart: Math.floor(a.steps * 0.8),
            totalSteps: a.steps,
          }
        : { kind: "constant", lr: a.lr, warmupSteps: a.warmup };
  const model = new Transformer({ ...BABY_GPT, vocabSize: tokenizer.vocabSize }, { seed: 1337 + a.seed });
  const options = {
    train: arrayTokenSource(tokens.subarray(0, n)),
    val: arrayTokenSource(tokens.subarray(n)),
    seed: 1 + a.seed,
    steps: a.steps,
    batchRows: 12,
    schedule,
    evalEvery: a["eval-every"],
    curveWindows: a["curve-windows"],
    log: (l: string) => console.error(`[${a.tag}] ${l}`),
  };
  const adamw = { ...NANOGPT_ADAMW, weightDecay: a.wd || NANOGPT_ADAMW.weightDecay };
  const config: RoundConfig = {
    innerSteps: a["inner-steps"],
    inner: a.inner === "adamw" ? { kind: "adamw", ...adamw } : { kind: "gradient" },
    transform: a.transform,
    chunk: a.chunk,
    topK: a.topk,
    decay: a.decay,
    format: a.format,
    outer: a.outer,
    outerLr: a["outer-lr"] ?? (a.outer === "sign" ? a.lr : 1),
    outerMomentum: a["outer-momentum"],
    weightDecay: a.inner === "adamw" ? 0 : a.wd,
    gradClip: 1,
    aggregation: { kind: "mean" as const },
  };
  const result =
    a.optimizer === "adamw" ? trainAdamW(model, options, adamw) : trainRounds(model, options, config, a.workers);
  console.log(JSON.stringify({ tag: a.tag, args: { ...a, _: undefined, $0: undefined }, backend, ...result }));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
