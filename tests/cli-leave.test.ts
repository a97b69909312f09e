// `concord leave` and `concord withdraw` in-process through main(), against the real local chain and program: leave
// says the epoch and when the stake unbonds; withdraw before then says when, in one line, and sends nothing; after
// the crank has played the run past the unbonding epoch it returns exactly the stake, rewards and account rent.
// Bad input gets one line, exit 1, and no transaction.
import { writeKeypair } from "../coordinator/localnet/coordinatorProgram";
import { BN } from "@coral-xyz/anchor";
import type { Keypair, PublicKey } from "@solana/web3.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../clients/cli/index";
import { Crank } from "../coordinator/crank/crank";
import { fundedKeypair, providerFor } from "../coordinator/localnet/localnetClient";
import { toBigInt } from "../sdk/coordinatorAccounts";
import * as ix from "../sdk/coordinatorInstructions";
import { findMemberAddress } from "../sdk/coordinatorPdas";
import { coordinatorProgram } from "../sdk/coordinatorProgram";
import { TransactionSender } from "../sdk/transactionSender";
import { captureConsole } from "./helpers/capturedConsole";
import { runConfig } from "./helpers/coordinatorHarness";
import { RunState, runStateOf } from "../sdk/runState";
import { useTestLocalnet } from "./helpers/testLocalnet";
import { within } from "./helpers/within";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-cli-leave-"));
const logged = captureConsole();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let authority: Keypair;
let run: PublicKey;
/** Members by name, with their keypair files; "outsider" never joins. */
const wallets: Record<string, { keypair: Keypair; path: string }> = {};

beforeAll(async () => {
  // Given a two-step run, one round per epoch with one-second phases, and two members (a and b) joined
  authority = await fundedKeypair(chain.connection, 10);
  const program = coordinatorProgram(providerFor(chain.connection, authority));
  const runId = 4242n;
  run = ix.runAddresses(program, runId).run;
  const config = runConfig({
    totalSteps: new BN(2),
    warmupTime: 1,
    cooldownTime: 1,
    maxRoundTrainTime: 1,
    roundWitnessTime: 1,
    roundsPerEpoch: 1,
  });
  await new TransactionSender(chain.connection, authority).send(
    await ix.createRunInstructions(program, { authority: authority.publicKey, runId, config }),
  );
  for (const name of ["a", "b", "outsider"]) {
    const keypair = await fundedKeypair(chain.connection, 5);
    const path = join(dir, `${name}.json`);
    writeKeypair(path, keypair);
    wallets[name] = { keypair, path };
    if (name === "outsider") continue;
    const member = coordinatorProgram(providerFor(chain.connection, keypair));
    const stake = BigInt(config.minStake.toString());
    await new TransactionSender(chain.connection, keypair).send([
      await ix.joinInstruction(member, { run, member: keypair.publicKey, endpoint: "ws://127.0.0.1:9", stake }),
    ]);
  }
});

const cli = (command: string, who: string, extra: string[] = [], runArg = run.toBase58()) =>
  main([command, "--url", chain.rpcUrl, "--keypair", wallets[who].path, "--run", runArg, ...extra]);

/** Runs the CLI expecting one error line and no transaction from `who`; returns that line. */
async function refused(command: string, who: string, runArg?: string): Promise<string> {
  const balance = await chain.connection.getBalance(wallets[who].keypair.publicKey);
  logged.length = 0;
  expect(await cli(command, who, [], runArg)).toBe(1);
  const errors = logged.filter((l) => /^error( \d+)?: /.test(l));
  expect(errors).toHaveLength(1);
  expect(await chain.connection.getBalance(wallets[who].keypair.publicKey)).toBe(balance);
  return errors[0];
}

describe("concord leave / withdraw", () => {
  test.each([
    ["leave", "a run address that is not base58", "nope", /--run "nope" is not a base58/],
    ["withdraw", "a run address that is not base58", "nope", /--run "nope" is not a base58/],
    ["leave", "a run that does not exist", "11111111111111111111111111111112", /account 1+2 does not exist/],
    ["withdraw", "a run that does not exist", "11111111111111111111111111111112", /account 1+2 does not exist/],
  ])("%s, %s: one line, exit 1, nothing sent", async (command, _, runArg, message) => {
    expect(await refused(command, "a", runArg)).toMatch(message);
  });

  test("an address that is not a run (a wallet): one line, exit 1, nothing sent", async () => {
    for (const command of ["leave", "withdraw"])
      expect(await refused(command, "a", wallets.b.keypair.publicKey.toBase58())).toMatch(/is not a valid run/);
  });

  test("a wallet that is not a member can neither leave nor withdraw", async () => {
    for (const command of ["leave", "withdraw"])
      expect(await refused(command, "outsider")).toMatch(/is not a member of run .*: it has no Member account/);
  });

  test("withdraw before leave says to leave first", async () => {
    expect(await refused("withdraw", "b")).toMatch(/has not left run .*`concord leave` first/);
  });

  test("leave, withdraw too early, leave again; then after the unbonding epoch, withdraw returns exactly the stake", async () => {
    // When a leaves while the run waits for members (epoch 0)
    expect(await cli("leave", "a", ["--json"])).toBe(0);
    const left = JSON.parse(logged[logged.length - 1]) as Record<string, unknown>;
    expect([left.leaveEpoch, left.unbondsAtEpoch]).toEqual([0, 2]);
    const program = coordinatorProgram(providerFor(chain.connection, authority));
    const memberAddress = findMemberAddress(run, wallets.a.keypair.publicKey, program.programId)[0];
    const member = await program.account.member.fetch(memberAddress);
    // the halted-run rule: epoch_time after the later of the leave and the halt
    const halt = toBigInt((await program.account.run.fetch(run)).stateStartedAt);
    const since = toBigInt(member.leftAt) > halt ? toBigInt(member.leftAt) : halt;
    expect(left.unbondsAt).toBe(Number(since) + 600);

    // Then withdrawing now says when, in epochs and time, and leaving again says it already left
    const early = await refused("withdraw", "a");
    const at = new Date((Number(since) + 600) * 1000).toISOString();
    expect(early).toMatch(
      new RegExp(
        `still unbonding: it unbonds once the run reaches epoch 2 \\(it is in epoch 0\\), or at ${at} if the run stays WaitingForMembers`,
      ),
    );
    expect(await refused("leave", "a")).toMatch(
      /already left run .* in epoch 0; its stake unbonds once the run reaches/,
    );

    // When the crank plays the run (b alone) to its end: two epochs, so the epoch counter reaches 2
    const abort = new AbortController();
    const crank = new Crank(program, run, new TransactionSender(chain.connection, authority));
    await within(crank.runUntilFinished(abort.signal, { pollMs: 200 }), "the run to finish", 60_000).finally(() =>
      abort.abort(),
    );
    const runAccount = await program.account.run.fetch(run);
    expect(toBigInt(runAccount.epoch)).toBe(2n);
    const entry = runAccount.members[member.slot];
    const rent = BigInt((await chain.connection.getAccountInfo(memberAddress))!.lamports);
    const before = BigInt(await chain.connection.getBalance(wallets.a.keypair.publicKey));

    // Then withdraw returns the stake (a earned nothing), the rewards owed and the Member account's rent, less the fee
    logged.length = 0;
    expect(await cli("withdraw", "a", ["--json"])).toBe(0);
    const out = JSON.parse(logged[logged.length - 1]) as Record<string, number | string>;
    const stake = toBigInt(entry.stake);
    expect(stake).toBe(toBigInt(runAccount.config.minStake));
    expect([out.stake, out.rewards, out.rent]).toEqual([
      Number(stake),
      Number(toBigInt(entry.rewardsOwed)),
      Number(rent),
    ]);
    const tx = await chain.connection.getTransaction(out.signature as string, {
      commitment: "confirmed",
      maxSupportedTransactionVersion: 0,
    });
    const after = BigInt(await chain.connection.getBalance(wallets.a.keypair.publicKey));
    expect(after - before).toBe(stake + toBigInt(entry.rewardsOwed) + rent - BigInt(tx!.meta!.fee));
    expect(await chain.connection.getAccountInfo(memberAddress)).toBeNull();
    // and a second withdraw finds no member
    expect(await refused("withdraw", "a")).toMatch(/is not a member of run/);
  }, 90_000);

  test("withdraw with a challenge open against the member says so, and sends nothing", async () => {
    // Given a one-member run in which member c's step-0 receipt was accepted (c is its only witness), and c left
    const program = coordinatorProgram(providerFor(chain.connection, authority));
    const runId = 4243n;
    const challenged = ix.runAddresses(program, runId).run;
    const config = runConfig({ totalSteps: new BN(2), warmupTime: 1, roundsPerEpoch: 2, witnessNodes: 1 });
    const authoritySender = new TransactionSender(chain.connection, authority);
    await authoritySender.send(
      await ix.createRunInstructions(program, { authority: authority.publicKey, runId, config }),
    );
    const c = await fundedKeypair(chain.connection, 5);
    const path = join(dir, "c.json");
    writeKeypair(path, c);
    const cProgram = coordinatorProgram(providerFor(chain.connection, c));
    const cSender = new TransactionSender(chain.connection, c);
    const stake = BigInt(config.minStake.toString());
    const member = { run: challenged, member: c.publicKey };
    await cSender.send([await ix.joinInstruction(cProgram, { ...member, endpoint: "ws://127.0.0.1:9", stake })]);
    const crank = new Crank(program, challenged, authoritySender);
    for (let i = 0; runStateOf((await program.account.run.fetch(challenged)).state) !== RunState.RoundTrain; i++) {
      if (i > 100) throw new Error("the run did not reach round 0");
      await crank.once();
      await new Promise((r) => setTimeout(r, 100));
    }
    const hash = new Uint8Array(32).fill(7);
    await cSender.send([
      await ix.commitInstruction(cProgram, { ...member, epoch: 0n, step: 0n, hash, size: 100, loss: 1 }),
    ]);
    await cSender.send([
      await ix.witnessInstruction(cProgram, {
        run: challenged,
        witness: c.publicKey,
        step: 0n,
        bitmap: ix.memberBitmap([0]),
      }),
    ]);
    await cSender.send([await ix.leaveInstruction(cProgram, member)]);
    // When an outsider challenges it
    const outsider = wallets.outsider.keypair;
    await new TransactionSender(chain.connection, outsider).send([
      await ix.challengeInstruction(coordinatorProgram(providerFor(chain.connection, outsider)), {
        ...member,
        challenger: outsider.publicKey,
        epoch: 0n,
        step: 0n,
        evidenceHash: new Uint8Array(32).fill(1),
      }),
    ]);

    // Then withdraw refuses in one line, naming the open challenge
    const balance = await chain.connection.getBalance(c.publicKey);
    logged.length = 0;
    expect(await main(["withdraw", "--url", chain.rpcUrl, "--keypair", path, "--run", challenged.toBase58()])).toBe(1);
    const errors = logged.filter((l) => /^error( \d+)?: /.test(l));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/has 1 open challenge\(s\) in run .*: withdraw waits until they are resolved/);
    expect(await chain.connection.getBalance(c.publicKey)).toBe(balance);
  }, 60_000);
});
