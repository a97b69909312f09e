// What every `concord audit` command reads: the run's account from the cluster (an archival RPC node on a public one,
// for its events), the recipe the run committed to (checked against it), and a store of update bytes (a trainer's
// state dir, or any folder of the same layout). Bad input fails on one line before any work.
import type { PublicKey } from "@solana/web3.js";
import { Connection } from "@solana/web3.js";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { RunAccount } from "../../../sdk/coordinatorAccounts";
import { decodeRun } from "../../../sdk/coordinatorAccounts";
import { ConcordError } from "../../../sdk/errors/concordError";
import * as codes from "../../../sdk/errors/codes";
import type { TrainingRecipe } from "../../../sdk/trainingRecipe";
import { checkRecipeAgainstRun, parseRecipe } from "../../../sdk/trainingRecipe";
import { UpdateStore } from "../../../trainer/node/updateStore";
import { clusterUrl, readAnchorToml } from "./anchorToml";
import { runAddress } from "./runAddress";

export interface AuditArguments {
  config?: string;
  url?: string;
  run: string;
  recipe: string;
  store: string;
}

export interface AuditInputs {
  readonly run: PublicKey;
  readonly connection: Connection;
  /** The program that owns the run: its events are the record. */
  readonly programId: PublicKey;
  readonly state: RunAccount;
  readonly recipe: TrainingRecipe;
  readonly store: UpdateStore;
}

export async function auditInputs(args: AuditArguments): Promise<AuditInputs> {
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
  return { run, connection, programId: info.owner, state, recipe, store: UpdateStore.open(storeDir) };
}

/** A table a person reads: a header row, then one row per entry, columns padded to their widest cell. */
export function textTable(header: readonly string[], lines: readonly (readonly string[])[]): string {
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
