import type { CommandModule } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runCheckpointCommand } from "./runCheckpoint";
import { runFinishCommand, runPauseCommand, runResumeCommand } from "./runControl";
import { runCreateCommand } from "./runCreate";
import { runFundCommand } from "./runFund";
import { runStatusCommand } from "./runStatus";
import { runUpdateCommand } from "./runUpdate";

export const runCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: "run",
  describe: "the run creator's commands: create a run from a config file, follow it, change it",
  builder: (y) =>
    y
      .command(runCreateCommand)
      .command(runStatusCommand)
      .command(runUpdateCommand)
      .command(runFundCommand)
      .command(runPauseCommand)
      .command(runResumeCommand)
      .command(runFinishCommand)
      .command(runCheckpointCommand)
      .demandCommand(1, "name a run command: create, status, update, fund, pause, resume, finish or checkpoint"),
  handler: () => {},
};
