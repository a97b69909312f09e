import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runWithdraw } from "../lib/runWithdraw";

const options = {
  run: { type: "string", demandOption: true, describe: "the Run account's address" },
  json: { type: "boolean", default: false, describe: "print what was returned as one JSON line" },
} satisfies Record<string, Options>;

export const withdrawCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> = {
  command: "withdraw",
  describe:
    "after leave, once the stake has unbonded: take back stake, unclaimed rewards and the member account's rent",
  builder: (y) => y.options(options),
  handler: (args) => runWithdraw(args),
};
