// The commands everyone uses, and the npm scripts that delegate to them: `concord prepare-dataset` (npm run
// prepare-dataset), `concord verify-build` (npm run verify-build) against programs deployed on the local chain, and
// `concord demo` (npm start) on a one-member, one-round run. Bad input gets one line with its code, exit 1, no stack
// trace, and nothing written.
import { Keypair } from "@solana/web3.js";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../clients/cli/index";
import { deployProgram } from "../clients/cli/lib/deployProgram";
import { fundedKeypair } from "../coordinator/localnet/localnetClient";
import { COORDINATOR_SO, REPO_ROOT } from "../programs/coordinator/paths";
import { link } from "../scripts/sbf-link";
import { generatedCorpus } from "../trainer/data/corpusText";
import { openDataset } from "../trainer/data/tokenShards";
import { captureConsole } from "./helpers/capturedConsole";
import { compileFixture } from "./helpers/compileFixture";
import { useTestLocalnet } from "./helpers/testLocalnet";
import { within } from "./helpers/within";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-cli-everyone-"));
const logged = captureConsole();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `npm run <script> -- args` from the repository root: its exit code and output lines (stdout and stderr). */
function npm(script: string[], ms: number): Promise<{ code: number | null; lines: string[] }> {
  const child = spawn("npm", ["run", ...script], { cwd: REPO_ROOT });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return within(exited, `npm run ${script[0]} to exit`, ms)
    .catch((e: Error) => {
      child.kill("SIGKILL");
      throw new Error(`${e.message}; its output:\n${out}`);
    })
    .then((code) => ({ code, lines: out.split("\n") }));
}

/** Runs the CLI in-process expecting one error line with `code` and exit 1; returns the line. */
async function refused(argv: string[], code: number): Promise<string> {
  logged.length = 0;
  expect(await main(argv)).toBe(1);
  expect(logged).toHaveLength(1);
  expect(logged[0]).toMatch(new RegExp(`^error ${code}: `));
  return logged[0];
}

describe("concord prepare-dataset", () => {
  test("writes a dataset and prints its hash; --json gives the same as one line", async () => {
    const out = join(dir, "gen");
    const args = ["--generated", "5000", "--tokenizer", "char", "--shard-tokens", "1000"];
    expect(await main(["prepare-dataset", ...args, "--out", out])).toBe(0);
    const ds = openDataset(out);
    expect(logged).toContain(`dataset hash ${ds.hash}`);
    expect(logged).toContain("train: 4500 tokens in 5 shard(s)");
    expect(ds.manifest.name).toBe("generated");

    logged.length = 0;
    expect(await main(["prepare-dataset", ...args, "--out", join(dir, "gen-json"), "--json"])).toBe(0);
    expect(logged.map((l) => JSON.parse(l))).toEqual([
      {
        dir: join(dir, "gen-json"),
        hash: ds.hash,
        source: ds.manifest.source,
        tokenizer: "char",
        splits: { train: { tokens: 4500, shards: 5 }, val: { tokens: 500, shards: 1 } },
      },
    ]);
  });

  test("a text file: its name names the dataset", async () => {
    const file = join(dir, "corpus.txt");
    writeFileSync(file, generatedCorpus(3000, 2).text);
    expect(await main(["prepare-dataset", "--input", file, "--out", join(dir, "from-file")])).toBe(0);
    expect(openDataset(join(dir, "from-file")).manifest.name).toBe("corpus");
  });

  test.each([
    ["a source that does not exist", ["--input", "/nonexistent"], 13006, /dataset source not found: \/nonexistent$/],
    ["no source", [], 11030, /give exactly one of --input, --default, --generated \(see concord prepare-dataset/],
    ["two sources", ["--generated", "10", "--default"], 11030, /give exactly one of/],
    ["a train fraction over 1", ["--generated", "1000", "--train-fraction", "2"], 13005, /train fraction 2$/],
    ["a zero shard size", ["--generated", "1000", "--shard-tokens", "0"], 13005, /shardTokens 0$/],
    ["an unknown tokenizer", ["--generated", "1000", "--tokenizer", "words"], 11030, /Invalid values: .*tokenizer/],
  ])("%s: one line, exit 1, nothing written", async (_, args, code, message) => {
    const out = join(dir, `bad-${code}-${args.length}`);
    expect(await refused(["prepare-dataset", ...args, "--out", out], code)).toMatch(message);
    expect(existsSync(join(out, "manifest.json"))).toBe(false);
  });

  test("a progress bar on a terminal only: under a pseudo-terminal it draws, piped it does not", async () => {
    const bin = join(REPO_ROOT, "clients", "cli", "bin.js");
    const args = (out: string) => [
      bin,
      "prepare-dataset",
      "--generated",
      "50000",
      "--shard-tokens",
      "1000",
      "--out",
      out,
    ];
    const output = (command: string, argv: string[]) =>
      within(
        new Promise<string>((resolve) => {
          const child = spawn(command, argv, { cwd: REPO_ROOT });
          let text = "";
          child.stdout.on("data", (d: Buffer) => (text += d.toString()));
          child.stderr.on("data", (d: Buffer) => (text += d.toString()));
          child.once("exit", () => resolve(text));
        }),
        `${command} to exit`,
        60_000,
      );
    // script(1) runs the command on a pseudo-terminal
    const drawn = await output("script", [
      "-qec",
      [process.execPath, ...args(join(dir, "tty"))].join(" "),
      "/dev/null",
    ]);
    expect(drawn).toMatch(/dataset =+ 50000\/50000 tokens written/);
    const piped = await output(process.execPath, args(join(dir, "piped")));
    expect(piped).not.toMatch(/tokens written/);
    expect(piped).toMatch(/^dataset hash [0-9a-f]{64}$/m);
    expect(openDataset(join(dir, "tty")).hash).toBe(openDataset(join(dir, "piped")).hash);
  }, 130_000);

  test("npm run prepare-dataset delegates to it: a missing input is one line, no stack trace", async () => {
    const { code, lines } = await npm(["prepare-dataset", "--", "--input", "/nonexistent"], 60_000);
    expect(code).toBe(1);
    expect(lines.filter((l) => l.startsWith("error"))).toEqual(["error 13006: dataset source not found: /nonexistent"]);
    expect(lines.filter((l) => /^\s+at /.test(l))).toEqual([]);
  }, 90_000);
});

describe("concord verify-build", () => {
  let payer: Keypair;
  beforeAll(async () => {
    payer = await fundedKeypair(chain.connection, 100);
  });
  const deploy = async (elf: Buffer) => {
    const program = Keypair.generate();
    await deployProgram({ connection: chain.connection, payer, program, elf, buffer: Keypair.generate() });
    return program.publicKey.toBase58();
  };

  test("npm run verify-build: the program deployed from this source matches the fresh build", async () => {
    const programId = await deploy(readFileSync(COORDINATOR_SO));
    const args = ["verify-build", "--", "--url", chain.rpcUrl, "--program-id", programId, "--json"];
    const { code, lines } = await npm(args, 180_000);
    expect(code).toBe(0);
    const result = JSON.parse(lines.find((l) => l.startsWith("{"))!) as Record<string, unknown>;
    const sha256 = createHash("sha256").update(readFileSync(COORDINATOR_SO)).digest("hex");
    expect(result).toMatchObject({ sha256, deployed: sha256, match: true, programId });
  }, 200_000);

  test("another program deployed under the id: the two hashes, then BUILD_MISMATCH in one line, exit 1", async () => {
    const programId = await deploy(link([compileFixture("hello.c")]).elf);
    expect(await main(["verify-build", "--url", chain.rpcUrl, "--program-id", programId])).toBe(1);
    const sha256 = createHash("sha256").update(readFileSync(COORDINATOR_SO)).digest("hex");
    expect(logged).toContain(`sha256: ${sha256}`);
    expect(logged.filter((l) => l.startsWith("error"))).toEqual([logged.at(-1)]);
    expect(logged.at(-1)).toMatch(
      new RegExp(`^error 11032: .* hashes to [0-9a-f]{64}, this build to ${sha256}: the deployed program is not this`),
    );
  }, 200_000);

  test.each([
    ["a program id that is not base58", ["--program-id", "nope"], 11006, /--program-id "nope" is not a base58/],
    [
      "no program under the id",
      ["--program-id", Keypair.generate().publicKey.toBase58()],
      11031,
      /no program .* is deployed at/,
    ],
  ])(
    "%s: one line, exit 1",
    async (_, args, code, message) => {
      expect(await refused(["verify-build", "--url", chain.rpcUrl, ...args], code)).toMatch(message);
    },
    200_000,
  );
});

describe("concord demo", () => {
  test.each([
    ["no members", ["--members", "0"], 11005, /--members = 0 is out of range: 1\.\.16/],
    ["too many rounds", ["--rounds", "65"], 11005, /--rounds = 65 is out of range: 1\.\.64/],
    ["a text file that does not exist", ["--text", "/nonexistent.txt"], 13006, /source not found: \/nonexistent\.txt/],
    ["an unknown latency", ["--latency", "slow"], 11030, /Invalid values: .*latency/],
  ])("%s: one line, exit 1, nothing started", async (_, args, code, message) => {
    expect(await refused(["demo", "--port", "0", "--exit", ...args], code)).toMatch(message);
  });

  test("npm start delegates to it: a one-member, one-round demo trains, checks the replay and exits", async () => {
    const text = join(dir, "demo.txt");
    const content = generatedCorpus(20_000, 5).text;
    writeFileSync(text, content);
    const digest = createHash("sha256").update(content).digest("hex").slice(0, 16);
    try {
      const args = ["start", "--", "--port", "0", "--members", "1", "--rounds", "1", "--exit", "--text", text];
      const { code, lines } = await npm(args, 400_000);
      expect({ code, tail: code === 0 ? [] : lines.slice(-20) }).toEqual({ code: 0, tail: [] });
      expect(lines.some((l) => /^round 0: loss [\d.]+ \| 1 receipts, 1 accepted/.test(l))).toBe(true);
      expect(lines.some((l) => /^every member's parameters equal the replay from the chain's records/.test(l))).toBe(
        true,
      );
    } finally {
      rmSync(join(REPO_ROOT, "target", "data", `text-${digest}`), { recursive: true, force: true });
    }
  }, 420_000);
});
