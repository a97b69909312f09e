import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runClaim } from "../lib/runClaim";

const options = {
  run: { type: "string", demandOption: true, describe: "the Run account's address" },
  json: { type: "boolean", default: false, describe: "print the lamports paid as one JSON line" },
} satisfies Record<string, Options>;

export const claimCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> = {
  command: "claim",
  describe: "claim the rewards the run owes the wallet's member (allocated at each epoch's end)",
  builder: (y) => y.options(options),
  handler: (args) => runClaim(args),
};
