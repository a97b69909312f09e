// A run's audit from its public record: every receipt the coordinator's events name, the bytes and metadata its
// member published (from any store: a node's state dir, a data server, peers), checked for integrity, copies and
// stale re-sends (in the chain's commit order, so the first committer is never blamed), norm outliers (by the
// witnesses' own bound) and the witnesses' parameter hashes for sync. Pure: the caller fetches events and bytes.
// Usefulness and re-execution need the model and are the trainer's side of an audit (trainer/audit/).
import type { PublicKey } from "@solana/web3.js";
import type { UpdateLayout } from "../codec/updateCodec";
import { toBigInt } from "../coordinatorAccounts";
import type { CoordinatorEvent } from "../roundHistory";
import { acceptedSteps, committedUpdates } from "../roundHistory";
import type { Contribution, CopyFinding } from "./copyDetection";
import { copyFindings } from "./copyDetection";
import { checkIntegrity } from "./integrity";
import { normOutliers, updateNorm } from "./normBound";
import { parameterSync } from "./parameterSync";

export interface PublishedUpdate {
  readonly bytes: Uint8Array;
  readonly metadata: Uint8Array;
}

export interface MemberAudit {
  readonly member: string;
  readonly receipts: number;
  readonly accepted: number;
  /** Steps whose bytes no source had: unverified, not a fault of the member by itself. */
  readonly unavailable: number[];
  readonly integrityFailures: { readonly step: number; readonly reason: string }[];
  /** Its receipts that repeat an earlier one (its own: stale; another member's: copy). */
  readonly copies: CopyFinding[];
  /** Steps at which its update's norm was beyond the bound the witnesses apply (sdk/audit/normBound.ts). */
  readonly normOutliers: number[];
  /** Steps at which the parameter hash it reported as a witness was not the one most witnesses reported. */
  readonly outOfSync: number[];
  readonly verdict: "ok" | "flagged";
}

export function auditRun(input: {
  readonly run: PublicKey;
  /** The run's coordinator events, oldest first (the chain's order). */
  readonly events: readonly CoordinatorEvent[];
  readonly layout: UpdateLayout;
  readonly published: (member: PublicKey, step: bigint, hash: Uint8Array) => PublishedUpdate | null;
}): MemberAudit[] {
  // in the chain's order: a commit's index is its place in the commit order
  const commits = committedUpdates(input.events);
  const witnessHashes = new Map<bigint, { member: string; hash: string }[]>();
  input.events.forEach((e) => {
    if (e.name === "witnessSubmitted") {
      const d = e.data as { witness: PublicKey; step: object; hasParamsHash: boolean; paramsHash: number[] };
      if (!d.hasParamsHash) return;
      const step = toBigInt(d.step);
      const reports = witnessHashes.get(step) ?? [];
      reports.push({ member: d.witness.toBase58(), hash: Buffer.from(d.paramsHash).toString("hex") });
      witnessHashes.set(step, reports);
    }
  });
  const accepted = new Set(acceptedSteps(input.events).flatMap((s) => s.updates.map((u) => `${u.step}/${u.slot}`)));

  const rows = new Map<string, { -readonly [K in keyof MemberAudit]: MemberAudit[K] }>();
  const row = (member: string) => {
    let r = rows.get(member);
    if (!r)
      rows.set(
        member,
        (r = {
          member,
          receipts: 0,
          accepted: 0,
          unavailable: [],
          integrityFailures: [],
          copies: [],
          normOutliers: [],
          outOfSync: [],
          verdict: "ok",
        }),
      );
    return r;
  };
  const byStep = new Map<bigint, Contribution[]>();
  commits.forEach((c, order) => {
    const r = row(c.member.toBase58());
    r.receipts++;
    if (accepted.has(`${c.step}/${c.slot}`)) r.accepted++;
    const published = input.published(c.member, c.step, c.hash);
    if (!published) {
      r.unavailable.push(Number(c.step));
      return;
    }
    const checked = checkIntegrity(published, c, {
      run: input.run,
      member: c.member,
      step: Number(c.step),
      layout: input.layout,
    });
    if (!checked.ok) {
      r.integrityFailures.push({ step: Number(c.step), reason: checked.reason });
      return;
    }
    const round = byStep.get(c.step) ?? [];
    round.push({ member: r.member, step: Number(c.step), order, update: checked.update });
    byStep.set(c.step, round);
  });
  for (const [step, round] of byStep) {
    for (const f of copyFindings(round, byStep.get(step - 1n) ?? [])) row(f.member).copies.push(f);
    for (const f of normOutliers(round.map((c) => ({ member: c.member, norm: updateNorm(c.update) }))))
      row(f.member).normOutliers.push(Number(step));
  }
  for (const [step, reports] of witnessHashes)
    for (const r of parameterSync(reports).outOfSync) row(r.member).outOfSync.push(Number(step));
  for (const r of rows.values())
    if (r.integrityFailures.length || r.copies.length || r.normOutliers.length || r.outOfSync.length)
      r.verdict = "flagged";
  return [...rows.values()];
}
