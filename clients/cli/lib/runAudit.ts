// `concord audit verify`: a run's contributions checked from public data alone (auditInputs.ts) for integrity, copies,
// stale re-sends, norm outliers and parameter sync, with a table per member or --json (sdk/audit/runAudit.ts).
import type { MemberAudit } from "../../../sdk/audit/runAudit";
import type { AuditSourceArgs } from "./auditInputs";
import { formatTable } from "./auditInputs";
import { auditContext } from "./auditContext";

/** The table a person reads: one row per member. */
export function auditTable(rows: readonly MemberAudit[]): string {
  const header = [
    "member",
    "receipts",
    "accepted",
    "no bytes",
    "integrity",
    "stale",
    "copies",
    "norm",
    "sync",
    "verdict",
  ];
  const lines = rows.map((r) => [
    r.member,
    String(r.receipts),
    String(r.accepted),
    String(r.unavailable.length),
    r.integrityFailures.length ? `${r.integrityFailures.length} failed` : "ok",
    String(r.copies.filter((c) => c.kind === "stale").length),
    String(r.copies.filter((c) => c.kind === "copy").length),
    String(r.normOutliers.length),
    r.outOfSync.length ? `${r.outOfSync.length} off` : "ok",
    r.verdict,
  ]);
  return formatTable(header, lines);
}

export async function runAuditVerify(args: AuditSourceArgs & { json: boolean }): Promise<void> {
  const { audits } = await auditContext(args);
  console.log(args.json ? JSON.stringify(audits) : auditTable(audits));
}
