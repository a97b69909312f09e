import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runAuditVerify } from "../lib/runAudit";
import { auditScoreCommand } from "./auditScore";

const verifyOptions = {
  run: { type: "string", demandOption: true, describe: "the Run account's address" },
  recipe: { type: "string", demandOption: true, describe: "the run's training recipe (JSON; its sha256 is on-chain)" },
  store: { type: "string", demandOption: true, describe: "where the update bytes are: a trainer's --state-dir" },
  json: { type: "boolean", default: false, describe: "print the verdicts as JSON" },
} satisfies Record<string, Options>;

const verifyCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof verifyOptions>> = {
  command: "verify",
  describe: "check every receipt of a run: integrity, stale and copied updates, parameter sync; a row per member",
  builder: (y) => y.options(verifyOptions),
  handler: (args) => runAuditVerify(args),
};

export const auditCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: "audit <command>",
  describe: "audit a run's contributions from public data",
  builder: (y) => y.command(verifyCommand).command(auditScoreCommand).demandCommand(1, "name an audit command"),
  handler: () => {},
};
