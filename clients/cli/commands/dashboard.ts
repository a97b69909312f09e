import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runDashboard } from "../lib/runDashboard";

const options = {
  run: { type: "string", demandOption: true, describe: "the run account's address" },
  port: { type: "number", default: 0, describe: "port to listen on (0: any free port, printed at start)" },
  host: {
    type: "string",
    default: "127.0.0.1",
    describe: "address to listen on (the page is read-only; other hosts reach it only if told so)",
  },
} satisfies Record<string, Options>;

export const dashboardCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> = {
  command: "dashboard",
  describe:
    "serve a live page of a run (state, members, receipts, points, challenges, loss and bytes), read from --rpc by the browser",
  builder: (y) => y.options(options),
  handler: (args) => runDashboard(args),
};
