import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runMemberStatus } from "../lib/runMemberStatus";

const options = {
  run: { type: "string", demandOption: true, describe: "the Run account's address" },
  member: { type: "string", describe: "the member's wallet address (default: the --keypair wallet's)" },
  json: { type: "boolean", default: false, describe: "print the status as one JSON line" },
} satisfies Record<string, Options>;

export const statusCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> = {
  command: "status",
  describe: "a member's stake, status, receipts committed and accepted per epoch, points and rewards owed",
  builder: (y) => y.options(options),
  handler: (args) => runMemberStatus(args),
};
