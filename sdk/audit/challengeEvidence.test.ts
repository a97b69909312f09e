// Challenge evidence on its own: the report built from an audit, its one encoding and hash, a voter's re-check, and
// every way a posted file can be bad (oversized, not the recorded hash, not JSON, not canonical, not a report).
import { Keypair } from "@solana/web3.js";
import * as codes from "../errors/codes";
import { expectConcordError } from "../../tests/helpers/expectConcordError";
import type { ChallengeEvidence } from "./challengeEvidence";
import {
  MAX_CHALLENGE_EVIDENCE_BYTES,
  checkEvidenceFor,
  describeFinding,
  encodeEvidence,
  evidenceHash,
  findingsAt,
  parseEvidence,
  reproducedFinding,
} from "./challengeEvidence";
import type { MemberAudit } from "./runAudit";

const [run, member, source] = [Keypair.generate(), Keypair.generate(), Keypair.generate()].map((k) => k.publicKey);
const receiptHash = new Uint8Array(32).fill(0xab);
const copy = { kind: "copy" as const, source: { member: source.toBase58(), step: 2 }, overlap: 1 };
const evidence: ChallengeEvidence = {
  version: 1,
  run: run.toBase58(),
  member: member.toBase58(),
  step: 2,
  receiptHash: Buffer.from(receiptHash).toString("hex"),
  findings: [copy],
  compute: null,
};
const bytes = encodeEvidence(evidence);
const text = (s: string) => new TextEncoder().encode(s);
/** The report's JSON with `patch` applied, in canonical key order (the order the spread keeps). */
const patched = (patch: Record<string, unknown>) => text(JSON.stringify({ ...evidence, ...patch }));

describe("challenge evidence", () => {
  test("one canonical encoding: parse returns the report, its hash is the sha256 of the bytes", () => {
    expect(new TextDecoder().decode(bytes)).toBe(
      `{"version":1,"run":"${run.toBase58()}","member":"${member.toBase58()}","step":2,"receiptHash":"${"ab".repeat(32)}",` +
        `"findings":[{"kind":"copy","source":{"member":"${source.toBase58()}","step":2},"overlap":1}],"compute":null}`,
    );
    expect(parseEvidence(bytes, "f", evidenceHash(bytes))).toEqual(evidence);
    expect(Buffer.from(evidenceHash(bytes)).toString("hex")).toMatch(/^[0-9a-f]{64}$/);
    const withCompute = {
      ...evidence,
      findings: [
        { kind: "integrity" as const, reason: "bad bytes" },
        { kind: "sync" as const },
        { kind: "reexecution" as const, reason: "step 0: sha256 12ab…, the receipt's ab12…" },
      ],
      compute: { backend: "cpu" as const, tfjsVersion: "4.22.0", wasmSimd: null, nativeKernels: null },
    };
    expect(parseEvidence(encodeEvidence(withCompute), "f")).toEqual(withCompute);
    const noReason = { ...evidence, findings: [{ kind: "reexecution" as const, reason: "" }] };
    expect(() => encodeEvidence(noReason)).toThrow(/reexecution needs a reason/);
  });

  test("the findings of an audit at one step, and which of a report's findings a voter's own audit reproduces", () => {
    const audit: MemberAudit = {
      member: member.toBase58(),
      receipts: 3,
      accepted: 3,
      unavailable: [],
      integrityFailures: [{ step: 1, reason: "bad bytes" }],
      copies: [{ member: member.toBase58(), step: 2, kind: "copy", source: copy.source, overlap: 1 }],
      normOutliers: [],
      outOfSync: [2],
      verdict: "flagged",
    };
    expect(findingsAt(audit, 1)).toEqual([{ kind: "integrity", reason: "bad bytes" }]);
    expect(findingsAt(audit, 2)).toEqual([copy, { kind: "sync" }]);
    expect(findingsAt(audit, 0)).toEqual([]);
    expect(reproducedFinding([copy], findingsAt(audit, 2))).toEqual(copy);
    // a copy of another source, or a finding at another step, is not reproduced
    const other = { ...copy, source: { member: member.toBase58(), step: 1 } };
    expect(reproducedFinding([other], findingsAt(audit, 2))).toBeNull();
    expect(reproducedFinding([copy], findingsAt(audit, 1))).toBeNull();
    expect(describeFinding(copy)).toBe(`copy of the update of ${source.toBase58()} at step 2 (100% overlap)`);
    expect(
      describeFinding({ ...copy, kind: "stale", source: { member: member.toBase58(), step: 1 }, overlap: 0.97 }),
    ).toBe("stale: its own update of step 1 sent again (97% overlap)");
  });

  test("a report about another receipt is refused by name", () => {
    const receipt = { run, member, step: 2, hash: receiptHash };
    expect(() => checkEvidenceFor(evidence, "f", receipt)).not.toThrow();
    for (const [other, reason] of [
      [{ ...receipt, step: 3 }, /step 2, not 3/],
      [{ ...receipt, member: source }, /member .*, not /],
      [{ ...receipt, hash: new Uint8Array(32) }, /receipt hash ab.*, the chain's is 00/],
    ] as const)
      expect(
        expectConcordError(() => checkEvidenceFor(evidence, "f", other), codes.CONCORD_ERROR__AUDIT__EVIDENCE_MISMATCH)
          .message,
      ).toMatch(reason);
  });

  test.each([
    [
      "oversized",
      new Uint8Array(MAX_CHALLENGE_EVIDENCE_BYTES + 1),
      codes.CONCORD_ERROR__AUDIT__EVIDENCE_TOO_LARGE,
      /65537 bytes/,
    ],
    ["not UTF-8", Uint8Array.of(0xff, 0xfe), codes.CONCORD_ERROR__AUDIT__MALFORMED_EVIDENCE, /not UTF-8 JSON/],
    ["not JSON", text("{"), codes.CONCORD_ERROR__AUDIT__MALFORMED_EVIDENCE, /not UTF-8 JSON/],
    ["a list", text("[]"), codes.CONCORD_ERROR__AUDIT__MALFORMED_EVIDENCE, /expected a JSON object/],
    ["another version", patched({ version: 2 }), codes.CONCORD_ERROR__AUDIT__MALFORMED_EVIDENCE, /version 2/],
    ["a bad key", patched({ member: "x" }), codes.CONCORD_ERROR__AUDIT__MALFORMED_EVIDENCE, /public keys/],
    ["a bad step", patched({ step: -1 }), codes.CONCORD_ERROR__AUDIT__MALFORMED_EVIDENCE, /step/],
    ["a bad hash", patched({ receiptHash: "AB" }), codes.CONCORD_ERROR__AUDIT__MALFORMED_EVIDENCE, /64 hex/],
    ["no findings", patched({ findings: [] }), codes.CONCORD_ERROR__AUDIT__MALFORMED_EVIDENCE, /findings/],
    [
      "an unknown finding",
      patched({ findings: [{ kind: "vibes" }] }),
      codes.CONCORD_ERROR__AUDIT__MALFORMED_EVIDENCE,
      /unknown finding kind "vibes"/,
    ],
    [
      "an overlap above 1",
      patched({ findings: [{ ...copy, overlap: 1.5 }] }),
      codes.CONCORD_ERROR__AUDIT__MALFORMED_EVIDENCE,
      /overlap/,
    ],
    [
      "a bad compute",
      patched({ compute: { backend: "abacus" } }),
      codes.CONCORD_ERROR__AUDIT__MALFORMED_EVIDENCE,
      /compute: backend must be one of/,
    ],
    [
      "spaces",
      text(JSON.stringify(evidence, null, 1)),
      codes.CONCORD_ERROR__AUDIT__MALFORMED_EVIDENCE,
      /not in canonical form/,
    ],
    [
      "an extra field",
      patched({ note: "trust me" }),
      codes.CONCORD_ERROR__AUDIT__MALFORMED_EVIDENCE,
      /not in canonical form/,
    ],
  ])("evidence refused: %s", (_, input, code, message) => {
    expect(expectConcordError(() => parseEvidence(input, "f"), code).message).toMatch(message);
  });

  test("bytes that are not the hash the challenge records are refused before they are read", () => {
    const e = expectConcordError(
      () => parseEvidence(text("{"), "f.json", evidenceHash(bytes)),
      codes.CONCORD_ERROR__AUDIT__EVIDENCE_HASH_MISMATCH,
    );
    expect(e.message).toMatch(/^challenge evidence f\.json hashes to [0-9a-f]{64}, but the challenge records /);
  });

  test("encode refuses a report it could not parse back", () => {
    expectConcordError(
      () => encodeEvidence({ ...evidence, findings: [] }),
      codes.CONCORD_ERROR__AUDIT__MALFORMED_EVIDENCE,
    );
  });
});
