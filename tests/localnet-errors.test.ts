// Bad requests against the running local chain get standard JSON-RPC errors, and the server keeps serving.
import { Keypair, LAMPORTS_PER_SOL, SystemProgram, Transaction } from "@solana/web3.js";
import WebSocket from "ws";
import type { AddressInfo, Server } from "node:net";
import { createServer } from "node:net";
import { MAX_REQUEST_BYTES } from "../coordinator/localnet/httpServer";
import type { Localnet } from "../coordinator/localnet/localnet";
import { startLocalnet } from "../coordinator/localnet/localnet";
import { within } from "./helpers/within";

let net: Localnet;
beforeAll(async () => {
  net = await startLocalnet({ port: 0 });
});
afterAll(async () => net.close());

const post = async (body: string) => {
  const res = await fetch(net.rpcUrl, { method: "POST", body, headers: { "content-type": "application/json" } });
  return { status: res.status, json: await res.json() };
};
const call = (method: string, params: unknown[] = []) =>
  post(JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }));

/** A payer funded with 1 SOL and a signed transfer from it, not yet sent. */
async function fundedTransfer(blockhash = net.chain.latestBlockhash()) {
  const payer = Keypair.generate();
  await call("requestAirdrop", [payer.publicKey.toBase58(), LAMPORTS_PER_SOL]);
  const tx = new Transaction({ ...blockhash, feePayer: payer.publicKey }).add(
    SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: Keypair.generate().publicKey, lamports: 1e6 }),
  );
  tx.sign(payer);
  return { payer, tx };
}

async function stillServing() {
  expect((await call("getHealth")).json.result).toBe("ok");
}

describe("localnet error handling", () => {
  test("malformed JSON gets -32700 and the server keeps serving", async () => {
    expect((await post("{not json")).json).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32700 } });
    await stillServing();
  });

  test("unknown methods get -32601", async () => {
    expect((await call("getEverything")).json).toMatchObject({ id: 1, error: { code: -32601 } });
    await stillServing();
  });

  test("oversized requests get HTTP 413 and -32600", async () => {
    const huge = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "getHealth",
      params: ["x".repeat(MAX_REQUEST_BYTES)],
    });
    const r = await post(huge);
    expect(r.status).toBe(413);
    expect(r.json).toMatchObject({ error: { code: -32600, message: expect.stringMatching(/too large/) } });
    await stillServing();
  });

  test("GET is refused with 405", async () => {
    const res = await fetch(net.rpcUrl);
    expect(res.status).toBe(405);
    expect(await res.json()).toMatchObject({ error: { code: -32600 } });
  });

  test("batch requests get one answer per call", async () => {
    const r = await post(
      JSON.stringify([
        { jsonrpc: "2.0", id: 1, method: "getHealth" },
        { jsonrpc: "2.0", id: 2, method: "getSlot" },
        { jsonrpc: "2.0", id: 3, method: "nope" },
      ]),
    );
    expect(r.json).toHaveLength(3);
    expect(r.json[0]).toEqual({ jsonrpc: "2.0", id: 1, result: "ok" });
    expect(typeof r.json[1].result).toBe("number");
    expect(r.json[2].error.code).toBe(-32601);
  });

  test.each([
    ["a bad public key", "getAccountInfo", ["not-a-key"]],
    ["a missing public key", "getBalance", []],
    [
      "an unknown account encoding",
      "getAccountInfo",
      ["11111111111111111111111111111111", { encoding: "base64+zstd" }],
    ],
    [
      "a bad filter",
      "getProgramAccounts",
      ["11111111111111111111111111111111", { filters: [{ memcmp: { offset: -1, bytes: "1" } }] }],
    ],
    [
      "too many accounts",
      "getMultipleAccounts",
      [Array.from({ length: 101 }, () => "11111111111111111111111111111111")],
    ],
    ["a transaction that is not base64", "sendTransaction", ["%%%", { encoding: "base64" }]],
    [
      "bytes that are not a transaction",
      "sendTransaction",
      [Buffer.from("hello").toString("base64"), { encoding: "base64" }],
    ],
    ["an airdrop over the limit", "requestAirdrop", [Keypair.generate().publicKey.toBase58(), 1e6 * LAMPORTS_PER_SOL]],
  ])("%s gets -32602", async (_, method, params) => {
    expect((await call(method, params)).json).toMatchObject({ error: { code: -32602 } });
    await stillServing();
  });

  test("an unsigned transaction fails signature verification (-32003) and changes nothing", async () => {
    const from = net.chain.faucet.publicKey;
    const before = net.chain.getAccount(from.toBase58())!.lamports;
    const tx = new Transaction({ ...net.chain.latestBlockhash(), feePayer: from }).add(
      SystemProgram.transfer({ fromPubkey: from, toPubkey: Keypair.generate().publicKey, lamports: 1e6 }),
    );
    const bytes = tx.serialize({ requireAllSignatures: false, verifySignatures: false });
    expect((await call("sendTransaction", [bytes.toString("base64"), { encoding: "base64" }])).json).toMatchObject({
      error: { code: -32003 },
    });
    expect(net.chain.getAccount(from.toBase58())!.lamports).toBe(before);
  });

  test("a forged signature is refused and changes nothing", async () => {
    const { payer, tx } = await fundedTransfer();
    const bytes = tx.serialize();
    bytes[10] ^= 0xff; // inside the signature
    const r = (await call("sendTransaction", [bytes.toString("base64"), { encoding: "base64", skipPreflight: true }]))
      .json;
    expect(r.error.code).toBeLessThan(0);
    expect(net.chain.getAccount(payer.publicKey.toBase58())!.lamports).toBe(LAMPORTS_PER_SOL);
  });

  test("a replayed transaction is refused as AlreadyProcessed", async () => {
    const { payer, tx } = await fundedTransfer();
    const wire = tx.serialize().toString("base64");
    expect((await call("sendTransaction", [wire, { encoding: "base64" }])).json.result).toEqual(expect.any(String));
    const balance = net.chain.getAccount(payer.publicKey.toBase58())!.lamports;
    const again = (await call("sendTransaction", [wire, { encoding: "base64" }])).json;
    expect(again.error).toMatchObject({ code: -32002, data: { err: "AlreadyProcessed" } });
    expect(net.chain.getAccount(payer.publicKey.toBase58())!.lamports).toBe(balance);
  });

  test("a transaction with an unknown blockhash is refused with BlockhashNotFound", async () => {
    const { tx } = await fundedTransfer({
      blockhash: Keypair.generate().publicKey.toBase58(),
      lastValidBlockHeight: 0,
    });
    const r = (await call("sendTransaction", [tx.serialize().toString("base64"), { encoding: "base64" }])).json;
    expect(r.error).toMatchObject({ code: -32002, data: { err: "BlockhashNotFound" } });
  });

  test("the websocket endpoint answers malformed messages and unknown subscriptions with errors", async () => {
    const ws = new WebSocket(net.wsUrl);
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    const next = () =>
      new Promise<Record<string, unknown>>((resolve) => ws.once("message", (d) => resolve(JSON.parse(d.toString()))));
    let reply = next();
    ws.send("{oops");
    expect(await reply).toMatchObject({ error: { code: -32700 } });
    reply = next();
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 4, method: "accountUnsubscribe", params: [12345] }));
    expect(await reply).toMatchObject({ id: 4, error: { code: -32602 } });
    reply = next();
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 5, method: "logsSubscribe", params: [{ mentions: ["a", "b"] }] }));
    expect(await reply).toMatchObject({ id: 5, error: { code: -32602 } });
    ws.close();
  });
});

describe("binding", () => {
  /** A server holding a free port on 127.0.0.1 (the OS picks it). */
  const holdPort = () =>
    new Promise<Server>((resolve) => {
      const s = createServer();
      s.listen(0, "127.0.0.1", () => resolve(s));
    });

  test("a websocket port (port + 1) in use: the start is refused with the error, the process does not crash", async () => {
    // Given a port p whose p + 1 another process holds (p itself found free just before)
    const held = await holdPort();
    const wsPort = (held.address() as AddressInfo).port;
    try {
      // When the local chain is asked for p = wsPort - 1 (if p is taken too, the start is refused all the same)
      const start = startLocalnet({ port: wsPort - 1 });
      // Then it rejects with EADDRINUSE (an unhandled 'error' on the websocket server would crash the process instead)
      await expect(within(start, "the start to be refused", 10_000)).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await new Promise((resolve) => held.close(resolve));
    }
  });
});
