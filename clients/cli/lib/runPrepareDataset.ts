// `concord prepare-dataset`: text (a file or folder, the default corpus, or seeded generated text) into token shards
// and a manifest (trainer/data/prepareDataset.ts), with a progress bar while shards are written on a terminal.
// Prints the dataset hash: the value a run records on-chain.
import { SingleBar } from "cli-progress";
import { join } from "node:path";
import type { DatasetManifest } from "../../../sdk/data/datasetManifest";
import { defaultCorpus, generatedCorpus, readCorpus } from "../../../trainer/data/corpusText";
import { prepareDataset } from "../../../trainer/data/prepareDataset";
import { progressWanted } from "./progress";

export interface PrepareDatasetArgs {
  input?: string;
  default?: boolean;
  generated?: number;
  name?: string;
  out?: string;
  tokenizer?: "char" | "byte";
  trainFraction: number;
  shardTokens: number;
  json: boolean;
}

/** Writes the dataset; resolves to where, its manifest and hash. Exactly one source is given (the command checks). */
export function prepareDatasetFrom(a: PrepareDatasetArgs): { out: string; manifest: DatasetManifest; hash: string } {
  const corpus =
    a.input !== undefined
      ? readCorpus(a.input)
      : a.default
        ? defaultCorpus(process.cwd())
        : generatedCorpus(a.generated ?? 0);
  const name =
    a.name ??
    (a.input !== undefined
      ? (a.input.split("/").filter(Boolean).pop() ?? "input").replace(/\.[^.]*$/, "")
      : a.default
        ? "default"
        : "generated");
  const out = a.out ?? join("target", "data", name);
  const bar = progressWanted(a.json) ? new SingleBar({ format: "dataset {bar} {value}/{total} tokens written" }) : null;
  try {
    const { manifest, hash } = prepareDataset(corpus, out, {
      name,
      tokenizer: a.tokenizer ?? (a.input !== undefined ? "char" : "byte"),
      trainFraction: a.trainFraction,
      shardTokens: a.shardTokens,
      onTokens: (written, total) => {
        if (bar && !bar.isActive) bar.start(total, 0);
        bar?.update(written);
      },
    });
    return { out, manifest, hash };
  } finally {
    bar?.stop();
  }
}

export function runPrepareDataset(a: PrepareDatasetArgs): void {
  const { out, manifest, hash } = prepareDatasetFrom(a);
  if (a.json) {
    const splits = Object.fromEntries(
      Object.entries(manifest.splits).map(([split, s]) => [split, { tokens: s.tokens, shards: s.shards.length }]),
    );
    console.log(
      JSON.stringify({ dir: out, hash, source: manifest.source, tokenizer: manifest.tokenizer.kind, splits }),
    );
    return;
  }
  for (const [split, s] of Object.entries(manifest.splits))
    console.log(`${split}: ${s.tokens} tokens in ${s.shards.length} shard(s)`);
  console.log(`${out}: ${manifest.source}; ${manifest.tokenizer.kind} tokenizer`);
  console.log(`dataset hash ${hash}`);
}
