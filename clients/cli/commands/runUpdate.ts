import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runUpdate } from "../lib/runUpdate";

const options = {
  run: { type: "string", demandOption: true, describe: "the Run account's address" },
  config: {
    type: "string",
    demandOption: true,
    describe: "the run config file with the new values ([run] is ignored)",
  },
  "recipe-out": {
    type: "string",
    describe: "where to write the new recipe when the model hash changes (default: beside the config)",
  },
  json: { type: "boolean", default: false, describe: "print the changes (and the new recipe file) as one JSON line" },
} satisfies Record<string, Options>;

export const runUpdateCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> = {
  command: "update",
  describe:
    "replace a halted run's configuration (waiting for members or paused) by a config file's; prints what changed",
  builder: (y) => y.options(options),
  handler: (args) => runUpdate(args),
};
