// The evidence behind a challenge: the audit report of one disputed contribution (run, member, step, the receipt's
// hash, what the audit found there and why), posted content-addressed so that the challenge account's evidence_hash
// names exactly one report and every voter re-checks the same claims. Canonical bytes: UTF-8 JSON without spaces,
// keys in the order below, so a report has one encoding and its sha256 means something. Pure: no files, no network.
import { createHash } from "node:crypto";
import { PublicKey } from "@solana/web3.js";
import { ConcordError, isConcordError } from "../errors/concordError";
import {
  CONCORD_ERROR__AUDIT__EVIDENCE_HASH_MISMATCH,
  CONCORD_ERROR__AUDIT__EVIDENCE_MISMATCH,
  CONCORD_ERROR__AUDIT__EVIDENCE_TOO_LARGE,
  CONCORD_ERROR__AUDIT__MALFORMED_EVIDENCE,
} from "../errors/codes";
import type { ComputeDescriptor } from "../receiptMetadata";
import { checkComputeDescriptor } from "../receiptMetadata";
import type { MemberAudit } from "./runAudit";

export const CHALLENGE_EVIDENCE_VERSION = 1;
/** Far above a real report (~500 bytes a finding); parse refuses anything larger before reading it. */
export const MAX_CHALLENGE_EVIDENCE_BYTES = 64 * 1024;
const MAX_FINDINGS = 32;
const MAX_REASON = 1000;

/** What the audit found wrong with the contribution, each with what a voter needs to check it. */
export type EvidenceFinding =
  /** The published bytes or metadata are not what the receipt commits to. */
  | { readonly kind: "integrity"; readonly reason: string }
  /** The update repeats an earlier one: another member's ("copy") or its own of an earlier step ("stale"). */
  | {
      readonly kind: "copy" | "stale";
      readonly source: { readonly member: string; readonly step: number };
      readonly overlap: number;
    }
  /** The parameter hash it reported as a witness at this step was not the one most witnesses reported. */
  | { readonly kind: "sync" }
  /**
   * Trained again from public data (trainer/audit/reexecution.ts) on the compute the report names, the update is not
   * the receipt's: what the member committed is not what its assigned rows and its own history give.
   */
  | { readonly kind: "reexecution"; readonly reason: string };

export interface ChallengeEvidence {
  readonly version: number;
  readonly run: string;
  readonly member: string;
  readonly step: number;
  /** Hex sha256 of the disputed update: the on-chain receipt's hash. */
  readonly receiptHash: string;
  readonly findings: readonly EvidenceFinding[];
  /**
   * The compute a re-execution finding was made on (a voter reproduces it byte for byte there, within the stated
   * tolerance elsewhere); null when every finding is over bytes (integrity, copies, sync), which any machine
   * reproduces exactly.
   */
  readonly compute: ComputeDescriptor | null;
}

/** The findings of a member's audit that concern its receipt at `step`. */
export function findingsAt(audit: MemberAudit, step: number): EvidenceFinding[] {
  return [
    ...audit.integrityFailures
      .filter((f) => f.step === step)
      .map((f) => ({ kind: "integrity" as const, reason: f.reason })),
    ...audit.copies
      .filter((c) => c.step === step)
      .map((c) => ({ kind: c.kind, source: { ...c.source }, overlap: c.overlap })),
    ...(audit.outOfSync.includes(step) ? [{ kind: "sync" as const }] : []),
  ];
}

/** The first claimed finding that `own` (the voter's own audit of the same receipt) reproduces; null when none does. */
export function reproducedFinding(
  claimed: readonly EvidenceFinding[],
  own: readonly EvidenceFinding[],
): EvidenceFinding | null {
  const same = (a: EvidenceFinding, b: EvidenceFinding) =>
    a.kind === b.kind &&
    (!("source" in a) || ("source" in b && a.source.member === b.source.member && a.source.step === b.source.step));
  return claimed.find((c) => own.some((o) => same(c, o))) ?? null;
}

const percent = (x: number) => `${(100 * x).toFixed(0)}%`;

/** One line a person reads. */
export function describeFinding(f: EvidenceFinding): string {
  switch (f.kind) {
    case "integrity":
      return `integrity: ${f.reason}`;
    case "copy":
      return `copy of the update of ${f.source.member} at step ${f.source.step} (${percent(f.overlap)} overlap)`;
    case "stale":
      return `stale: its own update of step ${f.source.step} sent again (${percent(f.overlap)} overlap)`;
    case "sync":
      return "sync: its parameter hash was not the witnesses' majority";
    case "reexecution":
      return `re-execution: ${f.reason}`;
  }
}

/** The canonical bytes of `e` (validated first: a bad report throws MALFORMED_EVIDENCE). */
export function encodeEvidence(e: ChallengeEvidence): Uint8Array {
  validate(e, "to encode");
  return canonicalBytes(e);
}

export const evidenceHash = (bytes: Uint8Array): Uint8Array =>
  new Uint8Array(createHash("sha256").update(bytes).digest());

/**
 * Parses canonical evidence bytes; `source` names them in errors. With `expectedHash` (what a challenge records),
 * bytes that hash otherwise are refused before they are read.
 */
export function parseEvidence(bytes: Uint8Array, source: string, expectedHash?: Uint8Array): ChallengeEvidence {
  if (bytes.length > MAX_CHALLENGE_EVIDENCE_BYTES)
    throw new ConcordError(CONCORD_ERROR__AUDIT__EVIDENCE_TOO_LARGE, {
      source,
      size: bytes.length,
      limit: MAX_CHALLENGE_EVIDENCE_BYTES,
    });
  if (expectedHash) {
    const actual = hex(evidenceHash(bytes));
    if (actual !== hex(expectedHash))
      throw new ConcordError(CONCORD_ERROR__AUDIT__EVIDENCE_HASH_MISMATCH, {
        source,
        actual,
        expected: hex(expectedHash),
      });
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    throw malformed(source, `not UTF-8 JSON (${(e as Error).message})`);
  }
  const e = value as ChallengeEvidence;
  check(typeof value === "object" && value !== null && !Array.isArray(value), source, "expected a JSON object");
  validate(e, source);
  check(Buffer.from(canonicalBytes(e)).equals(bytes), source, "not in canonical form");
  return e;
}

/** The receipt a challenge disputes, as the chain recorded it. */
export interface DisputedReceipt {
  readonly run: PublicKey;
  readonly member: PublicKey;
  readonly step: number;
  /** The update hash the receipt commits to. */
  readonly hash: Uint8Array;
}

/** Throws EVIDENCE_MISMATCH unless `e` is about this receipt. */
export function checkEvidenceFor(e: ChallengeEvidence, source: string, receipt: DisputedReceipt): void {
  const reason =
    e.run !== receipt.run.toBase58()
      ? `run ${e.run}, not ${receipt.run.toBase58()}`
      : e.member !== receipt.member.toBase58()
        ? `member ${e.member}, not ${receipt.member.toBase58()}`
        : e.step !== receipt.step
          ? `step ${e.step}, not ${receipt.step}`
          : e.receiptHash !== hex(receipt.hash)
            ? `receipt hash ${e.receiptHash}, the chain's is ${hex(receipt.hash)}`
            : null;
  if (reason) throw new ConcordError(CONCORD_ERROR__AUDIT__EVIDENCE_MISMATCH, { source, reason });
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

const malformed = (source: string, reason: string) =>
  new ConcordError(CONCORD_ERROR__AUDIT__MALFORMED_EVIDENCE, { source, reason });

function check(ok: boolean, source: string, reason: string): void {
  if (!ok) throw malformed(source, reason);
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isKey = (v: unknown) => {
  try {
    return typeof v === "string" && new PublicKey(v).toBase58() === v;
  } catch {
    return false;
  }
};

function validate(e: ChallengeEvidence, source: string): void {
  const ok = (cond: boolean, reason: string) => check(cond, source, reason);
  ok(
    e.version === CHALLENGE_EVIDENCE_VERSION,
    `version ${String(e.version)} (this code reads ${CHALLENGE_EVIDENCE_VERSION})`,
  );
  ok(isKey(e.run) && isKey(e.member), "run and member must be base58 public keys");
  ok(isCount(e.step), "step must be a non-negative integer");
  ok(typeof e.receiptHash === "string" && /^[0-9a-f]{64}$/.test(e.receiptHash), "receiptHash must be 64 hex digits");
  ok(
    Array.isArray(e.findings) && e.findings.length > 0 && e.findings.length <= MAX_FINDINGS,
    `findings must be a list of 1 to ${MAX_FINDINGS}`,
  );
  for (const f of e.findings) validateFinding(f, ok);
  if (e.compute !== null)
    try {
      checkComputeDescriptor(e.compute);
    } catch (err) {
      if (!isConcordError(err)) throw err;
      ok(false, `compute: ${String(err.context.reason)}`);
    }
}

function validateFinding(f: EvidenceFinding, ok: (cond: boolean, reason: string) => void): void {
  ok(typeof f === "object" && f !== null, "a finding must be an object");
  if (f.kind === "integrity" || f.kind === "reexecution")
    ok(
      typeof f.reason === "string" && f.reason.length > 0 && f.reason.length <= MAX_REASON,
      `${f.kind} needs a reason`,
    );
  else if (f.kind === "copy" || f.kind === "stale") {
    ok(typeof f.source === "object" && f.source !== null, `${f.kind} needs a source`);
    ok(isKey(f.source.member) && isCount(f.source.step), `${f.kind} source needs a member key and a step`);
    ok(typeof f.overlap === "number" && f.overlap >= 0 && f.overlap <= 1, `${f.kind} overlap must be in [0, 1]`);
  } else ok(f.kind === "sync", `unknown finding kind ${JSON.stringify(f.kind)}`);
}

/** The keys in their one order: what JSON.stringify writes for objects built this way. */
function canonicalBytes(e: ChallengeEvidence): Uint8Array {
  const k = e.compute?.nativeKernels;
  return new TextEncoder().encode(
    JSON.stringify({
      version: e.version,
      run: e.run,
      member: e.member,
      step: e.step,
      receiptHash: e.receiptHash,
      findings: e.findings.map((f) =>
        f.kind === "integrity" || f.kind === "reexecution"
          ? { kind: f.kind, reason: f.reason }
          : f.kind === "sync"
            ? { kind: f.kind }
            : { kind: f.kind, source: { member: f.source.member, step: f.source.step }, overlap: f.overlap },
      ),
      compute: e.compute && {
        backend: e.compute.backend,
        tfjsVersion: e.compute.tfjsVersion,
        wasmSimd: e.compute.wasmSimd,
        nativeKernels: k && { name: k.name, version: k.version, sourceHash: k.sourceHash, blasCore: k.blasCore },
      },
    }),
  );
}
