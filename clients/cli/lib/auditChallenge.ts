// `concord audit challenge`: disputes one accepted contribution. The report is this auditor's own audit of it (or,
// with --evidence, a prepared report posted as is); nothing is sent when the receipt was not accepted or the audit
// finds nothing wrong with it. The report goes content-addressed into the evidence folder (the data server's role
// until there is one), then the challenge opens on-chain with its sha256 and locks the run's bond.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { providerFor } from "../../../coordinator/localnet/localnetClient";
import type { PublicKey } from "@solana/web3.js";
import type { ChallengeEvidence, DisputedReceipt, EvidenceFinding } from "../../../sdk/audit/challengeEvidence";
import {
  CHALLENGE_EVIDENCE_VERSION,
  checkEvidenceFor,
  describeFinding,
  encodeEvidence,
  evidenceHash,
  findingsAt,
  parseEvidence,
} from "../../../sdk/audit/challengeEvidence";
import { toBigInt } from "../../../sdk/coordinatorAccounts";
import { challengeInstruction } from "../../../sdk/coordinatorInstructions";
import { findChallengeAddress } from "../../../sdk/coordinatorPdas";
import { coordinatorProgram } from "../../../sdk/coordinatorProgram";
import { ConcordError } from "../../../sdk/errors/concordError";
import * as codes from "../../../sdk/errors/codes";
import type { ComputeDescriptor } from "../../../sdk/receiptMetadata";
import { TransactionSender } from "../../../sdk/transactionSender";
import { reexecuteRun } from "../../../trainer/audit/reexecution";
import { computeDescriptor, selectBackend } from "../../../trainer/backend/selectBackend";
import type { AuditContext } from "./auditContext";
import type { AuditSourceArgs } from "./auditInputs";
import { acceptedReceipt, auditContext, challengeAt, challengeStatus } from "./auditContext";
import { walletOf } from "./clusterArgs";
import { runAddress } from "./runAddress";

export interface ReceiptArgs extends AuditSourceArgs {
  keypair?: string;
  member: string;
  step: number;
  evidenceDir: string;
  /** The run's dataset: with it the receipt is also re-executed. */
  data?: string;
  json: boolean;
}

/**
 * With --data, the member's updates trained again (trainer/audit/reexecution.ts) on this machine's compute: a
 * re-execution finding when the receipt at `step` is not what they give, and that compute. Only a member's first
 * mismatch is a finding: after it, its state (and so its later updates) cannot be re-derived.
 */
export async function reexecutionFinding(
  ctx: AuditContext,
  member: PublicKey,
  step: number,
  data: string | undefined,
): Promise<{ finding: EvidenceFinding | null; compute: ComputeDescriptor | null }> {
  if (data === undefined) return { finding: null, compute: null };
  const dataset = await ctx.dataset(data);
  const compute = computeDescriptor(await selectBackend({ log: () => {} }));
  const [row] = await reexecuteRun({
    run: ctx.run,
    config: ctx.state.config,
    recipe: ctx.recipe,
    dataset,
    events: ctx.events,
    published: ctx.published,
    compute,
    members: [member.toBase58()],
  });
  const result = row?.steps.find((s) => s.step === step);
  return {
    finding: result?.result === "mismatch" ? { kind: "reexecution", reason: result.reason } : null,
    compute,
  };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

export async function runAuditChallenge(args: ReceiptArgs & { evidence?: string }): Promise<void> {
  const member = runAddress(args.member, "--member");
  const ctx = await auditContext(args);
  const receipt = acceptedReceipt(ctx, member, args.step);
  const [challenge] = findChallengeAddress(ctx.run, member, args.step, ctx.programId);
  const earlier = await challengeAt(ctx, challenge);
  if (earlier)
    throw new ConcordError(codes.CONCORD_ERROR__AUDIT__ALREADY_CHALLENGED, {
      member: member.toBase58(),
      step: args.step,
      status: challengeStatus(earlier),
    });
  const target = { run: ctx.run, member, step: args.step, hash: receipt.hash };
  const report = args.evidence
    ? preparedReport(resolve(args.evidence), target)
    : ownReport(ctx, target, await reexecutionFinding(ctx, member, args.step, args.data));
  const bytes = encodeEvidence(report);
  const hash = evidenceHash(bytes);
  const payer = await walletOf(args);

  // posted before the challenge opens: a voter looks for it as soon as the chain shows the challenge
  mkdirSync(resolve(args.evidenceDir), { recursive: true });
  writeFileSync(join(resolve(args.evidenceDir), `${hex(hash)}.json`), bytes);
  const program = coordinatorProgram(providerFor(ctx.connection, payer), ctx.programId);
  await new TransactionSender(ctx.connection, payer).send([
    await challengeInstruction(program, {
      run: ctx.run,
      challenger: payer.publicKey,
      member,
      epoch: receipt.epoch,
      step: args.step,
      evidenceHash: hash,
    }),
  ]);
  const bond = toBigInt(ctx.state.config.challengeBond);
  if (args.json)
    console.log(
      JSON.stringify({ challenge: challenge.toBase58(), evidenceHash: hex(hash), bond: bond.toString(), report }),
    );
  else
    console.log(
      [
        `challenge ${challenge.toBase58()} opened against ${member.toBase58()} at step ${args.step}, bond ${bond} lamports`,
        `evidence ${hex(hash)}:`,
        ...report.findings.map((f) => `  ${describeFinding(f)}`),
      ].join("\n"),
    );
}

/** This auditor's findings at the receipt; NOTHING_TO_CHALLENGE when there are none. */
function ownReport(
  ctx: AuditContext,
  t: DisputedReceipt,
  reexecuted: { finding: EvidenceFinding | null; compute: ComputeDescriptor | null },
): ChallengeEvidence {
  const audit = ctx.audits.find((a) => a.member === t.member.toBase58());
  const findings = [...(audit ? findingsAt(audit, t.step) : []), ...(reexecuted.finding ? [reexecuted.finding] : [])];
  if (!findings.length)
    throw new ConcordError(codes.CONCORD_ERROR__AUDIT__NOTHING_TO_CHALLENGE, {
      member: t.member.toBase58(),
      step: t.step,
    });
  return {
    version: CHALLENGE_EVIDENCE_VERSION,
    run: t.run.toBase58(),
    member: t.member.toBase58(),
    step: t.step,
    receiptHash: hex(t.hash),
    findings,
    // auditRun's findings are over bytes; a re-execution names the compute it ran on
    compute: reexecuted.finding ? reexecuted.compute : null,
  };
}

/** Someone's prepared report, posted as is: it must parse and be about this receipt; the voters re-check its claims. */
function preparedReport(path: string, t: DisputedReceipt): ChallengeEvidence {
  if (!existsSync(path)) throw new Error(`evidence ${path} not found`);
  const report = parseEvidence(new Uint8Array(readFileSync(path)), path);
  checkEvidenceFor(report, path, t);
  return report;
}
