import type { CommandModule, InferredOptionTypes } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runAuditVote } from "../lib/auditVote";
import { receiptOptions } from "./auditChallenge";

export const auditVoteCommand: CommandModule<
  GlobalOptions,
  GlobalOptions & InferredOptionTypes<typeof receiptOptions>
> = {
  command: "vote",
  describe: "re-check a challenge's evidence with this audit and vote: confirm if a finding reproduces, else reject",
  builder: (y) => y.options(receiptOptions),
  handler: (args) => runAuditVote(args),
};
