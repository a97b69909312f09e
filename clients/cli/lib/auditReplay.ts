// `concord audit replay`: every committed update of a run (or of one member) trained again from public data alone
// (auditInputs.ts, and the run's dataset) and compared with its receipt (trainer/audit/reexecution.ts), on this
// machine's compute; a table per member or --json.
import type { MemberReexecution } from "../../../trainer/audit/reexecution";
import { reexecuteRun } from "../../../trainer/audit/reexecution";
import { computeDescriptor, selectBackend } from "../../../trainer/backend/selectBackend";
import type { AuditSourceArgs } from "./auditInputs";
import { auditInputs, formatTable } from "./auditInputs";
import { runAddress } from "./runAddress";

/** The table a person reads: one row per member. */
export function replayTable(rows: readonly MemberReexecution[]): string {
  const header = ["member", "receipts", "re-executed", "first mismatch", "verdict"];
  const lines = rows.map((r) => [
    r.member,
    String(r.receipts),
    `${r.matched}/${r.reexecuted} matched`,
    r.firstMismatch === null ? "-" : `step ${r.firstMismatch}`,
    r.verdict,
  ]);
  return formatTable(header, lines);
}

export async function runAuditReplay(
  args: AuditSourceArgs & { data: string; member?: string; json: boolean },
): Promise<void> {
  const member = args.member === undefined ? undefined : runAddress(args.member, "--member").toBase58();
  const inputs = await auditInputs(args);
  const { run, state, recipe, events, published } = inputs;
  const dataset = await inputs.dataset(args.data);
  // the backend's line goes to stderr, so --json output stays one JSON document
  const compute = computeDescriptor(await selectBackend({ log: (line) => process.stderr.write(`${line}\n`) }));
  const rows = await reexecuteRun({
    run,
    config: state.config,
    recipe,
    dataset,
    events,
    published,
    compute,
    members: member === undefined ? undefined : [member],
  });
  console.log(args.json ? JSON.stringify(rows) : replayTable(rows));
}
