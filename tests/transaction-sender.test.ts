// The SDK's TransactionSender against the real local chain and program: success, program errors typed at preflight
// and when landed, identical sends, blockhash expiry, and a confirmation whose notification never comes.
import type { SendOptions, Keypair } from "@solana/web3.js";
import { Connection, SystemProgram } from "@solana/web3.js";
import { WebSocketServer } from "ws";
import type { AddressInfo } from "node:net";
import { coordinatorProgram as programArtifacts } from "../coordinator/localnet/coordinatorProgram";
import type { Localnet } from "../coordinator/localnet/localnet";
import { startLocalnet } from "../coordinator/localnet/localnet";
import { BLOCKHASH_VALID_SLOTS, SLOT_MS } from "../coordinator/localnet/localChain";
import { fundedKeypair, providerFor, waitForIdleWebsocket } from "../coordinator/localnet/localnetClient";
import { COORDINATOR_ERROR_CODES } from "../sdk/coordinatorErrors";
import * as ix from "../sdk/coordinatorInstructions";
import { coordinatorProgram } from "../sdk/coordinatorProgram";
import * as codes from "../sdk/errors/codes";
import { isConcordError } from "../sdk/errors/concordError";
import { TransactionSender, programErrorCode } from "../sdk/transactionSender";
import { runConfig } from "./helpers/coordinatorHarness";

// The chain's clock is injected so a test can move it past a blockhash's validity instead of waiting a minute.
let skipped = 0;
let net: Localnet;
let connection: Connection;

beforeAll(async () => {
  net = await startLocalnet({ port: 0, programs: [programArtifacts()], now: () => Date.now() + skipped });
  connection = new Connection(net.rpcUrl, "confirmed");
});
afterAll(async () => {
  await waitForIdleWebsocket();
  await net.close();
});

const expireBlockhashes = () => (skipped += (BLOCKHASH_VALID_SLOTS + 2) * SLOT_MS);
const transfer = (from: Keypair, to: Keypair, lamports: number) =>
  SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: to.publicKey, lamports });

/** A Connection whose sendRawTransaction runs `before` first and may force skipPreflight: a cluster's timing. */
function connectionWith(before: () => void, skipPreflight = false, url = net.rpcUrl) {
  let sends = 0;
  class Timed extends Connection {
    override async sendRawTransaction(raw: Buffer | Uint8Array | number[], options?: SendOptions) {
      sends++;
      before();
      return super.sendRawTransaction(raw, { ...options, ...(skipPreflight ? { skipPreflight } : {}) });
    }
  }
  return { connection: new Timed(url, "confirmed"), sends: () => sends };
}

/** A run with nothing due, and a tick of it: the program refuses it with NoTransitionDue. */
async function refusedTick(sender: TransactionSender) {
  const program = coordinatorProgram(providerFor(connection, sender.payer));
  const runId = BigInt(Math.floor(Math.random() * 1e9));
  const { run } = ix.runAddresses(program, runId);
  await sender.send(
    await ix.createRunInstructions(program, { authority: sender.payer.publicKey, runId, config: runConfig() }),
  );
  return { run, tick: await ix.tickInstruction(program, run) };
}

async function thrown(p: Promise<unknown>) {
  const e = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isConcordError(e)) throw new Error(`expected a ConcordError, got ${String(e)}`);
  return e;
}

test("sends a transaction and resolves to its landed signature", async () => {
  const [alice, bob] = [await fundedKeypair(connection, 2), await fundedKeypair(connection, 1)];
  const signature = await new TransactionSender(connection, alice).send([transfer(alice, bob, 1000)]);
  const landed = await connection.getTransaction(signature, { commitment: "confirmed" });
  expect(landed?.meta?.err).toBeNull();
});

test("a program error refused at preflight is typed with its code and name, and nothing lands", async () => {
  const sender = new TransactionSender(connection, await fundedKeypair(connection, 10));
  const { tick } = await refusedTick(sender);
  const before = await connection.getBalance(sender.payer.publicKey);
  const e = await thrown(sender.send([tick]));
  expect(e.code).toBe(codes.CONCORD_ERROR__TRANSACTION__PROGRAM_ERROR);
  expect(e.context).toMatchObject({ code: COORDINATOR_ERROR_CODES.noTransitionDue, name: "noTransitionDue" });
  expect(e.context.signature).toBeUndefined();
  expect(programErrorCode(e)).toBe(COORDINATOR_ERROR_CODES.noTransitionDue);
  expect(await connection.getBalance(sender.payer.publicKey)).toBe(before);
});

test("a program error that lands (skipPreflight) is typed with its code and the failed transaction's signature", async () => {
  const payer = await fundedKeypair(connection, 10);
  const { tick } = await refusedTick(new TransactionSender(connection, payer));
  const skipping = new TransactionSender(connectionWith(() => {}, true).connection, payer);
  const e = await thrown(skipping.send([tick]));
  expect(e.code).toBe(codes.CONCORD_ERROR__TRANSACTION__PROGRAM_ERROR);
  expect(programErrorCode(e)).toBe(COORDINATOR_ERROR_CODES.noTransitionDue);
  const landed = await connection.getTransaction(String(e.context.signature), { commitment: "confirmed" });
  expect(landed?.meta?.err).toEqual({ InstructionError: [0, { Custom: COORDINATOR_ERROR_CODES.noTransitionDue }] });
});

test("a second identical send lands as a second transaction", async () => {
  const [alice, bob] = [await fundedKeypair(connection, 2), await fundedKeypair(connection, 1)];
  const sender = new TransactionSender(connection, alice);
  const before = await connection.getBalance(bob.publicKey);
  const [first, second] = await Promise.all([
    sender.send([transfer(alice, bob, 1000)]),
    sender.send([transfer(alice, bob, 1000)]),
  ]);
  expect(first).not.toBe(second);
  expect(await connection.getBalance(bob.publicKey)).toBe(before + 2000);
  expect(await sender.send([transfer(alice, bob, 1000)])).not.toBe(second); // and a third, sent right after
});

test("a resend of a landed transaction (its first answer lost) is confirmed as that transaction: it lands once", async () => {
  const [alice, bob] = [await fundedKeypair(connection, 2), await fundedKeypair(connection, 1)];
  const before = await connection.getBalance(bob.publicKey);
  // Given an RPC node that lands the transaction but whose answer is lost, so the same bytes are sent again
  class LostAnswer extends Connection {
    override async sendRawTransaction(raw: Buffer | Uint8Array | number[], options?: SendOptions) {
      await super.sendRawTransaction(raw, options);
      return super.sendRawTransaction(raw, options); // refused: already processed
    }
  }
  const signature = await new TransactionSender(new LostAnswer(net.rpcUrl, "confirmed"), alice).send([
    transfer(alice, bob, 1000),
  ]);
  expect((await connection.getTransaction(signature, { commitment: "confirmed" }))?.meta?.err).toBeNull();
  expect(await connection.getBalance(bob.publicKey)).toBe(before + 1000);
});

test("a transaction dropped on its way (taken, never landed) is sent again once its confirmation times out", async () => {
  const [alice, bob] = [await fundedKeypair(connection, 2), await fundedKeypair(connection, 1)];
  const before = await connection.getBalance(bob.publicKey);
  // Given an RPC node that answers the first send but loses the transaction, as one killed before it landed does
  let sends = 0;
  class Dropping extends Connection {
    override async sendRawTransaction(raw: Buffer | Uint8Array | number[], options?: SendOptions) {
      return sends++ === 0 ? "dropped" : super.sendRawTransaction(raw, options);
    }
  }
  const sender = new TransactionSender(new Dropping(net.rpcUrl, "confirmed"), alice, { confirmTimeoutMs: 1000 });
  const signature = await sender.send([transfer(alice, bob, 1000)]);
  expect(sends).toBe(2);
  expect((await connection.getTransaction(signature, { commitment: "confirmed" }))?.meta?.err).toBeNull();
  expect(await connection.getBalance(bob.publicKey)).toBe(before + 1000);
});

test("a blockhash that expires before the transaction lands is replaced, and the transaction resent", async () => {
  const [alice, bob] = [await fundedKeypair(connection, 2), await fundedKeypair(connection, 1)];
  // Given a cluster on which the first send arrives after its blockhash expired
  const timed = connectionWith(() => timed.sends() === 1 && expireBlockhashes());
  const signature = await new TransactionSender(timed.connection, alice).send([transfer(alice, bob, 1000)]);
  expect(timed.sends()).toBe(2);
  expect((await connection.getTransaction(signature, { commitment: "confirmed" }))?.meta?.err).toBeNull();
  // And when every attempt expires, the sender gives up after maxAttempts with a typed error
  const late = connectionWith(expireBlockhashes);
  const e = await thrown(
    new TransactionSender(late.connection, alice, { maxAttempts: 2 }).send([transfer(alice, bob, 1)]),
  );
  expect(e.code).toBe(codes.CONCORD_ERROR__TRANSACTION__BLOCKHASH_EXPIRED);
  expect(late.sends()).toBe(2);
});

/**
 * A websocket endpoint that leaves every request unanswered until released: a subscription that never completes, so
 * no notification comes. Released, it answers them all (subscribe: an id; unsubscribe: true) so web3.js lets go.
 */
async function unansweredWebsocket() {
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((r) => wss.once("listening", r));
  const held: (() => void)[] = [];
  let released = false;
  wss.on("connection", (socket) =>
    socket.on("message", (data) => {
      const { id, method } = JSON.parse(data.toString());
      if (id === undefined) return; // web3.js's heartbeat ping
      const result = String(method).endsWith("Unsubscribe") ? true : id;
      const answer = () => socket.send(JSON.stringify({ jsonrpc: "2.0", id, result }));
      if (released) answer();
      else held.push(answer);
    }),
  );
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    /** Answers everything and resolves once web3.js has closed its idle socket. */
    async release() {
      released = true;
      for (const answer of held) answer();
      await new Promise((r) => wss.close(r));
    },
  };
}

test("a confirmation whose notification never comes resolves after confirmTimeoutMs by asking for the status", async () => {
  const ws = await unansweredWebsocket();
  const [alice, bob] = [await fundedKeypair(connection, 2), await fundedKeypair(connection, 1)];
  const deaf = new Connection(net.rpcUrl, { commitment: "confirmed", wsEndpoint: ws.url });
  const started = Date.now();
  const signature = await new TransactionSender(deaf, alice, { confirmTimeoutMs: 1000 }).send([
    transfer(alice, bob, 1),
  ]);
  expect(Date.now() - started).toBeLessThan(10_000);
  expect((await connection.getTransaction(signature, { commitment: "confirmed" }))?.meta?.err).toBeNull();
  await ws.release();
});
