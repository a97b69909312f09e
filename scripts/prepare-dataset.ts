// `npm run prepare-dataset -- --input <file|folder> | --default | --generated <chars>`: text -> token shards and a
// manifest (see trainer/data/). Prints the dataset hash, the value a run records on-chain.
import { join } from "node:path";
import yargs from "yargs";
import { defaultCorpus, generatedCorpus, readCorpus } from "../trainer/data/corpusText";
import { DEFAULT_SHARD_TOKENS, prepareDataset } from "../trainer/data/prepareDataset";

export function main(argv: string[]): void {
  const a = yargs(argv)
    .usage("$0 --input <file|folder> | --default | --generated <chars> [options]")
    .option("input", { type: "string", describe: "a text file, or a folder of .txt/.md/.rst files" })
    .option("default", { type: "boolean", describe: "the default corpus: docs of the packages in package-lock.json" })
    .option("generated", { type: "number", describe: "this many characters of seeded generated text" })
    .option("name", { type: "string", describe: "dataset name (default: from the source)" })
    .option("out", { type: "string", describe: "output folder (default: target/data/<name>)" })
    .option("tokenizer", { choices: ["char", "byte"] as const, describe: "default: char for --input, byte otherwise" })
    .option("train-fraction", { type: "number", default: 0.9, describe: "first part -> train, rest -> val" })
    .option("shard-tokens", { type: "number", default: DEFAULT_SHARD_TOKENS })
    .check((x) => {
      if ([x.input !== undefined, x.default === true, x.generated !== undefined].filter(Boolean).length !== 1)
        throw new Error("give exactly one of --input, --default, --generated");
      return true;
    })
    .strict()
    .parseSync();
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
  const { manifest, hash } = prepareDataset(corpus, out, {
    name,
    tokenizer: a.tokenizer ?? (a.input !== undefined ? "char" : "byte"),
    trainFraction: a["train-fraction"],
    shardTokens: a["shard-tokens"],
  });
  for (const [split, s] of Object.entries(manifest.splits))
    console.log(`${split}: ${s.tokens} tokens in ${s.shards.length} shard(s)`);
  console.log(`${out}: ${manifest.source}; ${manifest.tokenizer.kind} tokenizer`);
  console.log(`dataset hash ${hash}`);
}

if (require.main === module) main(process.argv.slice(2));
