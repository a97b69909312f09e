// `concord deploy` through the upgradeable loader over JSON-RPC to the local chain, then a call to the program.
import { writeKeypair } from "../coordinator/localnet/coordinatorProgram";
import { Connection, Keypair, Transaction, TransactionInstruction, sendAndConfirmTransaction } from "@solana/web3.js";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../clients/cli/index";
import { deployProgram } from "../clients/cli/lib/deployProgram";
import { COORDINATOR_SO } from "../programs/coordinator/paths";
import type { Localnet } from "../coordinator/localnet/localnet";
import { startLocalnet } from "../coordinator/localnet/localnet";
import { fundedKeypair, waitForIdleWebsocket } from "../coordinator/localnet/localnetClient";
import { link } from "../scripts/sbf-link";
import { deployedSha256 } from "../clients/cli/lib/runVerifyBuild";
import { anchorDiscriminator } from "../sdk/anchorDiscriminator";
import { programDataAddress } from "../sdk/upgradeableLoader";
import { compileFixture } from "./helpers/compileFixture";

let net: Localnet;
let connection: Connection;
let payer: Keypair;
const dir = mkdtempSync(join(tmpdir(), "concord-deploy-"));
const coordinator = readFileSync(COORDINATOR_SO);
const versionIx = (programId: Keypair["publicKey"]) =>
  new TransactionInstruction({ programId, keys: [], data: Buffer.from(anchorDiscriminator("global", "version")) });

beforeAll(async () => {
  net = await startLocalnet({ port: 0 });
  connection = new Connection(net.rpcUrl, "confirmed");
  payer = await fundedKeypair(connection, 100);
});
afterAll(async () => {
  await waitForIdleWebsocket();
  await net.close();
});

test("deploys through the upgradeable loader, then the program runs", async () => {
  const program = Keypair.generate();
  const progress: number[] = [];
  const r = await deployProgram({
    connection,
    payer,
    program,
    elf: coordinator,
    buffer: Keypair.generate(),
    onProgress: (p) => progress.push(p.done),
  });
  expect(r.upgraded).toBe(false);
  expect(progress.at(-1)).toBe(r.transactions);
  const account = await connection.getAccountInfo(program.publicKey);
  expect(account?.executable).toBe(true);
  const sig = await sendAndConfirmTransaction(connection, new Transaction().add(versionIx(program.publicKey)), [payer]);
  expect((await connection.getTransaction(sig, { maxSupportedTransactionVersion: 0 }))?.meta?.logMessages).toContain(
    "Program log: concord coordinator",
  );
});

test("upgrades a deployed program, growing its ProgramData when the new ELF is larger", async () => {
  const program = Keypair.generate();
  const small = link([compileFixture("hello.c")]).elf;
  await deployProgram({ connection, payer, program, elf: small, buffer: Keypair.generate(), maxDataLen: small.length });
  const before = (await connection.getAccountInfo(programDataAddress(program.publicKey)))!.data.length;
  const r = await deployProgram({
    connection,
    payer,
    program: program.publicKey,
    elf: coordinator,
    buffer: Keypair.generate(),
  });
  expect(r.upgraded).toBe(true);
  expect((await connection.getAccountInfo(programDataAddress(program.publicKey)))!.data.length).toBeGreaterThan(before);
  const sig = await sendAndConfirmTransaction(connection, new Transaction().add(versionIx(program.publicKey)), [payer]);
  expect((await connection.getTransaction(sig, { maxSupportedTransactionVersion: 0 }))?.meta?.logMessages).toContain(
    "Program log: concord coordinator",
  );
});

test("`concord deploy` takes the RPC URL and wallet from flags", async () => {
  const wallet = join(dir, "wallet.json");
  writeKeypair(wallet, payer);
  const programKeypair = join(dir, "program.json");
  const program = Keypair.generate();
  writeKeypair(programKeypair, program);
  const code = await main([
    "deploy",
    "--url",
    net.rpcUrl,
    "--keypair",
    wallet,
    "--program-keypair",
    programKeypair,
    "--program",
    COORDINATOR_SO,
  ]);
  expect(code).toBe(0);
  expect((await connection.getAccountInfo(program.publicKey))?.executable).toBe(true);
  // What `npm run verify-build -- --url` compares: the deployed bytes hash to the local build's sha256.
  expect(await deployedSha256(net.rpcUrl, program.publicKey, coordinator.length)).toBe(
    createHash("sha256").update(coordinator).digest("hex"),
  );
});

test("`concord deploy` takes the cluster and wallet from Anchor.toml", async () => {
  const wallet = join(dir, "anchor-wallet.json");
  writeKeypair(wallet, payer);
  const config = join(dir, "Anchor.toml");
  writeFileSync(config, `[provider]\ncluster = "${net.rpcUrl}"\nwallet = "anchor-wallet.json"\n`);
  const programKeypair = join(dir, "program-2.json");
  const program = Keypair.generate();
  writeKeypair(programKeypair, program);
  expect(
    await main(["deploy", "--anchor-toml", config, "--program-keypair", programKeypair, "--program", COORDINATOR_SO]),
  ).toBe(0);
  expect((await connection.getAccountInfo(program.publicKey))?.executable).toBe(true);
});

test("`concord deploy --json` prints the result as one JSON line and no progress", async () => {
  const wallet = join(dir, "json-wallet.json");
  writeKeypair(wallet, payer);
  const programKeypair = join(dir, "program-3.json");
  const program = Keypair.generate();
  writeKeypair(programKeypair, program);
  const lines: string[] = [];
  const spy = jest.spyOn(console, "log").mockImplementation((m: string) => void lines.push(m));
  const args = [
    "--url",
    net.rpcUrl,
    "--keypair",
    wallet,
    "--program-keypair",
    programKeypair,
    "--program",
    COORDINATOR_SO,
  ];
  const code = await main(["deploy", ...args, "--json"]).finally(() => spy.mockRestore());
  expect(code).toBe(0);
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0])).toEqual({
    programId: program.publicKey.toBase58(),
    upgraded: false,
    transactions: expect.any(Number),
    sha256: createHash("sha256").update(coordinator).digest("hex"),
  });
});

test("`concord deploy` refuses a missing wallet with a clear error", async () => {
  const errors: string[] = [];
  const spy = jest.spyOn(console, "error").mockImplementation((m: string) => void errors.push(m));
  const code = await main(["deploy", "--url", net.rpcUrl, "--keypair", join(dir, "nope.json")]);
  spy.mockRestore();
  expect(code).toBe(1);
  expect(errors.join("\n")).toMatch(
    /^error 11007: keypair file .*nope\.json not found \(pass --keypair, or create one with `concord keygen`\)$/,
  );
});
