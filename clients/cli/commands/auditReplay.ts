import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runAuditReplay } from "../lib/auditReplay";
import { AUDIT_SOURCE_OPTIONS } from "./auditSourceOptions";

const options = {
  ...AUDIT_SOURCE_OPTIONS,
  data: {
    type: "string",
    demandOption: true,
    describe: "the run's prepared dataset folder (its hash is on-chain), or a folder to download it into from --server",
  },
  member: { type: "string", describe: "re-execute only this member's updates (its address)" },
  json: { type: "boolean", default: false, describe: "print the results, step by step, as JSON" },
} satisfies Record<string, Options>;

export const auditReplayCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> = {
  command: "replay",
  describe: "train every committed update of a run again from public data and compare it with its receipt",
  builder: (y) => y.options(options),
  handler: (args) => runAuditReplay(args),
};
