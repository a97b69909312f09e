// `concord audit verify`: a run's contributions checked from public data alone — the coordinator's events, the recipe
// the run committed to and update bytes from a store (clients/cli/lib/auditInputs.ts) — with a table per member or
// --json (sdk/audit/runAudit.ts).
import type { MemberAudit } from "../../../sdk/audit/runAudit";
import { auditRun } from "../../../sdk/audit/runAudit";
import { planUpdateLayout } from "../../../sdk/demo/compress";
import { valueFormatOf } from "../../../sdk/runConfig";
import { parameterSpecs } from "../../../trainer/model/transformer";
import { runEvents } from "../../../trainer/node/runHistory";
import type { AuditArguments } from "./auditInputs";
import { auditInputs, textTable } from "./auditInputs";

/** The table a person reads: one row per member. */
export function auditTable(rows: readonly MemberAudit[]): string {
  const header = ["member", "receipts", "accepted", "no bytes", "integrity", "stale", "copies", "sync", "verdict"];
  const lines = rows.map((r) => [
    r.member,
    String(r.receipts),
    String(r.accepted),
    String(r.unavailable.length),
    r.integrityFailures.length ? `${r.integrityFailures.length} failed` : "ok",
    String(r.copies.filter((c) => c.kind === "stale").length),
    String(r.copies.filter((c) => c.kind === "copy").length),
    r.outOfSync.length ? `${r.outOfSync.length} off` : "ok",
    r.verdict,
  ]);
  return textTable(header, lines);
}

export async function runAuditVerify(args: AuditArguments & { json: boolean }): Promise<void> {
  const { run, connection, programId, state, recipe, store } = await auditInputs(args);
  const layout = planUpdateLayout(
    parameterSpecs(recipe.model).map((s) => s.shape),
    state.config.demoChunk,
    state.config.demoTopK,
    valueFormatOf(state.config.valueBits),
  );
  const rows = auditRun({
    run,
    events: await runEvents(connection, programId, run),
    layout,
    published: (member, step) => {
      const stored = store.get(member, Number(step));
      return stored && { bytes: stored.bytes, metadata: stored.metadata };
    },
  });
  console.log(args.json ? JSON.stringify(rows) : auditTable(rows));
}
