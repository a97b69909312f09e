// `npm run bench:localnet`: throughput of the local chain over a long run. Four unmodified web3.js clients send
// transfers one after another (each waits for its sendTransaction answer: preflight, execution, journal append)
// against a chain persisting to a folder; the rate is printed for every window of transactions, so a slowdown as the
// history grows shows. `-- --transactions N` (default 100,000), `-- --window N` (default 10,000).
import { Connection, Keypair, LAMPORTS_PER_SOL, SystemProgram, Transaction } from "@solana/web3.js";
import { mkdtempSync, rmSync, statSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yargs from "yargs";
import { startLocalnet } from "../coordinator/localnet/localnet";
import { waitForIdleWebsocket } from "../coordinator/localnet/localnetClient";

const CLIENTS = 4;

async function main(): Promise<void> {
  const args = yargs(process.argv.slice(2))
    .option("transactions", { type: "number", default: 100_000 })
    .option("window", { type: "number", default: 10_000 })
    .strict()
    .parseSync();
  const stateDir = mkdtempSync(join(tmpdir(), "concord-bench-localnet-"));
  const net = await startLocalnet({ port: 0, stateDir });
  const payers = Array.from({ length: CLIENTS }, () => Keypair.generate());
  const connections = payers.map(() => new Connection(net.rpcUrl, "confirmed"));
  for (const [i, p] of payers.entries())
    await connections[i].confirmTransaction(await connections[i].requestAirdrop(p.publicKey, 500 * LAMPORTS_PER_SOL));
  const to = Keypair.generate().publicKey;
  let sent = 0;
  let windowStart = performance.now();
  const started = windowStart;
  const rates: number[] = [];
  await Promise.all(
    payers.map(async (payer, c) => {
      for (let i = 0; sent < args.transactions; i++) {
        const { blockhash } = await connections[c].getLatestBlockhash();
        const tx = new Transaction({ recentBlockhash: blockhash, feePayer: payer.publicKey }).add(
          SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: 1_000_000 + i }),
        );
        tx.sign(payer);
        await connections[c].sendRawTransaction(tx.serialize());
        if (++sent % args.window === 0) {
          const now = performance.now();
          rates.push(args.window / ((now - windowStart) / 1000));
          windowStart = now;
          const files = readdirSync(stateDir).map(
            (f) => `${f} ${(statSync(join(stateDir, f)).size / 1e6).toFixed(1)} MB`,
          );
          const rss = (process.memoryUsage().rss / 1e6).toFixed(0);
          console.log(`${sent} transactions: ${rates.at(-1)!.toFixed(0)} tx/s; rss ${rss} MB; ${files.join(", ")}`);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${sent} transactions in ${seconds.toFixed(0)} s: ${(sent / seconds).toFixed(0)} tx/s overall; ` +
      `first window ${rates[0]?.toFixed(0)} tx/s, last ${rates.at(-1)?.toFixed(0)} tx/s ` +
      `(last/first ${((rates.at(-1)! / rates[0]) * 100).toFixed(0)}%)`,
  );
  await waitForIdleWebsocket();
  await net.close();
  rmSync(stateDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
