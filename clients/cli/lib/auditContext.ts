// What the `concord audit` commands that judge receipts start from: the audit's inputs (auditInputs.ts) with the
// cheap checks of every receipt (sdk/audit/runAudit.ts), and the lookups challenges need.
import type { PublicKey } from "@solana/web3.js";
import type { MemberAudit } from "../../../sdk/audit/runAudit";
import { auditRun } from "../../../sdk/audit/runAudit";
import type { ChallengeAccount } from "../../../sdk/coordinatorAccounts";
import { decodeChallenge, toBigInt } from "../../../sdk/coordinatorAccounts";
import { planUpdateLayout } from "../../../sdk/demo/compress";
import { ConcordError } from "../../../sdk/errors/concordError";
import * as codes from "../../../sdk/errors/codes";
import type { CommittedUpdate } from "../../../sdk/roundHistory";
import { acceptedSteps } from "../../../sdk/roundHistory";
import { valueFormatOf } from "../../../sdk/runConfig";
import { parameterSpecs } from "../../../trainer/model/transformer";
import type { AuditInputs, AuditSourceArgs } from "./auditInputs";
import { auditInputs } from "./auditInputs";

export interface AuditContext extends AuditInputs {
  /** A row per member that committed. */
  readonly audits: MemberAudit[];
}

/** The audit's inputs (auditInputs.ts) and the cheap checks of every receipt (sdk/audit/runAudit.ts). */
export async function auditContext(args: AuditSourceArgs): Promise<AuditContext> {
  const inputs = await auditInputs(args);
  const { run, state, recipe, events, published } = inputs;
  const layout = planUpdateLayout(
    parameterSpecs(recipe.model).map((s) => s.shape),
    state.config.demoChunk,
    state.config.demoTopK,
    valueFormatOf(state.config.valueBits),
  );
  return { ...inputs, audits: auditRun({ run, events, layout, published }) };
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
