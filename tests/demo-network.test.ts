// The demo network end to end on a local chain over JSON-RPC: simulated members train with DeMo, commit receipts,
// witnesses vouch, everyone applies the accepted updates, and the run finishes with rewards paid.
import type { SendOptions } from "@solana/web3.js";
import { Connection, Keypair } from "@solana/web3.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Crank } from "../coordinator/crank/crank";
import { coordinatorProgram as programArtifacts } from "../coordinator/localnet/coordinatorProgram";
import type { Localnet } from "../coordinator/localnet/localnet";
import { startLocalnet } from "../coordinator/localnet/localnet";
import { fundedKeypair, providerFor, waitForIdleWebsocket } from "../coordinator/localnet/localnetClient";
import { runDemoNetwork } from "../scripts/demo/demoNetwork";
import type { ComputeDescriptor } from "../sdk/receiptMetadata";
import { checkReceiptMetadata, decodeReceiptMetadata } from "../sdk/receiptMetadata";
import { updateHash } from "../sdk/codec/updateCodec";
import { COORDINATOR_ERROR_CODES } from "../sdk/coordinatorErrors";
import * as ix from "../sdk/coordinatorInstructions";
import { findEpochReceiptsAddress } from "../sdk/coordinatorPdas";
import { coordinatorProgram } from "../sdk/coordinatorProgram";
import { RunState, runStateOf } from "../sdk/runState";
import { TransactionSender } from "../sdk/transactionSender";
import { computeDescriptor, selectBackend } from "../trainer/backend/selectBackend";
import { generatedCorpus } from "../trainer/data/corpusText";
import { prepareDataset } from "../trainer/data/prepareDataset";
import { openDataset } from "../trainer/data/tokenShards";
import { runConfig } from "./helpers/coordinatorHarness";

let net: Localnet;
let compute: ComputeDescriptor;
let connection: Connection;
const dir = mkdtempSync(join(tmpdir(), "concord-demo-"));

beforeAll(async () => {
  compute = computeDescriptor(await selectBackend({ order: ["wasm+native", "wasm"], log: () => {} }));
  net = await startLocalnet({ port: 0, programs: [programArtifacts()] });
  connection = new Connection(net.rpcUrl, "confirmed");
});
afterAll(async () => {
  await waitForIdleWebsocket();
  await net.close();
  rmSync(dir, { recursive: true, force: true });
});

test("members train, commit, get witnessed and accepted, and the run finishes with rewards", async () => {
  const { hash } = prepareDataset(generatedCorpus(40_000, 5), dir, {
    name: "demo",
    tokenizer: "char",
    trainFraction: 0.9,
    shardTokens: 8192,
  });
  const report = await runDemoNetwork({
    rpcUrl: net.rpcUrl,
    dataset: openDataset(dir, hash),
    members: 2,
    rounds: 3,
    globalBatchSize: 8,
    compute,
  });

  expect(report.rounds.map((r) => r.step)).toEqual([0, 1, 2]);
  const program = coordinatorProgram(providerFor(connection, Keypair.generate()));
  for (const round of report.rounds) {
    // Each member's rows were its share of the batch, and every committed update was accepted
    expect(round.commits).toHaveLength(2);
    expect(round.acceptedSlots.sort()).toEqual(round.commits.map((c) => c.slot).sort());
    for (const c of round.commits) {
      // The receipt on-chain is the hash and size of exactly the bytes the member sent
      const [address] = findEpochReceiptsAddress(report.run, c.member, 0n, program.programId);
      const receipt = (await program.account.epochReceipts.fetch(address)).receipts.find(
        (r) => r.step.toNumber() === round.step,
      )!;
      expect(Buffer.from(receipt.hash)).toEqual(Buffer.from(updateHash(c.bytes)));
      expect(receipt.size).toBe(c.bytes.length);
      expect(receipt.loss).toBeCloseTo(c.loss, 5);
      // And the metadata published with it binds the compute that produced it to that receipt
      const metadata = decodeReceiptMetadata(c.metadata);
      expect(metadata.compute).toEqual(compute);
      expect(() =>
        checkReceiptMetadata(metadata, { run: report.run, member: c.member, step: round.step, receipt }),
      ).not.toThrow();
    }
  }
  expect(runStateOf((await program.account.run.fetch(report.run)).state)).toBe(RunState.Finished);
  expect(report.valLossAfter).toBeLessThan(report.valLossBefore);
  for (const reward of report.rewards) expect(reward).toBeGreaterThan(0n);
});

/** A run whose authority has joined it, so the move to Warmup is due. */
async function runDueForWarmup(runId: bigint) {
  const authority = await fundedKeypair(connection, 10);
  const program = coordinatorProgram(providerFor(connection, authority));
  const sender = new TransactionSender(connection, authority);
  const { run } = ix.runAddresses(program, runId);
  await sender.send(
    await ix.createRunInstructions(program, { authority: authority.publicKey, runId, config: runConfig() }),
  );
  await sender.send([
    await ix.joinInstruction(program, {
      run,
      member: authority.publicKey,
      endpoint: "x",
      stake: BigInt(runConfig().minStake.toString()),
    }),
  ]);
  return { program, run, sender };
}

test("two cranks racing: one ticks, the other finds nothing due, and neither fails", async () => {
  const { program, run, sender } = await runDueForWarmup(7n);
  const crankers = [await fundedKeypair(connection, 1), await fundedKeypair(connection, 1)];
  const crank = (k: Keypair) => new Crank(program, run, new TransactionSender(connection, k));
  const results = await Promise.all(crankers.map((k) => crank(k).once()));
  expect(results.filter((r) => r !== null)).toEqual([{ from: RunState.WaitingForMembers, to: RunState.Warmup }]);
  expect(runStateOf((await program.account.run.fetch(run)).state)).toBe(RunState.Warmup);
  expect(await new Crank(program, run, sender).once()).toBeNull(); // warmup has not elapsed
});

test("a tick that lands failed because another crank ticked first is nothing due, not an error", async () => {
  // Given a run due for Warmup
  const { program, run } = await runDueForWarmup(8n);
  // And a rival whose tick lands just after our crank's preflight passed, so ours is sent without preflight and
  // lands failed, as when two cranks' ticks reach a validator in one slot
  const rival = new TransactionSender(connection, await fundedKeypair(connection, 1));
  class RacedConnection extends Connection {
    override async sendRawTransaction(raw: Buffer | Uint8Array | number[], options?: SendOptions): Promise<string> {
      await rival.send([await ix.tickInstruction(program, run)]);
      return super.sendRawTransaction(raw, { ...options, skipPreflight: true });
    }
  }
  const cranker = await fundedKeypair(connection, 1);
  const crank = new Crank(program, run, new TransactionSender(new RacedConnection(net.rpcUrl, "confirmed"), cranker));

  // When our crank ticks, it reports nothing due
  expect(await crank.once()).toBeNull();

  // Then the run moved once (the rival's tick), and our tick is on-chain, failed with NoTransitionDue
  expect(runStateOf((await program.account.run.fetch(run)).state)).toBe(RunState.Warmup);
  const [tick] = await connection.getSignaturesForAddress(cranker.publicKey, { limit: 1 });
  expect(tick.err).toEqual({ InstructionError: [0, { Custom: COORDINATOR_ERROR_CODES.noTransitionDue }] });
});
