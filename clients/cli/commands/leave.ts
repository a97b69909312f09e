import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runLeave } from "../lib/runLeave";

const options = {
  run: { type: "string", demandOption: true, describe: "the Run account's address" },
  json: { type: "boolean", default: false, describe: "print the leave epoch and unbonding as one JSON line" },
} satisfies Record<string, Options>;

export const leaveCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> = {
  command: "leave",
  describe: "leave a run: the member serves out the epoch in progress, then its stake unbonds (see withdraw)",
  builder: (y) => y.options(options),
  handler: (args) => runLeave(args),
};
