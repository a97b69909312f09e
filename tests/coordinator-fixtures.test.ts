// Frozen version-1 accounts (tests/fixtures/coordinator/accounts-v1.json, written by this test with
// CONCORD_WRITE_FIXTURES=1 from a deterministic scenario). The SDK must still decode them to the same values, and the
// program must still accept them. A layout change breaks this test: bump the account's version and add a fixture.
import { PublicKey } from "@solana/web3.js";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import {
  ACCOUNT_VERSIONS,
  decodeChallenge,
  decodeEpochReceipts,
  decodeMember,
  decodeRun,
  decodeVault,
  memberEndpoint,
} from "../sdk/coordinatorAccounts";
import { RunState } from "../sdk/runState";
import { CoordinatorHarness, memberKeypair, SOL, START_TIME } from "./helpers/coordinatorHarness";

const FIXTURE = join(__dirname, "fixtures", "coordinator", "accounts-v1.json");

interface Fixture {
  versions: Record<string, number>;
  accounts: Record<string, { address: string; owner: string; lamports: string; gzipBase64: string }>;
  summary: Record<string, unknown>;
}

/** What the fixture's accounts must decode to: a few fields of each, as plain JSON. */
function summarize(accounts: Record<string, Buffer>): Record<string, unknown> {
  const run = decodeRun(accounts.run);
  const receipts = decodeEpochReceipts(accounts.receipts);
  const challenge = decodeChallenge(accounts.challenge);
  const member = decodeMember(accounts.member);
  return {
    run: {
      state: Object.keys(run.state)[0],
      epoch: run.epoch.toString(),
      step: run.step.toString(),
      totalStake: run.totalStake.toString(),
      rewardPool: run.rewardPool.toString(),
      memberCount: run.memberCount,
      seed: Buffer.from(run.seed).toString("hex"),
      warmupTime: run.config.warmupTime,
      learningRate: run.config.learningRate,
      member0: { stake: run.members[0].stake.toString(), acceptedRounds: run.members[0].acceptedRounds.toString() },
    },
    vault: decodeVault(accounts.vault).run.toBase58(),
    member: { slot: member.slot, endpoint: memberEndpoint(member) },
    receipts: receipts.receipts.map((r) => ({ step: r.step.toString(), loss: r.loss, size: r.size, round: r.round })),
    challenge: {
      step: challenge.step.toString(),
      bond: challenge.bond.toString(),
      status: Object.keys(challenge.status)[0],
    },
  };
}

async function writeFixture(): Promise<void> {
  // a run in round 1 of epoch 0: two members, one accepted round, one open challenge
  const h = await CoordinatorHarness.create({ members: 2, fund: SOL });
  await h.tickFrom(RunState.WaitingForMembers);
  await h.tickFrom(RunState.Warmup);
  await h.playRound();
  const [a, b] = h.members;
  h.expectOk(await h.commit(a));
  h.expectOk(await h.challenge(b, a.publicKey, 0, 0));
  const addresses = {
    run: h.run,
    vault: h.vault,
    member: h.memberAddress(a.publicKey),
    receipts: h.receiptsAddress(a.publicKey, 0),
    challenge: h.challengeAddress(a.publicKey, 0),
  };
  const accounts: Fixture["accounts"] = {};
  const bytes: Record<string, Buffer> = {};
  for (const [name, address] of Object.entries(addresses)) {
    const account = h.chain.account(address)!;
    bytes[name] = account.data;
    accounts[name] = {
      address: address.toBase58(),
      owner: account.owner.toBase58(),
      lamports: account.lamports.toString(),
      gzipBase64: gzipSync(account.data).toString("base64"),
    };
  }
  const fixture: Fixture = { versions: { ...ACCOUNT_VERSIONS }, accounts, summary: summarize(bytes) };
  writeFileSync(FIXTURE, JSON.stringify(fixture, null, 2) + "\n");
}

describe("coordinator account fixtures (version 1)", () => {
  beforeAll(async () => {
    if (process.env.CONCORD_WRITE_FIXTURES === "1" || !existsSync(FIXTURE)) await writeFixture();
  });

  const load = () => JSON.parse(readFileSync(FIXTURE, "utf8")) as Fixture;
  const bytesOf = (f: Fixture) =>
    Object.fromEntries(
      Object.entries(f.accounts).map(([k, v]) => [k, gunzipSync(Buffer.from(v.gzipBase64, "base64"))]),
    );

  test("the SDK decodes the frozen accounts to the frozen values", () => {
    const fixture = load();
    expect(fixture.versions).toEqual(ACCOUNT_VERSIONS);
    expect(summarize(bytesOf(fixture))).toEqual(fixture.summary);
  });

  test("the program accepts the frozen accounts", async () => {
    // Given a fresh chain holding exactly the frozen accounts
    const fixture = load();
    const h = new CoordinatorHarness();
    const bytes = bytesOf(fixture);
    for (const [name, account] of Object.entries(fixture.accounts))
      h.chain.putAccount(new PublicKey(account.address), {
        data: bytes[name],
        owner: new PublicKey(account.owner),
        lamports: BigInt(account.lamports),
      });
    const a = memberKeypair(0);
    h.chain.airdrop(a.publicKey, SOL);
    // When the round's time runs out and member a leaves
    h.setTime(START_TIME + 10_000n);
    h.expectOk(await h.tick());
    h.expectOk(await h.leave(a));
    // Then the run moved on and the member is leaving
    expect(h.state()).toBe(RunState.RoundWitness);
    expect("leaving" in h.runAccount().members[0].status).toBe(true);
  });
});
