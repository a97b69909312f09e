import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runStatus } from "../lib/runStatus";

const options = {
  run: { type: "string", demandOption: true, describe: "the Run account's address" },
  json: { type: "boolean", default: false, describe: "print the status as one JSON line" },
} satisfies Record<string, Options>;

export const runStatusCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> = {
  command: "status",
  describe: "a run's state, epoch, step, members, next transition, vault, checkpoint and configuration",
  builder: (y) => y.options(options),
  handler: (args) => runStatus(args),
};
