// RunRecord against the real local chain: reading a growing run twice gives the record one full read gives, and the
// second read asks the RPC node only for the transactions since the first (counted on the wire, through the
// connection's fetch).
import type { PublicKey } from "@solana/web3.js";
import { Connection } from "@solana/web3.js";
import { fundedKeypair, providerFor } from "../../coordinator/localnet/localnetClient";
import * as ix from "../../sdk/coordinatorInstructions";
import { coordinatorProgram } from "../../sdk/coordinatorProgram";
import { TransactionSender } from "../../sdk/transactionSender";
import { runConfig } from "../../tests/helpers/coordinatorHarness";
import { useTestLocalnet } from "../../tests/helpers/testLocalnet";
import { RunRecord, addressSignatures, runEvents } from "./runHistory";

const chain = useTestLocalnet();

/** A connection that notes the method and parameters of every JSON-RPC request it sends, batches entry by entry. */
function countingConnection(url: string) {
  const requests: { method: string; params: unknown[] }[] = [];
  const connection = new Connection(url, {
    commitment: "confirmed",
    fetch: (input, init) => {
      const body = JSON.parse(String(init?.body)) as { method: string; params: unknown[] } | object[];
      requests.push(...((Array.isArray(body) ? body : [body]) as { method: string; params: unknown[] }[]));
      return fetch(input, init);
    },
  });
  return { connection, requests };
}

async function newRun(runId: bigint) {
  const authority = await fundedKeypair(chain.connection, 10);
  const program = coordinatorProgram(providerFor(chain.connection, authority));
  await new TransactionSender(chain.connection, authority).send(
    await ix.createRunInstructions(program, { authority: authority.publicKey, runId, config: runConfig() }),
  );
  const { run } = ix.runAddresses(program, runId);
  const join = async () => {
    const member = await fundedKeypair(chain.connection, 3);
    const as = coordinatorProgram(providerFor(chain.connection, member));
    const stake = BigInt(runConfig().minStake.toString());
    await new TransactionSender(chain.connection, member).send([
      await ix.joinInstruction(as, { run, member: member.publicKey, endpoint: "ws://127.0.0.1:1", stake }),
    ]);
  };
  return { run, programId: program.programId, join };
}

const signaturesOf = (connection: Connection, run: PublicKey) =>
  addressSignatures(connection, run).then((all) => all.map((s) => s.signature));

test("a record read twice equals one full read, and the second read asks only for the new transactions", async () => {
  // Given a run with two members, read once through a RunRecord
  const { run, programId, join } = await newRun(71n);
  await join();
  await join();
  const { connection, requests } = countingConnection(chain.rpcUrl);
  const record = new RunRecord(connection, programId, run);
  const first = [...(await record.read())];
  expect(first.filter((e) => e.name === "memberJoined")).toHaveLength(2);
  const before = await signaturesOf(chain.connection, run);

  // When two more members join and the record is read again
  await join();
  await join();
  requests.length = 0;
  const second = await record.read();

  // Then it is the record one full read gives, two joins longer
  expect(second).toEqual(await runEvents(chain.connection, programId, run));
  expect(second.slice(0, first.length)).toEqual(first);
  expect(second.filter((e) => e.name === "memberJoined")).toHaveLength(4);
  // and it asked for the signatures after the newest one it had seen, then for the two new transactions alone
  const fresh = (await signaturesOf(chain.connection, run)).filter((s) => !before.includes(s));
  expect(fresh).toHaveLength(2);
  expect(requests.map((r) => r.method).sort()).toEqual(["getSignaturesForAddress", "getTransaction", "getTransaction"]);
  const listing = requests.find((r) => r.method === "getSignaturesForAddress")!;
  expect((listing.params[1] as { until?: string }).until).toBe(before[0]);
  const fetched = requests.filter((r) => r.method === "getTransaction").map((r) => r.params[0]);
  expect(fetched.sort()).toEqual([...fresh].sort());

  // And a read with nothing new asks for no transaction and returns the same record
  requests.length = 0;
  expect(await record.read()).toEqual(second);
  expect(requests.map((r) => r.method)).toEqual(["getSignaturesForAddress"]);
}, 60_000);
