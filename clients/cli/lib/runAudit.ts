// `concord audit verify`: a run's contributions checked from public data alone (auditInputs.ts) for integrity, copies,
// stale re-sends, norm outliers and parameter sync (sdk/audit/runAudit.ts); with --data also scored for usefulness
// and re-executed (trainer/audit/), so one table per member holds every verdict; or --json.
import type { MemberAudit } from "../../../sdk/audit/runAudit";
import type { MemberReexecution } from "../../../trainer/audit/reexecution";
import { reexecuteRun } from "../../../trainer/audit/reexecution";
import type { MemberUsefulnessRow } from "../../../trainer/audit/runUsefulness";
import { runUsefulness } from "../../../trainer/audit/runUsefulness";
import { computeDescriptor, selectBackend } from "../../../trainer/backend/selectBackend";
import { auditContext } from "./auditContext";
import type { AuditSourceArgs } from "./auditInputs";
import { formatTable } from "./auditInputs";

/** A member's verdicts: the cheap checks', and with the dataset its usefulness and re-execution. */
export interface MemberVerdict extends Omit<MemberAudit, "verdict"> {
  readonly usefulness: Pick<MemberUsefulnessRow, "score" | "verdict"> | null;
  readonly reexecution: Pick<MemberReexecution, "reexecuted" | "matched" | "firstMismatch" | "verdict"> | null;
  /** flagged when a check flags it; a low usefulness score only when re-execution did not match every update. */
  readonly verdict: "ok" | "flagged";
}

/** The table a person reads: one row per member. */
export function auditTable(rows: readonly MemberVerdict[]): string {
  const full = rows.some((r) => r.usefulness || r.reexecution);
  const header = ["member", "receipts", "accepted", "no bytes", "integrity", "stale", "copies", "norm", "sync"];
  if (full) header.push("useful", "re-executed");
  header.push("verdict");
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
    ...(full
      ? [
          r.usefulness ? `${r.usefulness.score.toFixed(2)} ${r.usefulness.verdict}` : "-",
          r.reexecution
            ? `${r.reexecution.matched}/${r.reexecution.reexecuted}` +
              (r.reexecution.firstMismatch === null ? "" : ` (step ${r.reexecution.firstMismatch} differs)`)
            : "-",
        ]
      : []),
    r.verdict,
  ]);
  return formatTable(header, lines);
}

export async function runAuditVerify(args: AuditSourceArgs & { data?: string; json: boolean }): Promise<void> {
  const ctx = await auditContext(args);
  const dataset = args.data === undefined ? null : await ctx.dataset(args.data);
  let scores: MemberUsefulnessRow[] = [];
  let replays: MemberReexecution[] = [];
  if (dataset) {
    // the backend's line goes to stderr, so --json output stays one JSON document
    const compute = computeDescriptor(await selectBackend({ log: (line) => process.stderr.write(`${line}\n`) }));
    const { state, recipe, events, published } = ctx;
    scores = await runUsefulness({
      config: state.config,
      recipe,
      dataset,
      events,
      published: (member, step, hash) => published(member, step, hash)?.bytes ?? null,
    });
    replays = await reexecuteRun({ run: ctx.run, config: state.config, recipe, dataset, events, published, compute });
  }
  const rows: MemberVerdict[] = ctx.audits.map((a) => {
    const u = scores.find((s) => s.member === a.member);
    const x = replays.find((s) => s.member === a.member);
    const usefulness = u ? { score: u.score, verdict: u.verdict } : null;
    const reexecution = x
      ? { reexecuted: x.reexecuted, matched: x.matched, firstMismatch: x.firstMismatch, verdict: x.verdict }
      : null;
    // usefulness is statistical: it decides only where re-execution could not settle every update exactly
    const flagged =
      a.verdict === "flagged" || x?.verdict === "flagged" || (u?.verdict === "flagged" && x?.verdict !== "ok");
    return { ...a, usefulness, reexecution, verdict: flagged ? "flagged" : "ok" };
  });
  console.log(args.json ? JSON.stringify(rows) : auditTable(rows));
}
