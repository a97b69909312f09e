import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runCreate } from "../lib/runCreate";

const options = {
  config: { type: "string", demandOption: true, describe: "the run config file (TOML; see examples/run.toml)" },
  "recipe-out": {
    type: "string",
    describe: "where to write the recipe trainers need (default: beside the config, <name>.recipe.json)",
  },
  json: {
    type: "boolean",
    default: false,
    describe: "print run, recipe file, model and dataset hash as one JSON line",
  },
  quiet: {
    alias: "q",
    type: "boolean",
    default: false,
    describe: "print the run's address alone (for scripts: RUN=$(concord run create --config run.toml -q))",
  },
} satisfies Record<string, Options>;

export const runCreateCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> = {
  command: "create",
  describe: "create and fund the run a config file describes (the wallet is its authority); writes its recipe",
  builder: (y) => y.options(options),
  handler: (args) => runCreate(args),
};
