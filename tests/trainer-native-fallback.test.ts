// Where the native kernels cannot load (here forced off with CONCORD_NATIVE=0), the trainer still starts on plain
// wasm, says why in one log line, and trains.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { vocabSize } from "../sdk/data/datasetManifest";
import { selectBackend } from "../trainer/backend/selectBackend";
import { generatedCorpus } from "../trainer/data/corpusText";
import { prepareDataset } from "../trainer/data/prepareDataset";
import { openDataset } from "../trainer/data/tokenShards";
import { Transformer } from "../trainer/model/transformer";
import { NANOGPT_ADAMW } from "../trainer/optim/adamw";
import { defaultChunkedDct } from "../trainer/native/nativeDct";
import { defaultTopK } from "../trainer/native/nativeTopK";
import { trainAdamW } from "../trainer/train/trainingRuns";

describe("trainer without the native kernels", () => {
  test("CONCORD_NATIVE=0: plain wasm, one line saying why, and training still lowers the loss", async () => {
    // Given the addon forced off
    process.env.CONCORD_NATIVE = "0";
    const lines: string[] = [];
    // When the trainer picks its backend
    const info = await selectBackend({ log: (l) => lines.push(l) });
    // Then it says why the native kernels are off and runs plain wasm
    expect(lines.filter((l) => l.includes("native"))).toEqual([
      "[backend] wasm+native unavailable (native kernels off: CONCORD_NATIVE=0; unset it to use them); trying the next",
    ]);
    expect(info).toMatchObject({ backend: "wasm", wasmSimd: true, nativeKernels: null });
    // And it trains
    const dir = mkdtempSync(join(tmpdir(), "concord-fallback-"));
    try {
      const { hash } = prepareDataset(generatedCorpus(30_000, 5), dir, {
        name: "generated",
        tokenizer: "char",
        trainFraction: 0.9,
        shardTokens: 16_384,
      });
      const data = openDataset(dir, hash);
      const config = {
        vocabSize: vocabSize(data.manifest.tokenizer),
        contextLength: 16,
        layers: 1,
        heads: 2,
        width: 16,
      };
      const model = new Transformer(config, { seed: 1 });
      expect(model.ops.name).toBe("wasm-tuned");
      // DeMo workers get the JavaScript DCT and top-k (the same bits as the native ones)
      expect([defaultChunkedDct().name, defaultTopK().name]).toEqual(["js", "js"]);
      const result = trainAdamW(
        model,
        {
          train: data.split("train"),
          val: data.split("val"),
          seed: 1,
          steps: 30,
          batchRows: 8,
          schedule: { kind: "constant", lr: 1e-2, warmupSteps: 0 },
          evalEvery: 0,
          curveWindows: 32,
        },
        NANOGPT_ADAMW,
      );
      expect(result.finalValLoss).toBeLessThan(result.curve[0].valLoss - 0.5);
      model.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      delete process.env.CONCORD_NATIVE;
    }
  });
});
