// `concord audit challenge`: disputes one accepted contribution. The report is this auditor's own audit of it (or,
// with --evidence, a prepared report posted as is); nothing is sent when the receipt was not accepted or the audit
// finds nothing wrong with it. The report goes content-addressed into the evidence folder (the data server's role
// until there is one), then the challenge opens on-chain with its sha256 and locks the run's bond.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { providerFor } from "../../../coordinator/localnet/localnetClient";
import type { ChallengeEvidence, DisputedReceipt } from "../../../sdk/audit/challengeEvidence";
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
import { TransactionSender } from "../../../sdk/transactionSender";
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
  json: boolean;
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
  const report = args.evidence ? preparedReport(resolve(args.evidence), target) : ownReport(ctx, target);
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
function ownReport(ctx: AuditContext, t: DisputedReceipt): ChallengeEvidence {
  const audit = ctx.audits.find((a) => a.member === t.member.toBase58());
  const findings = audit ? findingsAt(audit, t.step) : [];
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
    compute: null, // every finding of auditRun is over bytes
  };
}

/** Someone's prepared report, posted as is: it must parse and be about this receipt; the voters re-check its claims. */
function preparedReport(path: string, t: DisputedReceipt): ChallengeEvidence {
  if (!existsSync(path)) throw new Error(`evidence ${path} not found`);
  const report = parseEvidence(new Uint8Array(readFileSync(path)), path);
  checkEvidenceFor(report, path, t);
  return report;
}
