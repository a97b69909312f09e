// What every `concord audit` command reads first, from public data alone: the run's account and coordinator events
// from the cluster (an archival RPC node on a public one), the recipe the run committed to (checked against it), and
// the update bytes and metadata members published, from stores (trainers' state dirs, or any folder of their layout).
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
import type { ClusterArgs } from "./clusterArgs";
import { rpcUrlOf } from "./clusterArgs";
import { runAddress } from "./runAddress";

export interface AuditSourceArgs extends ClusterArgs {
  run: string;
  recipe: string;
  /** One or more stores, searched in order. */
  store: string | string[];
}

export interface AuditInputs {
  readonly connection: Connection;
  readonly run: PublicKey;
  /** The coordinator program: the run account's owner. */
  readonly programId: PublicKey;
  readonly state: RunAccount;
  readonly recipe: TrainingRecipe;
  /** The run's coordinator events, oldest first. */
  readonly events: CoordinatorEvent[];
  /**
   * What the member published for its receipt of a step: from the first store holding bytes with the receipt's hash,
   * else the first holding any (whose integrity check then fails); null when no store has it.
   */
  readonly published: (member: PublicKey, step: bigint, hash: Uint8Array) => PublishedUpdate | null;
}

/** Reads and checks an audit's inputs; bad input throws an error that says which option is wrong. */
export async function auditInputs(args: AuditSourceArgs): Promise<AuditInputs> {
  const run = runAddress(args.run);
  const url = await rpcUrlOf(args);
  const recipePath = resolve(args.recipe);
  if (!existsSync(recipePath)) throw new Error(`recipe ${recipePath} not found`);
  const recipe = parseRecipe(readFileSync(recipePath, "utf8"));
  const stores = [args.store].flat().map((dir) => {
    // a trainer's state dir holds its store in updates/; a folder of update files is a store itself
    const storeDir = existsSync(join(resolve(dir), "updates")) ? join(resolve(dir), "updates") : resolve(dir);
    if (!existsSync(storeDir))
      throw new Error(`store ${storeDir} not found (pass a trainer's --state-dir or its updates/)`);
    return UpdateStore.open(storeDir);
  });

  const connection = new Connection(url, "confirmed");
  const info = await connection.getAccountInfo(run, "confirmed");
  if (!info) throw new ConcordError(codes.CONCORD_ERROR__CLIENT__ACCOUNT_NOT_FOUND, { address: run.toBase58() });
  const state = decodeRun(info.data, run.toBase58());
  checkRecipeAgainstRun(recipe, state.config);
  return {
    connection,
    run,
    programId: info.owner,
    state,
    recipe,
    events: await runEvents(connection, info.owner, run),
    published: (member, step, hash) => {
      const held = stores.map((s) => s.get(member, Number(step))).filter((u) => u !== null);
      const stored = held.find((u) => Buffer.from(u.hash).equals(Buffer.from(hash))) ?? held[0];
      return stored ? { bytes: stored.bytes, metadata: stored.metadata } : null;
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
