import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import { DEFAULT_RPC_PORT } from "../../../coordinator/localnet/localnet";
import type { GlobalOptions } from "../globalOptions";
import { runDemo } from "../lib/runDemo";

const options = {
  port: {
    type: "number",
    default: DEFAULT_RPC_PORT,
    describe: "JSON-RPC port of the local chain; websockets on port + 1, members on port + 11 .. (0: free ports)",
  },
  members: { type: "number", default: 3, describe: "trainer processes (1..16)" },
  rounds: { type: "number", default: 24, describe: "training rounds of the demo run (1..64)" },
  text: { type: "string", describe: "train on this text file (character tokenizer) instead of the default corpus" },
  exit: { type: "boolean", default: false, describe: "stop when the run finishes instead of serving on" },
  latency: {
    choices: ["instant", "cluster"] as const,
    default: "instant" as const,
    describe: "the local chain's confirmation times: instant, or a real cluster's (400 ms slots)",
  },
} satisfies Record<string, Options>;

export const demoCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> = {
  command: "demo",
  describe: "the demo network (npm start): a local chain, a crank and trainer processes training a run to the end",
  builder: (y) => y.options(options),
  handler: (args) => runDemo(args),
};
