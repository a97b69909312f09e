import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runCheckpoint } from "../lib/runCheckpoint";

const options = {
  run: { type: "string", demandOption: true, describe: "the Run account's address" },
  hash: { type: "string", demandOption: true, describe: "the checkpoint's sha256 (64 hex digits)" },
  uri: { type: "string", demandOption: true, describe: "where new members fetch it (1-127 bytes)" },
  epoch: { type: "number", describe: "the epoch it is the state after (default: the run's current epoch)" },
  json: { type: "boolean", default: false, describe: "print the recorded checkpoint as one JSON line" },
} satisfies Record<string, Options>;

export const runCheckpointCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> = {
  command: "checkpoint",
  describe: "record a checkpoint by hand (concord serve --checkpoints records each epoch's); the authority only",
  builder: (y) => y.options(options),
  handler: (args) => runCheckpoint(args),
};
