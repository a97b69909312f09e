// Challenges end to end through the CLI on the real local chain: a run played by two honest trainer nodes and a
// member that commits, every round, a copy of another member's update of the same round (witnesses accept it: they
// cannot tell which of two equal receipts came first). An auditor challenges the copy's accepted receipt with
// `concord audit challenge`, the honest members re-check and vote with `concord audit vote`: confirmed, the copier
// slashed, the challenger paid. A challenge of an honest receipt on a prepared report nobody reproduces is rejected
// and costs the bond. The dashboard's view of the run shows both verdicts. Bad input gets one line, exit 1 and no
// change on chain.
import { writeKeypair } from "../coordinator/localnet/coordinatorProgram";
import { PublicKey } from "@solana/web3.js";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../clients/cli/index";
import { runView } from "../clients/dashboard/runView";
import { fundedKeypair } from "../coordinator/localnet/localnetClient";
import type { ChallengeEvidence } from "../sdk/audit/challengeEvidence";
import { encodeEvidence, evidenceHash } from "../sdk/audit/challengeEvidence";
import { ACCOUNT_SIZES, decodeChallenge, decodeMember, decodeRun, toBigInt } from "../sdk/coordinatorAccounts";
import { findChallengeAddress, findMemberAddress } from "../sdk/coordinatorPdas";
import { COORDINATOR_PROGRAM_ID } from "../sdk/coordinatorProgram";
import type { CommittedUpdate } from "../sdk/roundHistory";
import { acceptedSteps } from "../sdk/roundHistory";
import { runEvents } from "../trainer/node/runHistory";
import { captureConsole } from "./helpers/capturedConsole";
import { rogueRun } from "./helpers/rogueRun";
import { useTestLocalnet } from "./helpers/testLocalnet";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-cli-challenge-"));
const logged = captureConsole();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FEE = 5000n; // one signature
const recipeFile = join(dir, "recipe.json");
const evidenceDir = join(dir, "evidence");
const auditorFile = join(dir, "auditor.json");
const voterFiles = [join(dir, "voter-0.json"), join(dir, "voter-1.json")];
let run: PublicKey;
let copier: PublicKey;
let honest: PublicKey[];
let auditor: PublicKey;
/** Accepted receipts of one step: the copier's, and honest member 1's. */
let copied: CommittedUpdate;
let honestReceipt: CommittedUpdate;

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const lamports = async (key: PublicKey) => BigInt(await chain.connection.getBalance(key, "confirmed"));
const runAccount = async () => decodeRun((await chain.connection.getAccountInfo(run, "confirmed"))!.data);
const stakeOf = async (member: PublicKey) =>
  toBigInt((await runAccount()).members.find((m) => m.key.equals(member))!.stake);
const challengeAccount = async (member: PublicKey, step: bigint) => {
  const info = await chain.connection.getAccountInfo(
    findChallengeAddress(run, member, step, COORDINATOR_PROGRAM_ID)[0],
  );
  return info && decodeChallenge(info.data);
};

/** The CLI arguments for a receipt, each overridable. */
function receiptArgs(member: PublicKey, step: bigint, override: Record<string, string> = {}): string[] {
  const options: Record<string, string> = {
    url: chain.rpcUrl,
    run: run.toBase58(),
    member: member.toBase58(),
    step: String(step),
    recipe: recipeFile,
    store: join(dir, "node-0"),
    "evidence-dir": evidenceDir,
    ...override,
  };
  return Object.entries(options).flatMap(([k, v]) => [`--${k}`, v]);
}

/** `concord audit <command>` on a receipt as `keypair`: the exit code. */
const audit = (
  command: "challenge" | "vote",
  keypair: string,
  member: PublicKey,
  step: bigint,
  override: Record<string, string> = {},
  ...flags: string[]
) => main(["audit", command, ...receiptArgs(member, step, override), "--keypair", keypair, ...flags]);

const lastJson = <T>() => JSON.parse(logged[logged.length - 1]) as T;

beforeAll(async () => {
  const played = await rogueRun(chain, { dir, recipeFile, honest: 2, cheat: "copy", globalBatchSize: 6, ms: 120_000 });
  run = played.run;
  copier = played.rogue;
  honest = played.honest;
  played.honestKeypairs.forEach((k, i) => writeKeypair(voterFiles[i], k));
  const auditorKeypair = await fundedKeypair(chain.connection, 2);
  writeKeypair(auditorFile, auditorKeypair);
  auditor = auditorKeypair.publicKey;

  // a step at which the witnesses accepted both the copier's receipt (a copy: it always commits second) and honest
  // member 1's
  const accepted = acceptedSteps(await runEvents(chain.connection, COORDINATOR_PROGRAM_ID, run));
  const both = accepted.find((s) => [copier, honest[1]].every((k) => s.updates.some((u) => u.member.equals(k))));
  if (!both) throw new Error("no step accepted both the copier's receipt and honest member 1's");
  copied = both.updates.find((u) => u.member.equals(copier))!;
  honestReceipt = both.updates.find((u) => u.member.equals(honest[1]))!;
}, 180_000);

test("a copy's accepted receipt: challenged, confirmed by the honest members' votes, the copier slashed, the challenger paid", async () => {
  // Given the copier's accepted receipt, which the auditor's audit flags as a copy
  const stake = await stakeOf(copier);
  const auditorBefore = await lamports(auditor);
  const config = (await runAccount()).config;
  const bond = toBigInt(config.challengeBond);

  // When the auditor challenges it
  expect(await audit("challenge", auditorFile, copier, copied.step, {}, "--json")).toBe(0);
  const opened = lastJson<{ challenge: string; evidenceHash: string; bond: string; report: ChallengeEvidence }>();

  // Then the report is in the evidence folder under its hash, and the challenge records that hash
  const file = join(evidenceDir, `${opened.evidenceHash}.json`);
  expect(hex(evidenceHash(readFileSync(file)))).toBe(opened.evidenceHash);
  expect(opened.report.findings).toEqual([
    expect.objectContaining({ kind: "copy", source: { member: expect.any(String), step: Number(copied.step) } }),
  ]);
  expect(honest.map((k) => k.toBase58())).toContain(
    (opened.report.findings[0] as { source: { member: string } }).source.member,
  );
  const challenge = (await challengeAccount(copier, copied.step))!;
  expect(opened.challenge).toBe(findChallengeAddress(run, copier, copied.step, COORDINATOR_PROGRAM_ID)[0].toBase58());
  expect(hex(Uint8Array.from(challenge.evidenceHash))).toBe(opened.evidenceHash);
  expect(Object.keys(challenge.status)).toEqual(["open"]);
  expect(BigInt(opened.bond)).toBe(bond);

  // A voter whose evidence folder lacks the report, or holds other bytes under its name, refuses to vote
  const before = await chain.connection.getAccountInfo(new PublicKey(opened.challenge));
  const elsewhere = join(dir, "other-evidence");
  mkdirSync(elsewhere);
  expect(await audit("vote", voterFiles[0], copier, copied.step, { "evidence-dir": elsewhere })).toBe(1);
  expect(logged.at(-1)).toBe(`error 17003: challenge evidence ${opened.evidenceHash} is not in ${elsewhere}`);
  const tampered = JSON.stringify({ ...opened.report, findings: [{ kind: "sync" }] });
  writeFileSync(join(elsewhere, `${opened.evidenceHash}.json`), tampered);
  expect(await audit("vote", voterFiles[0], copier, copied.step, { "evidence-dir": elsewhere })).toBe(1);
  expect(logged.at(-1)).toMatch(
    /^error 17002: challenge evidence .* hashes to [0-9a-f]{64}, but the challenge records /,
  );
  expect((await chain.connection.getAccountInfo(new PublicKey(opened.challenge)))!.data).toEqual(before!.data);

  // When the first honest member re-checks and votes: it reproduces the copy, but half the eligible stake is not 2/3
  expect(await audit("vote", voterFiles[0], copier, copied.step, {}, "--json")).toBe(0);
  const first = lastJson<{ vote: string; reason: string; status: string }>();
  expect(first).toMatchObject({ vote: "confirm", status: "open" });
  expect(first.reason).toMatch(/^reproduced copy of the update of /);

  // and the second votes too: confirmed
  const ownStore = { store: join(dir, "node-1") }; // each voter re-checks from its own bytes
  expect(await audit("vote", voterFiles[1], copier, copied.step, ownStore)).toBe(0);
  const slash = (stake * BigInt(config.slashBps)) / 10_000n;
  expect(logged.at(-1)).toMatch(/^voted confirm: reproduced copy of /);
  expect(logged.at(-1)).toContain(
    `confirmed: ${copier.toBase58()} slashed ${slash} lamports; challenger ${auditor.toBase58()} paid ${slash / 2n + bond}`,
  );

  // Then on-chain: the copier's stake is down by slash_bps, the challenger has its bond back and half the slash
  expect(await stakeOf(copier)).toBe(stake - slash);
  const memberAccount = findMemberAddress(run, copier, COORDINATOR_PROGRAM_ID)[0];
  const member = decodeMember((await chain.connection.getAccountInfo(memberAccount))!.data);
  expect(toBigInt(member.slashed)).toBe(slash);
  expect(Object.keys((await challengeAccount(copier, copied.step))!.status)).toEqual(["confirmed"]);
  const rent = BigInt(await chain.connection.getMinimumBalanceForRentExemption(ACCOUNT_SIZES.challenge));
  expect(await lamports(auditor)).toBe(auditorBefore - rent - FEE + slash / 2n);

  // and a vote on it now is refused
  expect(await audit("vote", voterFiles[0], copier, copied.step)).toBe(1);
  expect(logged.at(-1)).toBe(
    `error 17007: the challenge of ${copier.toBase58()} at step ${copied.step} is confirmed: no vote sent`,
  );
}, 60_000);

test("an honest receipt: refused without findings; on a prepared report nobody reproduces, rejected and the bond lost", async () => {
  const member = honest[1];
  const auditorBefore = await lamports(auditor);
  const poolBefore = toBigInt((await runAccount()).rewardPool);
  const bond = toBigInt((await runAccount()).config.challengeBond);

  // Given an honest member's accepted receipt, the auditor's own audit finds nothing to challenge
  expect(await audit("challenge", auditorFile, member, honestReceipt.step)).toBe(1);
  expect(logged.at(-1)).toBe(
    `error 17005: the audit finds nothing wrong with the receipt of ${member.toBase58()} at step ${honestReceipt.step}: no challenge sent`,
  );
  expect(await challengeAccount(member, honestReceipt.step)).toBeNull();

  // When someone's prepared report claims a copy and the auditor posts it as is
  const report: ChallengeEvidence = {
    version: 1,
    run: run.toBase58(),
    member: member.toBase58(),
    step: Number(honestReceipt.step),
    receiptHash: hex(honestReceipt.hash),
    findings: [
      { kind: "copy", source: { member: honest[0].toBase58(), step: Number(honestReceipt.step) }, overlap: 1 },
    ],
    compute: null,
  };
  const prepared = join(dir, "prepared.json");
  writeFileSync(prepared, encodeEvidence(report));
  expect(await audit("challenge", auditorFile, member, honestReceipt.step, { evidence: prepared })).toBe(0);
  const printed = logged.at(-1)!.split("\n");
  expect(printed[0]).toMatch(/^challenge \w+ opened against \w+ at step \d+, bond \d+ lamports$/);
  expect(printed.slice(1)).toEqual([
    expect.stringMatching(/^evidence [0-9a-f]{64}:$/),
    expect.stringMatching(/^ {2}copy of /),
  ]);
  expect(existsSync(join(evidenceDir, `${hex(evidenceHash(encodeEvidence(report)))}.json`))).toBe(true);

  // Then the other honest member's own audit does not reproduce it: it votes reject, which is more than 1/3 of the
  // eligible stake (its own and the slashed copier's)
  expect(await audit("vote", voterFiles[0], member, honestReceipt.step, {}, "--json")).toBe(0);
  const vote = lastJson<{ vote: string; reason: string; status: string; bondToPool: string }>();
  expect(vote).toMatchObject({ vote: "reject", status: "rejected", bondToPool: String(bond) });
  expect(vote.reason).toMatch(/^none of the evidence's findings reproduce \(claimed: copy of .*; found: nothing\)$/);

  // and the bond went to the reward pool: the challenger is down the bond, the account's rent and its fee
  expect(toBigInt((await runAccount()).rewardPool)).toBe(poolBefore + bond);
  const rent = BigInt(await chain.connection.getMinimumBalanceForRentExemption(ACCOUNT_SIZES.challenge));
  expect(await lamports(auditor)).toBe(auditorBefore - rent - bond - FEE);
}, 60_000);

test("the dashboard's view of the run shows both challenges with their verdicts and the slashed member's stake", async () => {
  // Given the confirmed challenge of the copy and the rejected one of the honest receipt, as the chain records them
  const state = await runAccount();
  const view = runView(state, await runEvents(chain.connection, COORDINATOR_PROGRAM_ID, run), Date.now() / 1000);
  const memberAccount = findMemberAddress(run, copier, COORDINATOR_PROGRAM_ID)[0];
  const slashed = toBigInt(decodeMember((await chain.connection.getAccountInfo(memberAccount))!.data).slashed);
  // Then the challenges table lists each, by the challenge account, with its verdict and what was slashed
  const address = (member: PublicKey, step: bigint) =>
    findChallengeAddress(run, member, step, COORDINATOR_PROGRAM_ID)[0].toBase58();
  expect(view.challenges).toEqual([
    {
      challenge: address(copier, copied.step),
      member: copier.toBase58(),
      challenger: auditor.toBase58(),
      step: copied.step,
      status: "confirmed",
      slashed,
    },
    {
      challenge: address(honest[1], honestReceipt.step),
      member: honest[1].toBase58(),
      challenger: auditor.toBase58(),
      step: honestReceipt.step,
      status: "rejected",
      slashed: 0n,
    },
  ]);
  // and the members table shows the copier's stake after the slash, with no challenge left open
  expect(slashed).toBeGreaterThan(0n);
  expect(view.members.find((m) => m.key === copier.toBase58())).toMatchObject({
    stake: await stakeOf(copier),
    openChallenges: 0,
  });
}, 30_000);

describe("bad input: one line, exit 1, nothing on chain", () => {
  const stranger = new PublicKey(new Uint8Array(32).fill(9));
  test.each([
    [
      "a member that is no address",
      "challenge",
      () => receiptArgs(copier, copied.step, { member: "not-a-key" }),
      /--member "not-a-key" is not a base58 public key/,
    ],
    [
      "an unknown member",
      "challenge",
      () => receiptArgs(stranger, 0n),
      /has no accepted receipt at step 0: it is not a member of the run$/,
    ],
    [
      "a step with no receipt",
      "challenge",
      () => receiptArgs(copier, 99n),
      /no accepted receipt at step 99: it committed no receipt at that step$/,
    ],
    [
      "a step that is no integer",
      "challenge",
      () => receiptArgs(copier, copied.step, { step: "1.5" }),
      /--step must be a non-negative integer/,
    ],
    [
      "malformed evidence",
      "challenge",
      () => [...receiptArgs(honest[0], honestReceipt.step), "--evidence", join(dir, "recipe.json")],
      /challenge evidence .* is malformed: /,
    ],
    [
      "evidence about another receipt",
      "challenge",
      () => [...receiptArgs(honest[0], honestReceipt.step), "--evidence", join(dir, "prepared.json")],
      /is about another receipt: member /,
    ],
    [
      "a receipt challenged already",
      "challenge",
      () => receiptArgs(copier, copied.step),
      /at step \d+ was challenged already \(confirmed; one challenge per receipt\): none sent$/,
    ],
    [
      "no challenge to vote on",
      "vote",
      () => receiptArgs(honest[0], honestReceipt.step),
      /the challenge of \w+ at step \d+ is never opened: no vote sent$/,
    ],
  ])("%s", async (_, command, args, message) => {
    const runBefore = (await chain.connection.getAccountInfo(run))!.data;
    const auditorBefore = await lamports(auditor);
    expect(await main(["audit", command, ...args(), "--keypair", auditorFile])).toBe(1);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^error( \d+)?: /);
    expect(logged[0]).toMatch(message);
    expect((await chain.connection.getAccountInfo(run))!.data).toEqual(runBefore);
    expect(await lamports(auditor)).toBe(auditorBefore);
  });
});

test.each([
  ["challenge", /dispute an accepted receipt[\s\S]*--evidence-dir[\s\S]*--evidence /],
  ["vote", /re-check a challenge's evidence[\s\S]*--evidence-dir/],
])("audit %s --help", async (command, usage) => {
  expect(await main(["audit", command, "--help"])).toBe(0);
  expect(logged.join("\n")).toMatch(usage);
});
