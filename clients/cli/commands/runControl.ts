import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import type { RunControl } from "../lib/runControl";
import { runControl } from "../lib/runControl";

const options = {
  run: { type: "string", demandOption: true, describe: "the Run account's address" },
  json: { type: "boolean", default: false, describe: "print the run's state after it as one JSON line" },
} satisfies Record<string, Options>;

type Command = CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>>;

const controlCommand = (action: RunControl, describe: string): Command => ({
  command: action,
  describe,
  builder: (y) => y.options(options),
  handler: (args) => runControl(action, args),
});

export const runPauseCommand = controlCommand(
  "pause",
  "halt the run (during a round, when the round closes); the authority only",
);
export const runResumeCommand = controlCommand(
  "resume",
  "restart a paused run (it waits for members), or cancel a pending pause",
);
export const runFinishCommand = controlCommand("finish", "end the run for good; claims stay open");
