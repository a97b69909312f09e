// `concord localnet` as users run it: a child process serving JSON-RPC, saving its state when interrupted.
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey, SystemProgram, Transaction } from "@solana/web3.js";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { coordinatorProgram } from "../coordinator/localnet/coordinatorProgram";
import { COORDINATOR_KEYPAIR } from "../programs/coordinator/paths";
import { LocalChain } from "../coordinator/localnet/localChain";
import { waitForIdleWebsocket } from "../coordinator/localnet/localnetClient";

const REPO = join(__dirname, "..");
const COORDINATOR_ID = "9QzudNr92RATf4sj12qmiwbJipLxJw6UbL1fCKSwE6BW";

const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

/** Runs `concord` from the checkout at `root` (this one by default). */
function startCli(
  args: string[],
  root = REPO,
): {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  url: Promise<string>;
} {
  const child = spawn(process.execPath, [join(root, "clients", "cli", "bin.js"), ...args], { cwd: root });
  children.push(child);
  let out = "";
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /RPC URL: (\S+)/.exec(out);
      if (m && /faucet: /.test(out)) resolve(m[1]); // the last line of the banner
    });
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
  url.catch(() => undefined); // only a failure for tests that wait for the URL
  return { child, output: () => out, url };
}

const exited = (child: ChildProcessWithoutNullStreams) =>
  new Promise<number | null>((resolve) => child.on("exit", resolve));

test("serves JSON-RPC, prints where, and saves its state on SIGINT", async () => {
  const stateDir = mkdtempSync(join(tmpdir(), "concord-cli-localnet-"));
  const first = startCli(["localnet", "--port", "0", "--state-dir", stateDir]);
  const url = await first.url;
  expect(first.output()).toMatch(/created in/);
  expect(first.output()).toContain(`coordinator program: ${COORDINATOR_ID}`);
  const connection = new Connection(url);
  const genesis = await connection.getGenesisHash();
  expect((await connection.getAccountInfo(new PublicKey(COORDINATOR_ID)))?.executable).toBe(true);
  first.child.kill("SIGINT");
  expect(await exited(first.child)).toBe(0);
  expect(first.output()).toMatch(/state saved/);
  expect(existsSync(join(stateDir, "faucet.json"))).toBe(true);

  const second = startCli(["localnet", "--port", "0", "--state-dir", stateDir]);
  const url2 = await second.url;
  expect(second.output()).toMatch(/loaded in/);
  expect(await new Connection(url2).getGenesisHash()).toBe(genesis);
  second.child.kill("SIGTERM");
  expect(await exited(second.child)).toBe(0);
}, 60_000);

test("loads a saved chain where the program was never built", async () => {
  // Given a checkout with no target/ (the CLI's sources, the program keypair and paths only) and a chain saved with the
  // coordinator deployed
  const root = mkdtempSync(join(tmpdir(), "concord-cli-unbuilt-"));
  for (const dir of ["clients", "coordinator", "scripts", "sdk", "trainer"])
    cpSync(join(REPO, dir), join(root, dir), { recursive: true });
  mkdirSync(join(root, "programs", "coordinator"), { recursive: true });
  cpSync(COORDINATOR_KEYPAIR, join(root, "programs", "coordinator", "program-keypair.json"));
  cpSync(join(REPO, "programs", "coordinator", "paths.ts"), join(root, "programs", "coordinator", "paths.ts"));
  symlinkSync(join(REPO, "node_modules"), join(root, "node_modules"));
  const stateDir = join(root, "state");
  LocalChain.open({ stateDir, programs: [coordinatorProgram()] }).close();
  expect(existsSync(join(root, "target"))).toBe(false);

  // When `concord localnet` loads it, it serves the saved program and stops cleanly
  const cli = startCli(["localnet", "--port", "0", "--state-dir", stateDir], root);
  const url = await cli.url;
  expect(cli.output()).toMatch(/loaded in/);
  expect(cli.output()).toContain(`coordinator program: ${COORDINATOR_ID}`);
  expect((await new Connection(url).getAccountInfo(new PublicKey(COORDINATOR_ID)))?.executable).toBe(true);
  cli.child.kill("SIGINT");
  expect(await exited(cli.child)).toBe(0);
  rmSync(root, { recursive: true, force: true });
}, 60_000);

test("a chain killed with SIGKILL restarts with every confirmed transaction", async () => {
  // Given a chain that confirmed transfers one after another
  const stateDir = mkdtempSync(join(tmpdir(), "concord-cli-kill-"));
  const first = startCli(["localnet", "--port", "0", "--state-dir", stateDir]);
  let connection = new Connection(await first.url, "confirmed");
  const payer = Keypair.generate();
  await connection.confirmTransaction(await connection.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL));
  const to = Keypair.generate().publicKey;
  const RENT_FREE = LAMPORTS_PER_SOL / 1000; // every transfer leaves the recipient above the rent-exempt minimum
  const signatures: string[] = [];
  for (let i = 1; i <= 40; i++) {
    const tx = new Transaction().add(
      SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: RENT_FREE + i }),
    );
    const signature = await connection.sendTransaction(tx, [payer]);
    await connection.confirmTransaction(signature, "confirmed");
    signatures.push(signature);
  }
  // When it is killed at once, before any snapshot could be written (web3.js's websocket let go first: it would
  // reconnect to the dead port forever)
  await waitForIdleWebsocket();
  first.child.kill("SIGKILL");
  await exited(first.child);

  // Then the restarted chain has all of them: balance, history and replay refusal
  const second = startCli(["localnet", "--port", "0", "--state-dir", stateDir]);
  connection = new Connection(await second.url, "confirmed");
  expect(await connection.getBalance(to)).toBe(40 * RENT_FREE + (40 * 41) / 2);
  const statuses = await connection.getSignatureStatuses(signatures);
  expect(statuses.value.every((s) => s?.err === null)).toBe(true);
  second.child.kill("SIGINT");
  expect(await exited(second.child)).toBe(0);
}, 60_000);

test("refuses an unknown option with usage help", async () => {
  const { child, output } = startCli(["localnet", "--bogus"]);
  expect(await exited(child)).toBe(1);
  expect(output()).toMatch(/Unknown argument: bogus/);
});

test("serves under cluster latency when asked, and refuses an unknown latency on one line", async () => {
  const stateDir = mkdtempSync(join(tmpdir(), "concord-cli-latency-"));
  const cli = startCli(["localnet", "--port", "0", "--state-dir", stateDir, "--latency", "cluster"]);
  const connection = new Connection(await cli.url, "confirmed");
  expect(cli.output()).toContain("latency: cluster");
  const payer = Keypair.generate();
  await connection.confirmTransaction(await connection.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL));
  expect(await connection.getBalance(payer.publicKey)).toBe(LAMPORTS_PER_SOL);
  await waitForIdleWebsocket();
  cli.child.kill("SIGINT");
  expect(await exited(cli.child)).toBe(0);

  const bogus = startCli(["localnet", "--latency", "bogus"]);
  expect(await exited(bogus.child)).toBe(1);
  expect(bogus.output()).toMatch(
    /^error 11030: Invalid values: Argument: latency, Given: "bogus", Choices: "instant", "cluster" \(see concord localnet --help\)$/m,
  );
}, 60_000);
