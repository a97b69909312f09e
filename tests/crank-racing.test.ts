// Cranks racing over JSON-RPC on a local chain: ticking is permissionless, and the loser of a race finds nothing due.
import type { SendOptions, Keypair } from "@solana/web3.js";
import { Connection } from "@solana/web3.js";
import { Crank } from "../coordinator/crank/crank";
import { fundedKeypair, providerFor } from "../coordinator/localnet/localnetClient";
import { COORDINATOR_ERROR_CODES } from "../sdk/coordinatorErrors";
import * as ix from "../sdk/coordinatorInstructions";
import { coordinatorProgram } from "../sdk/coordinatorProgram";
import { RunState, runStateOf } from "../sdk/runState";
import { TransactionSender } from "../sdk/transactionSender";
import { runConfig } from "./helpers/coordinatorHarness";
import { useTestLocalnet } from "./helpers/testLocalnet";

const chain = useTestLocalnet();

beforeAll(async () => {});
afterAll(async () => {});

/** A run whose authority has joined it, so the move to Warmup is due. */
async function runDueForWarmup(runId: bigint) {
  const authority = await fundedKeypair(chain.connection, 10);
  const program = coordinatorProgram(providerFor(chain.connection, authority));
  const sender = new TransactionSender(chain.connection, authority);
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
  const crankers = [await fundedKeypair(chain.connection, 1), await fundedKeypair(chain.connection, 1)];
  const crank = (k: Keypair) => new Crank(program, run, new TransactionSender(chain.connection, k));
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
  const rival = new TransactionSender(chain.connection, await fundedKeypair(chain.connection, 1));
  class RacedConnection extends Connection {
    override async sendRawTransaction(raw: Buffer | Uint8Array | number[], options?: SendOptions): Promise<string> {
      await rival.send([await ix.tickInstruction(program, run)]);
      return super.sendRawTransaction(raw, { ...options, skipPreflight: true });
    }
  }
  const cranker = await fundedKeypair(chain.connection, 1);
  const crank = new Crank(program, run, new TransactionSender(new RacedConnection(chain.rpcUrl, "confirmed"), cranker));

  // When our crank ticks, it reports nothing due
  expect(await crank.once()).toBeNull();

  // Then the run moved once (the rival's tick), and our tick is on-chain, failed with NoTransitionDue
  expect(runStateOf((await program.account.run.fetch(run)).state)).toBe(RunState.Warmup);
  const [tick] = await chain.connection.getSignaturesForAddress(cranker.publicKey, { limit: 1 });
  // (instruction 1: instruction 0 is the compute-unit limit that tags the transition)
  expect(tick.err).toEqual({ InstructionError: [1, { Custom: COORDINATOR_ERROR_CODES.noTransitionDue }] });
});
