import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runServe } from "../lib/runServe";
import { METRICS_OPTIONS } from "./metricsOptions";

const options = {
  dir: {
    type: "string",
    demandOption: true,
    describe: "folder of blobs, each named by its sha256 (created if absent)",
  },
  dataset: {
    type: "string",
    array: true,
    describe:
      "a prepared dataset folder to add first: its manifest under the dataset hash, each shard under its sha256",
  },
  host: { type: "string", default: "127.0.0.1", describe: "address to listen on" },
  port: { type: "number", default: 0, describe: "port to listen on (0: any free port, printed at start)" },
  "accept-uploads": {
    type: "boolean",
    default: false,
    describe: "accept PUT /blob/<sha256> (stored only when the bytes hash to the name)",
  },
  "max-upload-mib": { type: "number", default: 64, describe: "largest upload accepted, in MiB" },
  checkpoints: {
    type: "string",
    describe: "as the run's authority (--keypair), publish this run's checkpoint at each epoch's Cooldown",
  },
  recipe: {
    type: "string",
    describe:
      "the run's training recipe (JSON): served under its sha256, the run's model_hash, so trainers and auditors need no copy; the publisher's with --checkpoints",
  },
  data: { type: "string", describe: "with --checkpoints: the run's prepared dataset folder" },
  "public-url": {
    type: "string",
    describe: "with --checkpoints: the URL members reach this server at, recorded on-chain (default: the bound one)",
  },
  ...METRICS_OPTIONS,
} satisfies Record<string, Options>;

export const serveCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> = {
  command: "serve",
  describe: "serve data and checkpoints by content hash: GET /blob/<sha256>, with ranges and ETags",
  builder: (y) => y.options(options),
  handler: (args) => runServe(args),
};
