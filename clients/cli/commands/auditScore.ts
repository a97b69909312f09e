import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runAuditScore } from "../lib/runAuditScore";
import { AUDIT_SOURCE_OPTIONS } from "./auditSourceOptions";

const scoreOptions = {
  ...AUDIT_SOURCE_OPTIONS,
  data: {
    type: "string",
    demandOption: true,
    describe: "the run's prepared dataset (its hash is on-chain), or a folder to download it into from --server",
  },
  json: { type: "boolean", default: false, describe: "print the scores as JSON" },
} satisfies Record<string, Options>;

export const auditScoreCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof scoreOptions>> =
  {
    command: "score",
    describe:
      "score every receipt's usefulness: its update's loss gain on its own rows against unassigned rows; a row per member",
    builder: (y) => y.options(scoreOptions),
    handler: (args) => runAuditScore(args),
  };
