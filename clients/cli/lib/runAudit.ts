// `concord audit verify`: a run's contributions checked from public data alone — the coordinator's events from the
// cluster (an archival RPC node on a public one), the recipe the run committed to, and update bytes from a store (a
// trainer's state dir, or any folder of the same layout) — with a table per member or --json (sdk/audit/runAudit.ts).
import { Connection } from "@solana/web3.js";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { MemberAudit } from "../../../sdk/audit/runAudit";
import { auditRun } from "../../../sdk/audit/runAudit";
import { decodeRun } from "../../../sdk/coordinatorAccounts";
import { planUpdateLayout } from "../../../sdk/demo/compress";
import { ConcordError } from "../../../sdk/errors/concordError";
import * as codes from "../../../sdk/errors/codes";
import { valueFormatOf } from "../../../sdk/runConfig";
import { checkRecipeAgainstRun, parseRecipe } from "../../../sdk/trainingRecipe";
import { parameterSpecs } from "../../../trainer/model/transformer";
import { runEvents } from "../../../trainer/node/runHistory";
import { UpdateStore } from "../../../trainer/node/updateStore";
import { clusterUrl, readAnchorToml } from "./anchorToml";
import { runAddress } from "./runAddress";

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

export async function runAuditVerify(args: {
  config?: string;
  url?: string;
  run: string;
  recipe: string;
  store: string;
  json: boolean;
}): Promise<void> {
  const run = runAddress(args.run);
  const url = args.url ? clusterUrl(args.url) : (await readAnchorToml(args.config && resolve(args.config))).rpcUrl;
  const recipePath = resolve(args.recipe);
  if (!existsSync(recipePath)) throw new Error(`recipe ${recipePath} not found`);
  const recipe = parseRecipe(readFileSync(recipePath, "utf8"));
  // a trainer's state dir holds its store in updates/; a folder of update files is a store itself
  const storeDir = existsSync(join(resolve(args.store), "updates"))
    ? join(resolve(args.store), "updates")
    : resolve(args.store);
  if (!existsSync(storeDir))
    throw new Error(`store ${storeDir} not found (pass a trainer's --state-dir or its updates/)`);

  const connection = new Connection(url, "confirmed");
  const info = await connection.getAccountInfo(run, "confirmed");
  if (!info) throw new ConcordError(codes.CONCORD_ERROR__CLIENT__ACCOUNT_NOT_FOUND, { address: run.toBase58() });
  const state = decodeRun(info.data, run.toBase58());
  checkRecipeAgainstRun(recipe, state.config);
  const layout = planUpdateLayout(
    parameterSpecs(recipe.model).map((s) => s.shape),
    state.config.demoChunk,
    state.config.demoTopK,
    valueFormatOf(state.config.valueBits),
  );
  const store = UpdateStore.open(storeDir);
  const rows = auditRun({
    run,
    events: await runEvents(connection, info.owner, run),
    layout,
    published: (member, step) => {
      const stored = store.get(member, Number(step));
      return stored && { bytes: stored.bytes, metadata: stored.metadata };
    },
  });
  console.log(args.json ? JSON.stringify(rows) : auditTable(rows));
}
