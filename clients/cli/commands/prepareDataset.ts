import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";
import { DEFAULT_SHARD_TOKENS } from "../../../trainer/data/prepareDataset";
import type { GlobalOptions } from "../globalOptions";
import { runPrepareDataset } from "../lib/runPrepareDataset";

const options = {
  input: { type: "string", describe: "a text file, or a folder of .txt/.md/.rst files" },
  default: { type: "boolean", describe: "the default corpus: docs of the packages in package-lock.json" },
  generated: { type: "number", describe: "this many characters of seeded generated text" },
  name: { type: "string", describe: "dataset name (default: from the source)" },
  out: { type: "string", describe: "output folder (default: target/data/<name>)" },
  tokenizer: { choices: ["char", "byte"] as const, describe: "default: char for --input, byte otherwise" },
  "train-fraction": { type: "number", default: 0.9, describe: "first part -> train split, the rest -> val" },
  "shard-tokens": { type: "number", default: DEFAULT_SHARD_TOKENS, describe: "most tokens per shard file" },
  json: { type: "boolean", default: false, describe: "print the folder, hash and splits as one JSON line" },
} satisfies Record<string, Options>;

export const prepareDatasetCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> =
  {
    command: "prepare-dataset",
    describe: "text -> token shards and a manifest; prints the dataset hash a run records on-chain",
    builder: (y) =>
      y.options(options).check((a) => {
        if ([a.input !== undefined, a.default === true, a.generated !== undefined].filter(Boolean).length !== 1)
          throw new ConcordError(codes.CONCORD_ERROR__CLIENT__USAGE, {
            reason: "give exactly one of --input, --default, --generated",
            command: "concord prepare-dataset",
          });
        return true;
      }),
    handler: (args) => runPrepareDataset(args),
  };
