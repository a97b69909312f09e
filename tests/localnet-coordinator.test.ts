// A training run on the local chain through plain web3.js and Anchor over HTTP and websockets on 127.0.0.1:
// create a run, join, tick, commit, and watch the run account change through accountSubscribe.
import { Connection } from "@solana/web3.js";
import { coordinatorProgram as programArtifacts } from "../coordinator/localnet/coordinatorProgram";
import type { Localnet } from "../coordinator/localnet/localnet";
import { startLocalnet } from "../coordinator/localnet/localnet";
import { fundedKeypair, providerFor, waitForIdleWebsocket } from "../coordinator/localnet/localnetClient";
import { decodeRun } from "../sdk/coordinatorAccounts";
import type { RunAccount } from "../sdk/coordinatorAccounts";
import * as ix from "../sdk/coordinatorInstructions";
import { findEpochReceiptsAddress } from "../sdk/coordinatorPdas";
import { coordinatorProgram } from "../sdk/coordinatorProgram";
import { RunState, runStateOf } from "../sdk/runState";
import { TransactionSender } from "../sdk/transactionSender";
import { receiptHash, runConfig } from "./helpers/coordinatorHarness";

// The chain's clock is injected so the test moves time instead of waiting for it.
let now = Date.now();
let net: Localnet;
let connection: Connection;

beforeAll(async () => {
  net = await startLocalnet({ port: 0, programs: [programArtifacts()], now: () => now });
  connection = new Connection(net.rpcUrl, "confirmed");
});
afterAll(async () => {
  await waitForIdleWebsocket();
  await net.close();
});

test("create a run, join, tick, commit, and receive the run account's changes over websockets", async () => {
  const authority = await fundedKeypair(connection, 10);
  const member = await fundedKeypair(connection, 10);
  const asAuthority = coordinatorProgram(providerFor(connection, authority));
  const asMember = coordinatorProgram(providerFor(connection, member));
  const authoritySends = new TransactionSender(connection, authority);
  const memberSends = new TransactionSender(connection, member);

  // Given a run created in one transaction
  const runId = 42n;
  const { run } = ix.runAddresses(asAuthority, runId);
  const config = runConfig({ warmupTime: 5 });
  await authoritySends.send(
    await ix.createRunInstructions(asAuthority, { authority: authority.publicKey, runId, config }),
  );
  const fetched = await asAuthority.account.run.fetch(run);
  expect(runStateOf(fetched.state)).toBe(RunState.WaitingForMembers);

  // And a subscription to the run account
  const changes: RunAccount[] = [];
  const subscription = connection.onAccountChange(
    run,
    (a) => changes.push(decodeRun(a.data, run.toBase58())),
    "confirmed",
  );
  await new Promise((r) => setTimeout(r, 200));

  // When a member joins with the minimum stake
  await memberSends.send([
    await ix.joinInstruction(asMember, {
      run,
      member: member.publicKey,
      endpoint: "ws://127.0.0.1:9100",
      stake: BigInt(config.minStake.toString()),
    }),
  ]);
  // Then the subscription reports the new member
  await waitFor(() => changes.some((c) => c.memberCount === 1));

  // When time passes and anyone ticks: WaitingForMembers -> Warmup -> RoundTrain
  await memberSends.send([await ix.tickInstruction(asMember, run)]);
  expect(runStateOf((await asMember.account.run.fetch(run)).state)).toBe(RunState.Warmup);
  now += (config.warmupTime + 1) * 1000;
  await memberSends.send([await ix.tickInstruction(asMember, run)]);
  const training = await asMember.account.run.fetch(run);
  expect(runStateOf(training.state)).toBe(RunState.RoundTrain);
  await waitFor(() => changes.some((c) => runStateOf(c.state) === RunState.RoundTrain));

  // And the member commits its receipt for this step
  const step = BigInt(training.step.toString());
  const epoch = BigInt(training.epoch.toString());
  const hash = receiptHash(member.publicKey, step);
  await memberSends.send([
    await ix.commitInstruction(asMember, { run, member: member.publicKey, epoch, step, hash, size: 4096, loss: 2.25 }),
  ]);

  // Then the receipt is on-chain, and the run account change reached the subscriber
  const [receiptsAddress] = findEpochReceiptsAddress(run, member.publicKey, epoch, asMember.programId);
  const receipts = await asMember.account.epochReceipts.fetch(receiptsAddress);
  expect(
    receipts.receipts.map((r) => [BigInt(r.step.toString()), Buffer.from(r.hash).toString("hex"), r.size, r.loss]),
  ).toEqual([[step, Buffer.from(hash).toString("hex"), 4096, 2.25]]);
  await waitFor(() => changes.some((c) => c.committedCount === 1));
  await connection.removeAccountChangeListener(subscription);
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("timed out waiting for a websocket notification");
    await new Promise((r) => setTimeout(r, 20));
  }
}
