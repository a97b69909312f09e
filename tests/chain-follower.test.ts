// trainer/node/chainFollower.ts against the real local chain: it sees every change of the Run account through
// accountSubscribe, and keeps seeing them by polling when the subscription is gone.
import { Connection } from "@solana/web3.js";
import { fundedKeypair, providerFor } from "../coordinator/localnet/localnetClient";
import { CONCORD_ERROR__CLIENT__ACCOUNT_NOT_FOUND } from "../sdk/errors/codes";
import { isConcordError } from "../sdk/errors/concordError";
import type { RunAccount } from "../sdk/coordinatorAccounts";
import * as ix from "../sdk/coordinatorInstructions";
import { coordinatorProgram } from "../sdk/coordinatorProgram";
import { TransactionSender } from "../sdk/transactionSender";
import { ChainFollower } from "../trainer/node/chainFollower";
import { runConfig } from "./helpers/coordinatorHarness";
import { eventually } from "./helpers/within";
import { useTestLocalnet } from "./helpers/testLocalnet";

const chain = useTestLocalnet();
beforeAll(async () => {});
afterAll(async () => {});

/** A Connection whose account subscriptions never deliver: what a dropped websocket looks like to web3.js. */
class DeafConnection extends Connection {
  override onAccountChange: Connection["onAccountChange"] = () => 0;
  override async removeAccountChangeListener(): Promise<void> {}
}

async function newRun(connection: Connection, runId: bigint) {
  const authority = await fundedKeypair(connection, 10);
  const program = coordinatorProgram(providerFor(connection, authority));
  const sender = new TransactionSender(connection, authority);
  await sender.send(
    await ix.createRunInstructions(program, { authority: authority.publicKey, runId, config: runConfig() }),
  );
  const { run } = ix.runAddresses(program, runId);
  const join = async () => {
    const member = await fundedKeypair(connection, 3);
    const as = coordinatorProgram(providerFor(connection, member));
    const stake = BigInt(runConfig().minStake.toString());
    await new TransactionSender(connection, member).send([
      await ix.joinInstruction(as, { run, member: member.publicKey, endpoint: "ws://127.0.0.1:1", stake }),
    ]);
  };
  return { run, join };
}

test.each([
  ["through the subscription", (url: string) => new Connection(url, "confirmed"), 60_000],
  ["by polling when the subscription delivers nothing", (url: string) => new DeafConnection(url, "confirmed"), 200],
])("a follower sees every join %s", async (_, connect, pollMs) => {
  const connection = connect(chain.rpcUrl);
  const { run, join } = await newRun(connection, BigInt(pollMs));
  const follower = new ChainFollower(connection, run, { pollMs });
  const seen: RunAccount[] = [];
  follower.onChange((r) => seen.push(r));
  expect((await follower.start()).memberCount).toBe(0);
  try {
    await join();
    await eventually(() => follower.latest.memberCount === 1, "the first join", 10_000);
    await join();
    await eventually(() => follower.latest.memberCount === 2, "the second join", 10_000);
    // each state once, in order
    expect(seen.map((r) => r.memberCount)).toEqual([0, 1, 2]);
  } finally {
    await follower.stop();
  }
});

test("following a run that does not exist is a clear error", async () => {
  const connection = new Connection(chain.rpcUrl, "confirmed");
  const { run } = ix.runAddresses(
    coordinatorProgram(providerFor(connection, await fundedKeypair(connection, 1))),
    424242n,
  );
  const e = await new ChainFollower(connection, run).start().catch((x: unknown) => x);
  expect(isConcordError(e, CONCORD_ERROR__CLIENT__ACCOUNT_NOT_FOUND)).toBe(true);
});
