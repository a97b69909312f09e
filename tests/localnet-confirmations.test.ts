// Confirmations through plain web3.js against the real local chain while the CPU is saturated: every one of
// thousands must resolve, and each races a timer so a lost notification fails fast with its signature instead of
// waiting out a minute of blockhash validity (or Jest's timeout).
import type { Keypair } from "@solana/web3.js";
import { Connection, SystemProgram, Transaction } from "@solana/web3.js";
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import type { Localnet } from "../coordinator/localnet/localnet";
import { startLocalnet } from "../coordinator/localnet/localnet";
import { fundedKeypair, waitForIdleWebsocket } from "../coordinator/localnet/localnetClient";

const CONFIRMATIONS = 2000;
const IN_FLIGHT = 24;
/** web3.js closes an idle websocket 500 ms after its last subscription; these connections pause around that edge. */
const IDLE_EDGE_CONNECTIONS = 16;
const IDLE_EDGE_MS = 500;
const CONFIRM_WITHIN_MS = 10_000;

let net: Localnet;
let busy: ChildProcess;

beforeAll(async () => {
  net = await startLocalnet({ port: 0 });
  // A child that keeps a core busy, as other jobs do on a loaded CI machine
  busy = spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
});
afterAll(async () => {
  busy.kill("SIGKILL");
  await waitForIdleWebsocket();
  await net.close();
});

function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} not confirmed within ${CONFIRM_WITHIN_MS} ms`)),
      CONFIRM_WITHIN_MS,
    );
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

test(`${CONFIRMATIONS} confirmations under CPU load each resolve within ${CONFIRM_WITHIN_MS / 1000} s`, async () => {
  const shared = new Connection(net.rpcUrl, "confirmed");
  const payer: Keypair = await fundedKeypair(shared, 10);
  const to = (await fundedKeypair(shared, 1)).publicKey;
  let next = 0;
  const worker = async (connection: Connection, pauseMs?: () => number) => {
    for (let i = next++; i < CONFIRMATIONS; i = next++) {
      if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs()));
      const latest = await connection.getLatestBlockhash();
      const tx = new Transaction({ ...latest, feePayer: payer.publicKey }).add(
        SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: i + 1 }),
      );
      tx.sign(payer);
      const signature = await connection.sendRawTransaction(tx.serialize());
      // Both of web3.js's strategies: by block height (sendAndConfirmTransaction) and by signature alone (Anchor)
      const confirmation =
        i % 2 ? connection.confirmTransaction({ signature, ...latest }) : connection.confirmTransaction(signature);
      const { value } = await within(confirmation, `transaction ${i} (${signature})`);
      expect(value.err).toBeNull();
    }
  };
  const edge = () => IDLE_EDGE_MS - 20 + Math.random() * 40;
  await Promise.all([
    ...Array.from({ length: IN_FLIGHT }, () => worker(shared)),
    ...Array.from({ length: IDLE_EDGE_CONNECTIONS }, () => worker(new Connection(net.rpcUrl, "confirmed"), edge)),
  ]);
}, 120_000);
