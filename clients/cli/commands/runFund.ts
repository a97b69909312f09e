import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runFund } from "../lib/runFund";

const options = {
  run: { type: "string", demandOption: true, describe: "the Run account's address" },
  sol: { type: "number", demandOption: true, describe: "SOL to move from the wallet into the run's reward pool" },
  json: { type: "boolean", default: false, describe: "print the amount and the reward pool as one JSON line" },
} satisfies Record<string, Options>;

export const runFundCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> = {
  command: "fund",
  describe: "add SOL to a run's reward pool (any wallet may)",
  builder: (y) => y.options(options),
  handler: (args) => runFund(args),
};
