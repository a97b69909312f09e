import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runAuditChallenge } from "../lib/auditChallenge";
import { AUDIT_SOURCE_OPTIONS } from "./auditSourceOptions";

/** One receipt of a run, audited from its public record: what `audit challenge` and `audit vote` both take. */
export const receiptOptions = {
  ...AUDIT_SOURCE_OPTIONS,
  member: { type: "string", demandOption: true, describe: "the member whose receipt is disputed" },
  step: { type: "number", demandOption: true, describe: "the step of the disputed receipt" },
  data: {
    type: "string",
    describe:
      "the run's prepared dataset (or a folder to download it into from --server): re-execute the member's updates too",
  },
  "evidence-dir": {
    type: "string",
    demandOption: true,
    describe: "the evidence folder: audit reports as <sha256>.json",
  },
  json: { type: "boolean", default: false, describe: "print the outcome as JSON" },
} satisfies Record<string, Options>;

const challengeOptions = {
  ...receiptOptions,
  evidence: { type: "string", describe: "post this prepared report as is instead of this audit's own findings" },
} satisfies Record<string, Options>;

export const auditChallengeCommand: CommandModule<
  GlobalOptions,
  GlobalOptions & InferredOptionTypes<typeof challengeOptions>
> = {
  command: "challenge",
  describe: "dispute an accepted receipt the audit finds wrong: post the report, open the challenge, lock the bond",
  builder: (y) => y.options(challengeOptions),
  handler: (args) => runAuditChallenge(args),
};
