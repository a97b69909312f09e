// `concord audit verify`: a run's contributions checked from public data alone — the coordinator's events from the
// cluster (an archival RPC node on a public one), the recipe the run committed to, and update bytes from a store (a
// trainer's state dir, or any folder of the same layout) — with a table per member or --json (sdk/audit/runAudit.ts).
import type { MemberAudit } from "../../../sdk/audit/runAudit";
import type { AuditArgs } from "./auditContext";
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
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  return [header, ...lines]
    .map((l) =>
      l
        .map((c, i) => c.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export async function runAuditVerify(args: AuditArgs & { json: boolean }): Promise<void> {
  const { audits } = await auditContext(args);
  console.log(args.json ? JSON.stringify(audits) : auditTable(audits));
}
