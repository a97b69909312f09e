// What every `concord audit` command starts from: the cluster (--url, else Anchor.toml), the run's account checked
// against the recipe it committed to, its coordinator events, and the audit of every receipt against the update
// bytes of a store (a trainer's state dir, or any folder of the same layout): sdk/audit/runAudit.ts.
import type { PublicKey } from "@solana/web3.js";
import { Connection } from "@solana/web3.js";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { MemberAudit } from "../../../sdk/audit/runAudit";
import { auditRun } from "../../../sdk/audit/runAudit";
import type { ChallengeAccount, RunAccount } from "../../../sdk/coordinatorAccounts";
import { decodeChallenge, decodeRun, toBigInt } from "../../../sdk/coordinatorAccounts";
import { planUpdateLayout } from "../../../sdk/demo/compress";
import { ConcordError } from "../../../sdk/errors/concordError";
import * as codes from "../../../sdk/errors/codes";
import type { CommittedUpdate, CoordinatorEvent } from "../../../sdk/roundHistory";
import { acceptedSteps } from "../../../sdk/roundHistory";
import { valueFormatOf } from "../../../sdk/runConfig";
import { checkRecipeAgainstRun, parseRecipe } from "../../../sdk/trainingRecipe";
import { parameterSpecs } from "../../../trainer/model/transformer";
import { runEvents } from "../../../trainer/node/runHistory";
import { UpdateStore } from "../../../trainer/node/updateStore";
import type { ClusterArgs } from "./clusterArgs";
import { rpcUrlOf } from "./clusterArgs";
import { runAddress } from "./runAddress";

export interface AuditArgs extends ClusterArgs {
  run: string;
  recipe: string;
  store: string;
}

export interface AuditContext {
  readonly connection: Connection;
  readonly run: PublicKey;
  /** The coordinator program: the run account's owner. */
  readonly programId: PublicKey;
  readonly state: RunAccount;
  readonly events: CoordinatorEvent[];
  /** A row per member that committed. */
  readonly audits: MemberAudit[];
}

export async function auditContext(args: AuditArgs): Promise<AuditContext> {
  const run = runAddress(args.run);
  const url = await rpcUrlOf(args);
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
  const events = await runEvents(connection, info.owner, run);
  const audits = auditRun({
    run,
    events,
    layout,
    published: (member, step) => {
      const stored = store.get(member, Number(step));
      return stored && { bytes: stored.bytes, metadata: stored.metadata };
    },
  });
  return { connection, run, programId: info.owner, state, events, audits };
}

/** `member`'s receipt at `step` as the chain recorded it; RECEIPT_NOT_ACCEPTED, saying why, unless it was accepted. */
export function acceptedReceipt(ctx: AuditContext, member: PublicKey, step: number): CommittedUpdate {
  if (!Number.isSafeInteger(step) || step < 0) throw new Error(`--step must be a non-negative integer, not ${step}`);
  const accepted = acceptedSteps(ctx.events)
    .find((s) => s.step === BigInt(step))
    ?.updates.find((u) => u.member.equals(member));
  if (accepted) return accepted;
  const committed = ctx.events.some(
    (e) =>
      e.name === "receiptCommitted" &&
      (e.data.member as PublicKey).equals(member) &&
      toBigInt(e.data.step as object) === BigInt(step),
  );
  const reason = committed
    ? "its receipt was not accepted by a witness quorum"
    : ctx.state.members.some((m) => m.key.equals(member))
      ? "it committed no receipt at that step"
      : "it is not a member of the run";
  throw new ConcordError(codes.CONCORD_ERROR__AUDIT__RECEIPT_NOT_ACCEPTED, { member: member.toBase58(), step, reason });
}

/** The challenge account at `address`; null when none was opened there. */
export async function challengeAt(ctx: AuditContext, address: PublicKey): Promise<ChallengeAccount | null> {
  const info = await ctx.connection.getAccountInfo(address, "confirmed");
  return info && decodeChallenge(info.data, address.toBase58());
}

export const challengeStatus = (c: ChallengeAccount) => Object.keys(c.status)[0] as "open" | "confirmed" | "rejected";
