import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runRelay } from "../lib/runRelay";
import { METRICS_OPTIONS } from "./metricsOptions";

const options = {
  port: { type: "number", demandOption: true, describe: "port to listen on (0: any free port, printed at start)" },
  host: { type: "string", default: "127.0.0.1", describe: "address to listen on" },
  run: {
    type: "string",
    describe: "serve this run only, and only its on-chain members (read from --url, default Anchor.toml's cluster)",
  },
  ...METRICS_OPTIONS,
} satisfies Record<string, Options>;

export const relayCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> = {
  command: "relay",
  describe:
    "forward signed peer messages to members that accept no inbound connections (stateless; they advertise ws://HOST:PORT/relay)",
  builder: (y) => y.options(options),
  handler: (args) => runRelay(args),
};
