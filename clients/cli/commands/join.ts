import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runJoin } from "../lib/runJoin";

const options = {
  run: { type: "string", demandOption: true, describe: "the Run account's address" },
  stake: {
    type: "number",
    describe: "SOL to stake: a first join's stake (default: the run's min_stake), else added to the member's stake",
  },
  endpoint: {
    type: "string",
    describe: "ws://HOST:PORT peers dial (a first join needs it; concord train moves it to its own when it starts)",
  },
  json: { type: "boolean", default: false, describe: "print the member's slot, stake and endpoint as one JSON line" },
} satisfies Record<string, Options>;

export const joinCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> = {
  command: "join",
  aliases: ["stake"],
  describe: "join a run with stake without training (e.g. to stake ahead), or add stake; concord train joins by itself",
  builder: (y) => y.options(options),
  handler: (args) => runJoin(args),
};
