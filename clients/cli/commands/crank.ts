import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runCrank } from "../lib/runCrank";
import { METRICS_OPTIONS } from "./metricsOptions";

const options = {
  run: { type: "string", demandOption: true, describe: "the run account's address" },
  "poll-ms": { type: "number", default: 5000, describe: "re-read the run at least this often (milliseconds)" },
  ...METRICS_OPTIONS,
} satisfies Record<string, Options>;

export const crankCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> = {
  command: "crank",
  describe: "tick a run whenever a transition is due, until it finishes (any cluster; anyone may run one)",
  builder: (y) => y.options(options),
  handler: (args) => runCrank(args),
};
