// A compute provider's commands in-process through main(), against the real local chain and program: `concord join`
// (and its alias `stake`) stakes ahead of training and the trainer node takes that member over; after a real round
// trained and accepted, `concord status` shows the receipts per epoch, points and rewards owed, and `concord claim`
// pays exactly what was owed. Every bad input gets one line with its code, exit 1, and no transaction.
import type { Keypair, PublicKey } from "@solana/web3.js";
import { LAMPORTS_PER_SOL } from "@solana/web3.js";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../clients/cli/index";
import { Crank } from "../coordinator/crank/crank";
import { writeKeypair } from "../coordinator/localnet/coordinatorProgram";
import { fundedKeypair, providerFor } from "../coordinator/localnet/localnetClient";
import { createDemoRun } from "../scripts/demo/demoRun";
import type { RunAccount } from "../sdk/coordinatorAccounts";
import { decodeRun, toBigInt } from "../sdk/coordinatorAccounts";
import * as ix from "../sdk/coordinatorInstructions";
import { REPO_ROOT } from "../programs/coordinator/paths";
import { coordinatorProgram } from "../sdk/coordinatorProgram";
import { TransactionSender } from "../sdk/transactionSender";
import { captureConsole } from "./helpers/capturedConsole";
import { generatedDataset } from "./helpers/generatedDataset";
import { crankUntil, startNodes } from "./helpers/inProcessNodes";
import { useTestLocalnet } from "./helpers/testLocalnet";
import { eventually, within } from "./helpers/within";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-cli-provider-"));
const logged = captureConsole();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SOL = BigInt(LAMPORTS_PER_SOL);
let authority: Keypair;
/** The run the provider trains in; `other` only takes bad inputs (it is never cranked). */
let run: PublicKey;
let other: PublicKey;
let dataset: ReturnType<typeof generatedDataset>;
let recipe: Awaited<ReturnType<typeof createDemoRun>>["recipe"];
const wallets: Record<string, { keypair: Keypair; path: string }> = {};

beforeAll(async () => {
  // Given two one-member demo runs (min stake 0.1 SOL, 0.5 SOL of rewards per epoch, one round per epoch)
  authority = await fundedKeypair(chain.connection, 20);
  dataset = generatedDataset(join(dir, "data"), 20_000, 11);
  ({ run, recipe } = await createDemoRun(chain.connection, authority, {
    dataset,
    members: 1,
    rounds: 3,
    roundsPerEpoch: 1,
  }));
  ({ run: other } = await createDemoRun(chain.connection, authority, { dataset, members: 1, rounds: 3 }));
  // and wallets: the provider, a member of `other` that will leave it, an outsider, and a nearly empty one
  for (const [name, sol] of [
    ["provider", 5],
    ["leaver", 5],
    ["outsider", 5],
    ["poor", 0.05],
  ] as const) {
    const keypair = await fundedKeypair(chain.connection, sol);
    const path = join(dir, `${name}.json`);
    writeKeypair(path, keypair);
    wallets[name] = { keypair, path };
  }
});

const cli = (command: string, who: string, extra: string[] = [], runArg = run.toBase58()) =>
  main([command, "--url", chain.rpcUrl, "--keypair", wallets[who].path, "--run", runArg, ...extra]);

const lastJson = <T>() => JSON.parse(logged[logged.length - 1]) as T;

const balance = (who: string) => chain.connection.getBalance(wallets[who].keypair.publicKey, "confirmed");

async function runAccount(address = run): Promise<RunAccount> {
  return decodeRun((await chain.connection.getAccountInfo(address, "confirmed"))!.data);
}

/** Runs the CLI expecting exactly one line, an error with `code`, exit 1, and no lamports moved from `who`. */
async function refused(command: string, who: string, extra: string[], code: number, runArg?: string): Promise<string> {
  const before = await balance(who);
  logged.length = 0;
  expect(await cli(command, who, extra, runArg)).toBe(1);
  expect(logged).toHaveLength(1);
  expect(logged[0]).toMatch(new RegExp(`^error ${code}: `));
  expect(await balance(who)).toBe(before);
  return logged[0];
}

describe("concord join / stake", () => {
  test.each([
    ["a run address that is not base58", [], 11006, "nope", /--run "nope" is not a base58 public key/],
    ["a run that does not exist", [], 11000, "11111111111111111111111111111112", /account 1+2 does not exist/],
    ["a stake that is not positive", ["--stake", "-1"], 11005, undefined, /--stake = -1 is out of range/],
    ["an endpoint that is not ws(s)", ["--endpoint", "http://x:1"], 16031, undefined, /must start with ws:\/\//],
    ["a first join without an endpoint", [], 16030, undefined, /pass --endpoint ws:\/\/HOST:PORT/],
    [
      "a stake below the run's minimum",
      ["--endpoint", "ws://127.0.0.1:9", "--stake", "0.01"],
      16032,
      undefined,
      /a stake of 10000000 lamports is below run .*'s min_stake of 100000000 lamports: pass --stake 0.1 or more/,
    ],
  ])("%s: one line, exit 1, nothing sent", async (_, extra, code, runArg, message) => {
    expect(await refused("join", "outsider", extra, code, runArg)).toMatch(message);
  });

  test("a wallet that cannot pay the stake: one line saying what it holds and needs", async () => {
    const line = await refused("join", "poor", ["--endpoint", "ws://127.0.0.1:9", "--stake", "1"], 16033);
    expect(line).toMatch(/holds 50000000 lamports, joining needs \d+ .*: fund it first/);
  });

  test("a member that left, and a finished run, are refused in one line", async () => {
    expect(await cli("join", "leaver", ["--endpoint", "ws://127.0.0.1:9"], other.toBase58())).toBe(0);
    expect(await cli("leave", "leaver", [], other.toBase58())).toBe(0);
    const left = await refused("stake", "leaver", ["--stake", "1"], 16020, other.toBase58());
    expect(left).toMatch(/already left run .* in epoch 0; .*withdraw, then join again/);
    const program = coordinatorProgram(providerFor(chain.connection, authority));
    await new TransactionSender(chain.connection, authority).send([
      await ix.authorityInstruction(program, "finish", { run: other, authority: authority.publicKey }),
    ]);
    const args = ["--endpoint", "ws://127.0.0.1:9"];
    expect(await refused("join", "outsider", args, 16034, other.toBase58())).toMatch(/has finished: it takes no new/);
  });
});

describe("concord status / claim", () => {
  test("a keypair file that is not a keypair: one line naming the file and the format", async () => {
    const bad = join(dir, "not-a-keypair.json");
    writeFileSync(bad, "{}");
    for (const command of ["claim", "status", "join"]) {
      logged.length = 0;
      expect(await main([command, "--url", chain.rpcUrl, "--keypair", bad, "--run", run.toBase58()])).toBe(1);
      expect(logged).toEqual([
        expect.stringMatching(/^error 11036: keypair file .*not-a-keypair.json is not a Solana CLI keypair/),
      ]);
    }
  });

  test.each([
    ["claim", "a wallet that is not a member", [], 16007, /is not a member of run .*: it has no Member account/],
    ["status", "a wallet that is not a member", [], 16007, /is not a member of run/],
    ["status", "a --member that is not base58", ["--member", "x"], 11006, /--member "x" is not a base58 public key/],
    ["claim", "a run that does not exist", [], 11000, /does not exist/],
  ])("%s, %s: one line, exit 1", async (command, _, extra, code, message) => {
    const runArg = message.source.includes("does not exist") ? "11111111111111111111111111111112" : undefined;
    expect(await refused(command, "outsider", extra, code, runArg)).toMatch(message);
  });
});

test("join ahead, add stake, train a round, status, claim: the rewards owed come back", async () => {
  const provider = wallets.provider.keypair.publicKey;
  const min = toBigInt((await runAccount()).config.minStake);

  // When the provider joins ahead of training with 0.2 SOL, then adds 0.1 SOL through the alias
  expect(await cli("join", "provider", ["--endpoint", "ws://127.0.0.1:9", "--stake", "0.2", "--json"])).toBe(0);
  const joined = lastJson<{ joined: boolean; slot: number; stake: number; endpoint: string }>();
  expect(joined).toMatchObject({ joined: true, slot: 0, stake: Number(2n * min), endpoint: "ws://127.0.0.1:9" });
  expect(await cli("stake", "provider", ["--stake", "0.1"])).toBe(0);
  expect(logged.at(-1)).toMatch(/added 100000000 lamports of stake in run .*: 300000000 lamports in all/);
  expect(toBigInt((await runAccount()).members[0].stake)).toBe(3n * min);
  // and joining again with nothing to change sends nothing
  const before = await balance("provider");
  expect(await cli("join", "provider")).toBe(0);
  expect(logged.at(-1)).toMatch(/is a member of run .* already, with 300000000 lamports staked: nothing to change/);
  expect(await balance("provider")).toBe(before);

  // Then status shows the stake and no receipt yet, and claim says why there is nothing to claim
  expect(await cli("status", "provider")).toBe(0);
  expect(logged).toContain("no receipts committed yet");
  expect(logged.join("\n")).toMatch(/stake 300000000 lamports; rewards owed 0 lamports/);
  expect(await refused("claim", "provider", [], 16035)).toMatch(
    /^error 16035: nothing to claim: .* is owed no rewards/,
  );

  // When its trainer node starts (it finds the member and moves the endpoint to its own) and the round is accepted
  const nodeDir = join(dir, "nodes");
  const k = wallets.provider.keypair;
  const { events, runs, stop } = await startNodes(chain.connection, {
    run,
    recipe,
    dataset,
    count: 1,
    dir: nodeDir,
    nodeOptions: () => ({
      keypair: k,
      program: coordinatorProgram(providerFor(chain.connection, k)),
      sender: new TransactionSender(chain.connection, k),
    }),
  });
  const abort = new AbortController();
  const program = coordinatorProgram(providerFor(chain.connection, authority));
  const crank = new Crank(program, run, new TransactionSender(chain.connection, authority)).runUntilFinished(
    abort.signal,
    { pollMs: 200 },
  );
  let owed = 0n;
  try {
    await eventually(() => events[0].some((e) => e.kind === "applied" && e.step === 0), "round 0 applied", 180_000);
    // and the node stops (before the run finishes, when it would claim by itself), once epoch 0 paid its rewards
    stop();
    await within(Promise.all(runs), "the node to stop", 30_000);
    for (const deadline = Date.now() + 60_000; owed === 0n; await new Promise((r) => setTimeout(r, 200))) {
      if (Date.now() > deadline) throw new Error("epoch 0 ended with no rewards owed to the provider");
      owed = toBigInt((await runAccount()).members[0].rewardsOwed);
    }
  } finally {
    abort.abort();
    await crank.catch(() => {});
  }
  expect(events[0].find((e) => e.kind === "warning")).toMatchObject({
    message: expect.stringMatching(/^already a member with endpoint ws:\/\/127\.0\.0\.1:9; moving it to ws:\/\//),
  });

  // Then status, for anyone naming the member (no wallet needed), shows epoch 0's receipt accepted and the rewards
  const noWallet = ["--keypair", "/nonexistent/id.json"];
  expect(
    await main([
      "status",
      "--url",
      chain.rpcUrl,
      "--run",
      run.toBase58(),
      "--member",
      provider.toBase58(),
      ...noWallet,
      "--json",
    ]),
  ).toBe(0);
  const status = lastJson<{
    status: string;
    stake: number;
    rewardsOwed: number;
    epochs: { epoch: number; committed: number; accepted: number; rejected: number }[];
  }>();
  expect(status).toMatchObject({ status: "active", stake: Number(3n * min), rewardsOwed: Number(owed) });
  expect(status.epochs[0]).toEqual({ epoch: 0, committed: 1, accepted: 1, rejected: 0, pending: 0, unsettled: 0 });
  expect(await cli("status", "provider")).toBe(0);
  expect(logged).toContain("epoch 0: 1 receipt(s) committed, 1 accepted, 0 rejected, 0 pending");

  // When it claims: exactly what was owed comes back, less the fee
  const wallet0 = BigInt(await balance("provider"));
  expect(await cli("claim", "provider", ["--json"])).toBe(0);
  const claimed = lastJson<{ lamports: number; signature: string }>();
  expect(BigInt(claimed.lamports)).toBe(owed);
  const tx = await chain.connection.getTransaction(claimed.signature, {
    commitment: "confirmed",
    maxSupportedTransactionVersion: 0,
  });
  expect(BigInt(await balance("provider")) - wallet0).toBe(owed - BigInt(tx!.meta!.fee));
  expect(toBigInt((await runAccount()).members[0].rewardsOwed)).toBe(0n);
  expect(owed).toBeLessThanOrEqual(SOL / 2n); // one epoch's reward_per_epoch at most

  // and a second claim has nothing to claim, saying it claimed already
  expect(await refused("claim", "provider", [], 16035)).toMatch(new RegExp(`it claimed ${owed} lamports already`));
}, 300_000);

test("concord train on a terminal draws a bar of the run's rounds under its event lines", async () => {
  // Given a one-round run and a trainer started on a pseudo-terminal (script(1))
  const { run: short, recipe: shortRecipe } = await createDemoRun(chain.connection, authority, {
    dataset,
    members: 1,
    rounds: 1,
  });
  const recipeFile = join(dir, "short-recipe.json");
  writeFileSync(recipeFile, JSON.stringify(shortRecipe));
  const keypair = await fundedKeypair(chain.connection, 2);
  const keypairFile = join(dir, "short-member.json");
  writeKeypair(keypairFile, keypair);
  const train = [process.execPath, join(REPO_ROOT, "clients", "cli", "bin.js"), "train", "--url", chain.rpcUrl]
    .concat(["--run", short.toBase58(), "--keypair", keypairFile, "--recipe", recipeFile, "--data", dataset.dir])
    .concat(["--state-dir", join(dir, "short-state")]);
  const child = spawn("script", ["-qec", train.join(" "), "/dev/null"], { cwd: REPO_ROOT });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  // "close": the exit code once every byte of its output has been read
  const exited = new Promise<number | null>((resolve) => child.once("close", resolve));

  // When the crank plays the run to its end
  try {
    await crankUntil(chain.connection, authority, short, exited, 180_000);
  } finally {
    child.kill("SIGKILL");
  }

  // Then the event lines printed, and the bar reached the run's one round with the round's loss and update size
  expect(output).toMatch(/joined as /);
  expect(await exited).toBe(0);
  expect(output).toMatch(/claimed 500000000 lamports/);
  expect(output).toMatch(/run finished at step 1: /); // the last line, logged just before the bar stops
  expect(output).toMatch(/train =+ 1\/1 rounds \| step 0: loss \d+\.\d{4}, update \d+ B/);
}, 240_000);
