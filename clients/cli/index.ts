// The `concord` command line: one module per command under commands/, each delegating to a service.
import { inspect } from "node:util";
import yargs from "yargs";
import { airdropCommand } from "./commands/airdrop";
import * as codes from "../../sdk/errors/codes";
import { ConcordError } from "../../sdk/errors/concordError";
import { errorLine, errorReport } from "../../sdk/errors/errorReport";
import { auditCommand } from "./commands/audit";
import { claimCommand } from "./commands/claim";
import { crankCommand } from "./commands/crank";
import { demoCommand } from "./commands/demo";
import { dashboardCommand } from "./commands/dashboard";
import { deployCommand } from "./commands/deploy";
import { keygenCommand } from "./commands/keygen";
import { joinCommand } from "./commands/join";
import { leaveCommand } from "./commands/leave";
import { localnetCommand } from "./commands/localnet";
import { prepareDatasetCommand } from "./commands/prepareDataset";
import { relayCommand } from "./commands/relay";
import { runCommand } from "./commands/run";
import { serveCommand } from "./commands/serve";
import { statusCommand } from "./commands/status";
import { trainCommand } from "./commands/train";
import { verifyBuildCommand } from "./commands/verifyBuild";
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
    .command(keygenCommand)
    .command(airdropCommand)
    .command(runCommand)
    .command(joinCommand)
    .command(claimCommand)
    .command(statusCommand)
    .command(prepareDatasetCommand)
    .command(demoCommand)
    .command(verifyBuildCommand)
    .command(dashboardCommand)
    .demandCommand(1, "name a command")
    .strict()
    .fail((message, error) => {
      // Throwing stops yargs from running the command after a usage error; main() reports it, on one line.
      throw (
        error ??
        new ConcordError(codes.CONCORD_ERROR__CLIENT__USAGE, {
          reason: message.replace(/\s*\n\s*/g, " "),
          command: ["concord", ...commandWord(argv, message)].join(" "),
        })
      );
    })
    .help()
    .exitProcess(false); // --help prints and returns: main() resolves to 0, and tests can call it
  try {
    await parser.parseAsync();
    return 0;
  } catch (e) {
    report(e, argv);
    // an error may name its own exit code (the demo stopped by Ctrl-C: 130)
    const exitCode = (e as { exitCode?: unknown } | null | undefined)?.exitCode;
    return typeof exitCode === "number" ? exitCode : 1;
  }
}

/** The command whose --help to read after a usage error: the first word, unless that is what yargs did not know. */
function commandWord(argv: string[], message: string): string[] {
  const unknown = /^Unknown arguments?: (.*)$/.exec(message)?.[1].split(", ") ?? [];
  const first = argv[0];
  return first !== undefined && !first.startsWith("-") && !unknown.includes(first) ? [first] : [];
}

/**
 * One line on stderr: the code and what happened; with --json one JSON line. Only --verbose adds the stack, with the
 * error's context and the chain of causes (what the RPC or the program said).
 */
function report(e: unknown, argv: string[]): void {
  const { code, message } = errorReport(e);
  const stack = argv.includes("--verbose") ? inspect(e, { depth: 4 }) : undefined;
  if (argv.includes("--json")) console.error(JSON.stringify({ error: { code, message, ...(stack && { stack }) } }));
  else {
    console.error(errorLine({ code, message }));
    if (stack) console.error(stack);
  }
}
