// The `concord` command line: one module per command under commands/, each delegating to a service.
import yargs from "yargs";
import { auditCommand } from "./commands/audit";
import { crankCommand } from "./commands/crank";
import { dashboardCommand } from "./commands/dashboard";
import { deployCommand } from "./commands/deploy";
import { leaveCommand } from "./commands/leave";
import { localnetCommand } from "./commands/localnet";
import { relayCommand } from "./commands/relay";
import { serveCommand } from "./commands/serve";
import { trainCommand } from "./commands/train";
import { withdrawCommand } from "./commands/withdraw";
import { GLOBAL_OPTIONS } from "./globalOptions";

/** Runs the CLI; exported so tests drive it in-process. Resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const parser = yargs(argv)
    .scriptName("concord")
    .usage("$0 <command> [options]")
    .options(GLOBAL_OPTIONS)
    .command(localnetCommand)
    .command(deployCommand)
    .command(trainCommand)
    .command(crankCommand)
    .command(auditCommand)
    .command(serveCommand)
    .command(leaveCommand)
    .command(withdrawCommand)
    .command(relayCommand)
    .command(dashboardCommand)
    .demandCommand(1, "name a command")
    .strict()
    .fail((message, error, y) => {
      // Throwing stops yargs from running the command after a usage error; main() reports it, on one line.
      if (!error) y.showHelp();
      throw error ?? new Error(message.replace(/\s*\n\s*/g, " "));
    })
    .help()
    .exitProcess(false); // --help prints and returns: main() resolves to 0, and tests can call it
  try {
    await parser.parseAsync();
    return 0;
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    return 1;
  }
}
