// `concord localnet` as users run it: a child process serving JSON-RPC, saving its state when interrupted.
import { Connection } from "@solana/web3.js";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BIN = join(__dirname, "..", "clients", "cli", "bin.js");

function startCli(args: string[]): {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  url: Promise<string>;
} {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: join(__dirname, "..") });
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
  expect(first.output()).toMatch(/coordinator program: 9QzudNr92RATf4sj12qmiwbJipLxJw6UbL1fCKSwE6BW/);
  const connection = new Connection(url);
  const genesis = await connection.getGenesisHash();
  expect(
    (
      await connection.getAccountInfo(
        new (await import("@solana/web3.js")).PublicKey("9QzudNr92RATf4sj12qmiwbJipLxJw6UbL1fCKSwE6BW"),
      )
    )?.executable,
  ).toBe(true);
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

test("refuses an unknown option with usage help", async () => {
  const { child, output } = startCli(["localnet", "--bogus"]);
  expect(await exited(child)).toBe(1);
  expect(output()).toMatch(/Unknown argument: bogus/);
});
