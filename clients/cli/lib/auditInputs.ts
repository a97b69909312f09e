// What every `concord audit` command reads first, from public data alone: the run's account and coordinator events
// from the cluster (an archival RPC node on a public one), the recipe the run committed to (checked against it), and
// the update bytes and metadata members published, from a store (a trainer's state dir, or any folder of its layout).
import type { PublicKey } from "@solana/web3.js";
import { Connection } from "@solana/web3.js";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { PublishedUpdate } from "../../../sdk/audit/runAudit";
import type { RunAccount } from "../../../sdk/coordinatorAccounts";
import { decodeRun } from "../../../sdk/coordinatorAccounts";
import { ConcordError } from "../../../sdk/errors/concordError";
import * as codes from "../../../sdk/errors/codes";
import type { CoordinatorEvent } from "../../../sdk/roundHistory";
import type { TrainingRecipe } from "../../../sdk/trainingRecipe";
import { checkRecipeAgainstRun, parseRecipe } from "../../../sdk/trainingRecipe";
import { runEvents } from "../../../trainer/node/runHistory";
import { UpdateStore } from "../../../trainer/node/updateStore";
import { clusterUrl, readAnchorToml } from "./anchorToml";
import { runAddress } from "./runAddress";

export interface AuditSourceArgs {
  config?: string;
  url?: string;
  run: string;
  recipe: string;
  store: string;
}

export interface AuditInputs {
  readonly run: PublicKey;
  readonly state: RunAccount;
  readonly recipe: TrainingRecipe;
  /** The run's coordinator events, oldest first. */
  readonly events: CoordinatorEvent[];
  /** What the member published for its receipt of a step, from the store; null when the store lacks it. */
  readonly published: (member: PublicKey, step: bigint) => PublishedUpdate | null;
}

/** Reads and checks an audit's inputs; bad input throws an error that says which option is wrong. */
export async function auditInputs(args: AuditSourceArgs): Promise<AuditInputs> {
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
  const store = UpdateStore.open(storeDir);
  return {
    run,
    state,
    recipe,
    events: await runEvents(connection, info.owner, run),
    published: (member, step) => {
      const stored = store.get(member, Number(step));
      return stored && { bytes: stored.bytes, metadata: stored.metadata };
    },
  };
}

/** Rows of cells as a table a person reads: columns padded to their widest cell, two spaces apart. */
export function formatTable(header: readonly string[], lines: readonly (readonly string[])[]): string {
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
