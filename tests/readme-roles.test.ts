// README's "Using Concord, by role" run exactly as written, on the local chain: the run creator's block in one folder
// (the chain, a wallet, a dataset, the run from a TOML file, the data server, a crank), the compute provider's block
// in two folders at once (two members train the run to its end, downloading the dataset from the server), then the
// auditor's block. Each line goes through bash with the block's environment; a line ending in `&` is a service,
// awaited until it prints its first line. The run config is the creator's own file: examples/run.toml made short.
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../programs/coordinator/paths";
import { generatedCorpus } from "../trainer/data/corpusText";
import { within } from "./helpers/within";

/** The fenced sh block under README's `### <role>` heading, one command per line, comments dropped. */
function roleBlock(role: string): string[] {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const section = readme.split(`### ${role}\n`)[1];
  if (section === undefined) throw new Error(`README has no "### ${role}" section`);
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error(`README's "${role}" section has no sh block`);
  return block[1]
    .split("\n")
    .map((l) => l.replace(/\s+# .*$/, "").trim())
    .filter((l) => l.length > 0);
}

interface Shell {
  readonly cwd: string;
  env: NodeJS.ProcessEnv;
  /** What each line printed, in order. */
  readonly output: string[];
}

const services: ChildProcess[] = [];

/** Runs `line` with bash in the shell's folder and environment, keeping the environment it leaves. */
function runLine(shell: Shell, line: string, ms: number): Promise<string> {
  const envFile = join(shell.cwd, ".env-after");
  const child = spawn("bash", ["-c", `set -eo pipefail\n${line}\nenv -0 > ${envFile}`], {
    cwd: shell.cwd,
    env: shell.env,
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const done = new Promise<string>((resolve, reject) =>
    child.once("exit", (code) => {
      shell.output.push(`$ ${line}`, out);
      if (code !== 0) return reject(new Error(`\`${line}\` exited ${code}:\n${out.slice(-3000)}`));
      shell.env = Object.fromEntries(
        readFileSync(envFile, "utf8")
          .split("\0")
          .filter(Boolean)
          .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
      );
      resolve(out);
    }),
  );
  return within(done, `\`${line}\``, ms).catch((e: Error) => {
    child.kill("SIGKILL");
    throw e;
  });
}

/** Starts a service line (ending in `&`) and waits for its first line of output. */
function startService(shell: Shell, line: string, ms: number): Promise<void> {
  const child = spawn("bash", ["-c", `exec ${line.replace(/&$/, "")}`], {
    cwd: shell.cwd,
    env: shell.env,
    detached: true,
  });
  services.push(child);
  let out = "";
  const ready = new Promise<void>((resolve, reject) => {
    const seen = (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolve();
    };
    child.stdout!.on("data", seen);
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    child.once("exit", (code) => reject(new Error(`\`${line}\` exited ${code} before it was ready:\n${out}`)));
  });
  return within(ready, `\`${line}\` to print its first line`, ms).then(() => void shell.output.push(`$ ${line}`, out));
}

async function runBlock(shell: Shell, lines: readonly string[], ms: number): Promise<void> {
  for (const line of lines)
    if (line.endsWith("&")) await startService(shell, line, 120_000);
    else await runLine(shell, line, ms);
}

/** Whether nothing listens on 127.0.0.1:`port` (the README names fixed ports). */
const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer().once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });

const work = mkdtempSync(join(tmpdir(), "concord-readme-"));

/** A folder that is the checkout to `npx concord` (its files linked) but keeps what the commands write. */
function checkoutFolder(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  for (const entry of readdirSync(REPO_ROOT))
    if (!entry.startsWith(".") || entry === ".ci") symlinkSync(join(REPO_ROOT, entry), join(dir, entry));
  return dir;
}

afterAll(() => {
  for (const s of services) if (s.exitCode === null && s.pid) process.kill(-s.pid, "SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

test("the run creator's, two compute providers' and the auditor's commands run a network on the local chain", async () => {
  for (const port of [8899, 8900, 8910])
    if (!(await portFree(port))) throw new Error(`127.0.0.1:${port} is taken: README's commands need it free`);
  // Given a home for the wallet Anchor.toml names, a corpus, and the creator's run.toml: examples/run.toml, short
  const home = join(work, "home");
  mkdirSync(home);
  const env = { ...process.env, HOME: home, npm_config_cache: join(homedir(), ".npm"), CI: "true" };
  const creator: Shell = { cwd: checkoutFolder("creator"), env, output: [] };
  writeFileSync(join(creator.cwd, "corpus.txt"), generatedCorpus(40_000, 7).text);
  const short: Record<string, string> = {
    path: '"data"',
    total_steps: "6",
    rounds_per_epoch: "3",
    warmup_steps: "1",
    global_batch_size: "4",
    max_round_train_time: "30",
    round_witness_time: "15",
    epoch_time: "600",
  };
  let toml = readFileSync(join(REPO_ROOT, "examples", "run.toml"), "utf8");
  for (const [key, value] of Object.entries(short))
    toml = toml.replace(new RegExp(`^${key} = .*$`, "m"), `${key} = ${value}`);
  writeFileSync(join(creator.cwd, "run.toml"), toml);

  // When the creator's block runs
  await runBlock(creator, roleBlock("Run creators"), 120_000);
  const run = creator.env.RUN!;
  expect(run).toMatch(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/);
  expect(creator.output[creator.output.length - 1]).toMatch(/^state WaitingForMembers, epoch 0, step 0\/6/m);

  // and two compute providers' blocks at once, each in its own folder with the creator's RUN and RECIPE
  const providers = ["p1", "p2"].map((name): Shell => {
    const cwd = join(creator.cwd, name);
    mkdirSync(cwd);
    return { cwd, env: { ...creator.env }, output: [] };
  });
  const provider = roleBlock("Compute providers");
  await Promise.all(providers.map((p) => runBlock(p, provider, 400_000)));

  // Then each trained the run to its end, and its status shows accepted receipts and its rewards claimed
  for (const p of providers) {
    const printed = p.output.join("\n");
    expect(printed).toMatch(/run finished/);
    expect(printed).toMatch(/claimed/);
    // the last line: its last epoch's receipts, every one accepted
    expect(p.output[p.output.length - 1]).toMatch(/epoch 1: (\d+) receipt\(s\) committed, \1 accepted, 0 rejected/);
  }
  const finished = await runLine(creator, `npx concord run status --run ${run} --json`, 60_000);
  expect(JSON.parse(finished.trim().split("\n").pop()!)).toMatchObject({ state: "Finished" });

  // and the auditor's block finds every member's every update intact and re-executed
  await runBlock(creator, roleBlock("Auditors"), 300_000);
  const [verify, replay] = [creator.output[creator.output.length - 3], creator.output[creator.output.length - 1]];
  for (const table of [verify, replay]) expect(table).not.toMatch(/flagged/);
  expect(verify.split("\n").filter((l) => / ok$/.test(l))).toHaveLength(2);
}, 900_000);
