// `concord audit vote`: a staked member's vote on an open challenge, following its own re-check: it fetches the
// evidence the challenge account names (by hash: a file that hashes otherwise is refused), re-runs the audit of the
// disputed receipt itself and votes to confirm only when its audit reproduces a finding the evidence names. Then it
// prints where the challenge stands: still open, or resolved with what moved (slash and reward, or the bond).
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { providerFor } from "../../../coordinator/localnet/localnetClient";
import {
  checkEvidenceFor,
  describeFinding,
  findingsAt,
  parseEvidence,
  reproducedFinding,
} from "../../../sdk/audit/challengeEvidence";
import type { ChallengeAccount } from "../../../sdk/coordinatorAccounts";
import { toBigInt } from "../../../sdk/coordinatorAccounts";
import { resolveChallengeInstruction } from "../../../sdk/coordinatorInstructions";
import { findChallengeAddress } from "../../../sdk/coordinatorPdas";
import { coordinatorProgram } from "../../../sdk/coordinatorProgram";
import { ConcordError } from "../../../sdk/errors/concordError";
import * as codes from "../../../sdk/errors/codes";
import { coordinatorEvents } from "../../../sdk/roundHistory";
import { TransactionSender } from "../../../sdk/transactionSender";
import type { AuditContext } from "./auditContext";
import { acceptedReceipt, auditContext, challengeAt, challengeStatus } from "./auditContext";
import type { ReceiptArgs } from "./auditChallenge";
import { reexecutionFinding } from "./auditChallenge";
import { walletOf } from "./clusterArgs";
import { runAddress } from "./runAddress";

const hex = (b: Uint8Array | number[]) => Buffer.from(b).toString("hex");

export async function runAuditVote(args: ReceiptArgs): Promise<void> {
  const member = runAddress(args.member, "--member");
  const ctx = await auditContext(args);
  const receipt = acceptedReceipt(ctx, member, args.step);
  const [address] = findChallengeAddress(ctx.run, member, args.step, ctx.programId);
  const challenge = await challengeAt(ctx, address);
  if (!challenge || challengeStatus(challenge) !== "open")
    throw new ConcordError(codes.CONCORD_ERROR__AUDIT__CHALLENGE_NOT_OPEN, {
      member: member.toBase58(),
      step: args.step,
      status: challenge ? challengeStatus(challenge) : "never opened",
    });

  const file = join(resolve(args.evidenceDir), `${hex(challenge.evidenceHash)}.json`);
  if (!existsSync(file))
    throw new ConcordError(codes.CONCORD_ERROR__AUDIT__EVIDENCE_NOT_FOUND, {
      hash: hex(challenge.evidenceHash),
      dir: resolve(args.evidenceDir),
    });
  const evidence = parseEvidence(new Uint8Array(readFileSync(file)), file, Uint8Array.from(challenge.evidenceHash));
  checkEvidenceFor(evidence, file, { run: ctx.run, member, step: args.step, hash: receipt.hash });
  const audit = ctx.audits.find((a) => a.member === member.toBase58());
  if (evidence.findings.some((f) => f.kind === "reexecution") && args.data === undefined)
    throw new Error("the evidence claims a re-execution finding: pass --data (the run's dataset) to re-check it");
  const reexecuted = await reexecutionFinding(ctx, member, args.step, args.data);
  const own = [...(audit ? findingsAt(audit, args.step) : []), ...(reexecuted.finding ? [reexecuted.finding] : [])];
  const reproduced = reproducedFinding(evidence.findings, own);
  const reason = reproduced
    ? `reproduced ${describeFinding(reproduced)}`
    : `none of the evidence's findings reproduce (claimed: ${evidence.findings.map(describeFinding).join("; ")}; ` +
      `found: ${own.map(describeFinding).join("; ") || "nothing"})`;

  const payer = await walletOf(args);
  const program = coordinatorProgram(providerFor(ctx.connection, payer), ctx.programId);
  const signature = await new TransactionSender(ctx.connection, payer).send([
    await resolveChallengeInstruction(program, {
      run: ctx.run,
      resolver: payer.publicKey,
      member,
      step: args.step,
      challenger: challenge.challenger,
      approve: reproduced !== null,
    }),
  ]);
  const after = (await challengeAt(ctx, address))!; // a challenge account is never closed
  const outcome = {
    challenge: address.toBase58(),
    vote: reproduced ? "confirm" : "reject",
    reason,
    ...(await standing(ctx, after, signature)),
  };
  if (args.json) console.log(JSON.stringify(outcome));
  else console.log(`voted ${outcome.vote}: ${reason}\nchallenge ${outcome.challenge} ${outcome.summary}`);
}

/** The challenge's state after the vote; when this vote resolved it, what moved, from its ChallengeResolved event. */
async function standing(ctx: AuditContext, c: ChallengeAccount, signature: string) {
  const status = challengeStatus(c);
  const votes = {
    stakeFor: toBigInt(c.stakeFor).toString(),
    stakeAgainst: toBigInt(c.stakeAgainst).toString(),
    stakeEligible: toBigInt(c.stakeEligible).toString(),
  };
  if (status === "open")
    return {
      status,
      ...votes,
      summary: `open: ${votes.stakeFor} lamports of stake for, ${votes.stakeAgainst} against, of ${votes.stakeEligible} eligible`,
    };
  if (status === "rejected") {
    const bond = toBigInt(c.bond).toString();
    return {
      status,
      ...votes,
      bondToPool: bond,
      summary: `rejected: the bond of ${bond} lamports goes to the reward pool`,
    };
  }
  // this vote completed the quorum: its transaction holds the ChallengeResolved event with the amounts
  const tx = await ctx.connection.getTransaction(signature, {
    commitment: "confirmed",
    maxSupportedTransactionVersion: 0,
  });
  const resolved = coordinatorEvents(ctx.programId, tx?.meta?.logMessages ?? []).find(
    (e) => e.name === "challengeResolved",
  );
  if (!resolved) return { status, ...votes, summary: "confirmed by another vote" };
  const slashed = toBigInt(resolved.data.slashed as object).toString();
  const paid = toBigInt(resolved.data.challengerReward as object).toString();
  return {
    status,
    ...votes,
    slashed,
    challengerPaid: paid,
    summary: `confirmed: ${c.member.toBase58()} slashed ${slashed} lamports; challenger ${c.challenger.toBase58()} paid ${paid} (bond and half the slash)`,
  };
}
