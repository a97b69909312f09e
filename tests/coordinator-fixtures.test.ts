// Frozen accounts (tests/fixtures/coordinator/accounts-v<N>.json, written by this test from one deterministic
// scenario; CONCORD_WRITE_FIXTURES=1 rewrites only the current one). The SDK must still decode the current layouts to
// the frozen values and the program must still accept them. A layout change breaks this test: bump the account's
// version, keep the old fixture, and add one for the new layout. Older fixtures show what a bump means for accounts
// already on a cluster: those whose version did not change still decode and work; the others are refused, clearly.
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
import type { CoordinatorAccountName } from "../sdk/coordinatorAccounts";
import { COORDINATOR_ERROR_CODES } from "../sdk/coordinatorErrors";
import { CONCORD_ERROR__CLIENT__UNSUPPORTED_ACCOUNT_VERSION } from "../sdk/errors/codes";
import { RunState } from "../sdk/runState";
import { expectConcordError } from "./helpers/expectConcordError";
import { CoordinatorHarness, memberKeypair, SOL, START_TIME } from "./helpers/coordinatorHarness";

const fixturePath = (version: number) => join(__dirname, "fixtures", "coordinator", `accounts-v${version}.json`);
/** Named by the Run's version, the account whose layout changes. */
const CURRENT = fixturePath(ACCOUNT_VERSIONS.run);

type FixtureAccount = "run" | "vault" | "member" | "receipts" | "challenge";
const KIND: Record<FixtureAccount, CoordinatorAccountName> = {
  run: "run",
  vault: "vault",
  member: "member",
  receipts: "epochReceipts",
  challenge: "challenge",
};

interface Fixture {
  versions: Record<string, number>;
  accounts: Record<FixtureAccount, { address: string; owner: string; lamports: string; gzipBase64: string }>;
  summary: Record<FixtureAccount, unknown>;
}

/** What each fixture account must decode to: a few of its fields, as plain JSON. */
const SUMMARIES: Record<FixtureAccount, (data: Buffer) => unknown> = {
  run: (data) => {
    const run = decodeRun(data);
    return {
      state: Object.keys(run.state)[0],
      epoch: run.epoch.toString(),
      step: run.step.toString(),
      totalStake: run.totalStake.toString(),
      rewardPool: run.rewardPool.toString(),
      memberCount: run.memberCount,
      seed: Buffer.from(run.seed).toString("hex"),
      dataSeed: Buffer.from(run.dataSeed).toString("hex"),
      warmupTime: run.config.warmupTime,
      learningRate: run.config.learningRate,
      innerSteps: run.config.innerSteps,
      valueBits: run.config.valueBits,
      outerLearningRate: run.config.outerLearningRate,
      outerMomentum: run.config.outerMomentum,
      member0: { stake: run.members[0].stake.toString(), acceptedRounds: run.members[0].acceptedRounds.toString() },
    };
  },
  vault: (data) => decodeVault(data).run.toBase58(),
  member: (data) => {
    const member = decodeMember(data);
    return { slot: member.slot, endpoint: memberEndpoint(member) };
  },
  receipts: (data) =>
    decodeEpochReceipts(data).receipts.map((r) => ({
      step: r.step.toString(),
      loss: r.loss,
      size: r.size,
      round: r.round,
    })),
  challenge: (data) => {
    const challenge = decodeChallenge(data);
    return {
      step: challenge.step.toString(),
      bond: challenge.bond.toString(),
      status: Object.keys(challenge.status)[0],
    };
  },
};

const summarize = (bytes: Record<FixtureAccount, Buffer>, names: FixtureAccount[]) =>
  Object.fromEntries(names.map((name) => [name, SUMMARIES[name](bytes[name])]));

async function writeFixture(): Promise<void> {
  // a run in round 1 of epoch 0: two members, one accepted round, one open challenge
  const h = await CoordinatorHarness.create({ members: 2, fund: SOL });
  await h.tickFrom(RunState.WaitingForMembers);
  await h.tickFrom(RunState.Warmup);
  await h.playRound();
  const [a, b] = h.members;
  h.expectOk(await h.commit(a));
  h.expectOk(await h.challenge(b, a.publicKey, 0, 0));
  const addresses: Record<FixtureAccount, PublicKey> = {
    run: h.run,
    vault: h.vault,
    member: h.memberAddress(a.publicKey),
    receipts: h.receiptsAddress(a.publicKey, 0),
    challenge: h.challengeAddress(a.publicKey, 0),
  };
  const accounts = {} as Fixture["accounts"];
  const bytes = {} as Record<FixtureAccount, Buffer>;
  for (const [name, address] of Object.entries(addresses) as [FixtureAccount, PublicKey][]) {
    const account = h.chain.account(address)!;
    bytes[name] = account.data;
    accounts[name] = {
      address: address.toBase58(),
      owner: account.owner.toBase58(),
      lamports: account.lamports.toString(),
      gzipBase64: gzipSync(account.data).toString("base64"),
    };
  }
  const summary = summarize(bytes, Object.keys(KIND) as FixtureAccount[]) as Fixture["summary"];
  const fixture: Fixture = { versions: { ...ACCOUNT_VERSIONS }, accounts, summary };
  writeFileSync(CURRENT, JSON.stringify(fixture, null, 2) + "\n");
}

const load = (version: number) => JSON.parse(readFileSync(fixturePath(version), "utf8")) as Fixture;
const bytesOf = (f: Fixture) =>
  Object.fromEntries(
    Object.entries(f.accounts).map(([k, v]) => [k, gunzipSync(Buffer.from(v.gzipBase64, "base64"))]),
  ) as Record<FixtureAccount, Buffer>;

/** A fresh chain holding exactly the fixture's accounts, and member a (slot 0) able to pay fees. */
function chainWith(fixture: Fixture): CoordinatorHarness {
  const h = new CoordinatorHarness();
  const bytes = bytesOf(fixture);
  for (const [name, account] of Object.entries(fixture.accounts) as [FixtureAccount, Fixture["accounts"]["run"]][])
    h.chain.putAccount(new PublicKey(account.address), {
      data: bytes[name],
      owner: new PublicKey(account.owner),
      lamports: BigInt(account.lamports),
    });
  h.chain.airdrop(memberKeypair(0).publicKey, SOL);
  return h;
}

describe("coordinator account fixtures", () => {
  beforeAll(async () => {
    if (process.env.CONCORD_WRITE_FIXTURES === "1" || !existsSync(CURRENT)) await writeFixture();
  });

  describe("current layouts (accounts-v2: Run version 2)", () => {
    test("the SDK decodes the frozen accounts to the frozen values", () => {
      const fixture = load(2);
      expect(fixture.versions).toEqual(ACCOUNT_VERSIONS);
      expect(summarize(bytesOf(fixture), Object.keys(KIND) as FixtureAccount[])).toEqual(fixture.summary);
    });

    test("the program accepts the frozen accounts", async () => {
      // Given a fresh chain holding exactly the frozen accounts
      const h = chainWith(load(2));
      const a = memberKeypair(0);
      // When the round's time runs out and member a leaves
      h.setTime(START_TIME + 10_000n);
      h.expectOk(await h.tick());
      h.expectOk(await h.leave(a));
      // Then the run moved on and the member is leaving
      expect(h.state()).toBe(RunState.RoundWitness);
      expect("leaving" in h.runAccount().members[0].status).toBe(true);
    });
  });

  describe("version-1 accounts (accounts-v1: before the Run's version 2)", () => {
    test("the accounts whose version did not change still decode to their frozen values", () => {
      const fixture = load(1);
      const bytes = bytesOf(fixture);
      const unchanged = (Object.keys(KIND) as FixtureAccount[]).filter(
        (name) => fixture.versions[KIND[name]] === ACCOUNT_VERSIONS[KIND[name]],
      );
      expect(unchanged).toEqual(["vault", "member", "receipts", "challenge"]);
      const frozen = Object.fromEntries(unchanged.map((name) => [name, fixture.summary[name]]));
      expect(summarize(bytes, unchanged)).toEqual(frozen);
      // and the Run of another layout is refused by name, not misread
      const error = expectConcordError(() => decodeRun(bytes.run), CONCORD_ERROR__CLIENT__UNSUPPORTED_ACCOUNT_VERSION);
      expect(error.context).toMatchObject({ kind: "run", version: 1, expected: 2 });
    });

    test("the program refuses the version-1 Run (unsupported account version) and changes nothing", async () => {
      // Given a fresh chain holding exactly the version-1 accounts (the Run is 40 bytes shorter than version 2's)
      const fixture = load(1);
      const h = chainWith(fixture);
      const addresses = Object.values(fixture.accounts).map((a) => new PublicKey(a.address));
      const accountsNow = () => addresses.map((address) => h.chain.account(address));
      const before = accountsNow();
      h.setTime(START_TIME + 10_000n);
      const extend = await h.program.methods.extendRun().accountsStrict({ run: h.run }).instruction();
      // When anyone ticks it, a member leaves, or extend_run tries to grow it to the new size
      for (const r of [await h.tick(), await h.leave(memberKeypair(0)), h.send([extend])]) {
        // Then each is refused as an account of an unsupported version, and no account changed
        expect(r.customError).toBe(COORDINATOR_ERROR_CODES.unsupportedAccountVersion);
        expect(r.logs).toContain("Program log: Error: unsupported account version");
      }
      expect(accountsNow()).toEqual(before);
    });
  });
});
