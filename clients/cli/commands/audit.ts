import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runAuditVerify } from "../lib/runAudit";
import { auditChallengeCommand } from "./auditChallenge";
import { auditVoteCommand } from "./auditVote";
import { auditReplayCommand } from "./auditReplay";
import { AUDIT_SOURCE_OPTIONS } from "./auditSourceOptions";
import { auditScoreCommand } from "./auditScore";

const verifyOptions = {
  ...AUDIT_SOURCE_OPTIONS,
  data: {
    type: "string",
    describe:
      "the run's prepared dataset (or a folder to download it into from --server): also score usefulness and re-execute every update",
  },
  json: { type: "boolean", default: false, describe: "print the verdicts as JSON" },
} satisfies Record<string, Options>;

const verifyCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof verifyOptions>> = {
  command: "verify",
  describe:
    "check every receipt of a run: integrity, stale and copied updates, norm, parameter sync (with --data: usefulness " +
    "and re-execution); a row per member",
  builder: (y) => y.options(verifyOptions),
  handler: (args) => runAuditVerify(args),
};

export const auditCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: "audit",
  describe: "audit a run's contributions from public data",
  builder: (y) =>
    y
      .command(verifyCommand)
      .command(auditScoreCommand)
      .command(auditReplayCommand)
      .command(auditChallengeCommand)
      .command(auditVoteCommand)
      .demandCommand(1, "name an audit command: verify, score, replay, challenge or vote"),
  handler: () => {},
};
