// `concord audit score`: every receipt of a run scored for usefulness (trainer/audit/runUsefulness.ts) from public
// data — the chain's events, the recipe, update bytes from a store (auditInputs.ts) and the run's dataset, checked
// against its on-chain hash — with a row per member or --json.
import type { MemberUsefulnessRow } from "../../../trainer/audit/runUsefulness";
import { runUsefulness } from "../../../trainer/audit/runUsefulness";
import { selectBackend } from "../../../trainer/backend/selectBackend";
import type { AuditSourceArgs } from "./auditInputs";
import { auditInputs, formatTable } from "./auditInputs";

/** The table a person reads: one row per member, gains and score in nats per token. */
export function usefulnessTable(rows: readonly MemberUsefulnessRow[]): string {
  const header = ["member", "receipts", "scored", "own gain", "other gain", "score", "verdict"];
  const figure = (x: number, scored: number) => (scored ? x.toFixed(4) : "-");
  const lines = rows.map((r) => [
    r.member,
    String(r.committed),
    String(r.receipts),
    figure(r.meanGainOwn, r.receipts),
    figure(r.meanGainOther, r.receipts),
    figure(r.score, r.receipts),
    r.verdict,
  ]);
  return formatTable(header, lines);
}

export async function runAuditScore(args: AuditSourceArgs & { data: string; json: boolean }): Promise<void> {
  const inputs = await auditInputs(args);
  const { state, recipe, events, published } = inputs;
  const dataset = await inputs.dataset(args.data);
  await selectBackend({ log: () => {} });
  const rows = await runUsefulness({
    config: state.config,
    recipe,
    dataset,
    events,
    published: (member, step, hash) => published(member, step, hash)?.bytes ?? null,
  });
  console.log(args.json ? JSON.stringify(rows) : usefulnessTable(rows));
}
