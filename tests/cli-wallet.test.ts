// `concord keygen` and `concord airdrop` in-process through main(), against the real local chain's faucet: a new
// wallet file in the Solana CLI's format, readable by its owner only, never replaced unasked; an airdrop confirmed
// before the balance is printed. Bad input gets one line, exit 1, and changes nothing.
import { Keypair, LAMPORTS_PER_SOL } from "@solana/web3.js";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../clients/cli/index";
import { readKeypair } from "../coordinator/localnet/coordinatorProgram";
import { captureConsole } from "./helpers/capturedConsole";
import { useTestLocalnet } from "./helpers/testLocalnet";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-cli-wallet-"));
const logged = captureConsole();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("--help names the options", async () => {
  expect(await main(["keygen", "--help"])).toBe(0);
  expect(await main(["airdrop", "--help"])).toBe(0);
  expect(logged.join("\n")).toMatch(/--outfile[\s\S]*--force[\s\S]*--sol[\s\S]*--to/);
});

test("keygen writes a new owner-only keypair in the Solana CLI's format and prints its public key", async () => {
  const file = join(dir, "wallets", "member.json");
  expect(await main(["keygen", "--outfile", file, "--json"])).toBe(0);
  const printed = JSON.parse(logged[0]) as { publicKey: string; path: string };
  const key = readKeypair(file);
  expect(printed).toEqual({ publicKey: key.publicKey.toBase58(), path: file });
  expect(JSON.parse(readFileSync(file, "utf8"))).toHaveLength(64);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  // --keypair names the file when --outfile does not
  const other = join(dir, "other.json");
  expect(await main(["keygen", "--keypair", other])).toBe(0);
  expect(logged[1]).toBe(`${readKeypair(other).publicKey.toBase58()} (written to ${other})`);
});

test("keygen never replaces a wallet unasked; --force does", async () => {
  const file = join(dir, "kept.json");
  const before = JSON.stringify(Array.from(Keypair.generate().secretKey));
  writeFileSync(file, before);
  expect(await main(["keygen", "--outfile", file])).toBe(1);
  expect(logged).toEqual([expect.stringMatching(/kept\.json already exists \(pass --force to replace it\)$/)]);
  expect(readFileSync(file, "utf8")).toBe(before);
  expect(await main(["keygen", "--outfile", file, "--force"])).toBe(0);
  expect(readFileSync(file, "utf8")).not.toBe(before);
});

test("airdrop funds the wallet from the local chain's faucet, confirmed", async () => {
  const file = join(dir, "funded.json");
  expect(await main(["keygen", "--outfile", file])).toBe(0);
  const key = readKeypair(file).publicKey;
  expect(await main(["airdrop", "--url", chain.rpcUrl, "--keypair", file, "--sol", "2.5", "--json"])).toBe(0);
  expect(JSON.parse(logged[1])).toEqual({ account: key.toBase58(), lamports: 2.5 * LAMPORTS_PER_SOL });
  expect(await chain.connection.getBalance(key, "confirmed")).toBe(2.5 * LAMPORTS_PER_SOL);
  // --to funds another account
  const other = Keypair.generate().publicKey;
  expect(await main(["airdrop", "--url", chain.rpcUrl, "--to", other.toBase58(), "--sol", "1"])).toBe(0);
  expect(logged[2]).toBe(`${other.toBase58()} holds 1 SOL`);
});

test.each([
  ["no amount", [], /required argument: sol/],
  ["a negative amount", ["--sol", "-1"], /--sol = -1 is out of range: a positive amount/],
  ["an account that is no address", ["--sol", "1", "--to", "not-a-key"], /--to "not-a-key" is not a base58/],
  ["a wallet that does not exist", ["--sol", "1", "--keypair", "/nonexistent/id.json"], /concord keygen/],
  ["more than the faucet gives", ["--sol", "2000", "--to", Keypair.generate().publicKey.toBase58()], /faucet limit/],
])("airdrop with %s: one line and exit 1", async (_, args, message) => {
  expect(await main(["airdrop", "--url", chain.rpcUrl, ...args])).toBe(1);
  // a usage error shows the command's help above its one error line
  const errors = logged.filter((l) => l.startsWith("error"));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(message);
});
