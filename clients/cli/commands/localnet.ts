import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import { LATENCIES } from "../../../coordinator/localnet/latency";
import { DEFAULT_RPC_PORT } from "../../../coordinator/localnet/localnet";
import type { GlobalOptions } from "../globalOptions";
import { runLocalnet } from "../lib/runLocalnet";

const options = {
  port: { type: "number", default: DEFAULT_RPC_PORT, describe: "JSON-RPC HTTP port; websockets use port + 1" },
  host: { type: "string", default: "127.0.0.1", describe: "address to listen on" },
  "state-dir": { type: "string", default: ".concord/localnet", describe: "where the chain is saved between runs" },
  reset: { type: "boolean", default: false, describe: "discard the saved chain and start from genesis" },
  latency: {
    choices: LATENCIES,
    default: "instant" as const,
    describe:
      "instant: transactions land and notify as they arrive; cluster: as on a real cluster, they land at the next " +
      "400 ms slot and are confirmed (and notified) one slot later",
  },
} satisfies Record<string, Options>;

export const localnetCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> = {
  command: "localnet",
  describe: "run the embedded local chain (the coordinator program deployed, a funded faucet)",
  builder: (y) => y.options(options),
  handler: (args) => runLocalnet(args),
};
