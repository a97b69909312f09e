// The run creator's commands in-process through main(), against the real local chain and program: a run created
// from examples/run.toml (on a generated dataset), followed with status, updated, funded, paused, resumed,
// checkpointed and finished. Every invalid field of the config file gets one line naming its key, its value and the
// rule, and creates nothing (a table, a row per field and rule); other bad input gets one line, exit 1, nothing sent.
import type { Keypair } from "@solana/web3.js";
import { PublicKey } from "@solana/web3.js";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../clients/cli/index";
import { writeKeypair } from "../coordinator/localnet/coordinatorProgram";
import { fundedKeypair, providerFor } from "../coordinator/localnet/localnetClient";
import * as ix from "../sdk/coordinatorInstructions";
import { coordinatorProgram } from "../sdk/coordinatorProgram";
import { TransactionSender } from "../sdk/transactionSender";
import { REPO_ROOT } from "../programs/coordinator/paths";
import { decodeRun } from "../sdk/coordinatorAccounts";
import { checkRecipeAgainstRun, parseRecipe } from "../sdk/trainingRecipe";
import { captureConsole } from "./helpers/capturedConsole";
import { generatedDataset } from "./helpers/generatedDataset";
import { useTestLocalnet } from "./helpers/testLocalnet";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-cli-run-"));
const logged = captureConsole();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Table = Record<string, Record<string, unknown>>;
let example: Table;
let toml: { parse(text: string): unknown; stringify(value: unknown): string };
const wallets: Record<"authority" | "outsider", { keypair: Keypair; path: string }> = {} as never;

beforeAll(async () => {
  // Given the example config, its dataset a generated one, and two funded wallets
  toml = await import("smol-toml");
  generatedDataset(join(dir, "data"), 20_000, 7);
  example = toml.parse(readFileSync(join(REPO_ROOT, "examples/run.toml"), "utf8")) as Table;
  example.dataset.path = "data"; // relative to the config file, which is written into `dir`
  for (const name of ["authority", "outsider"] as const) {
    const keypair = await fundedKeypair(chain.connection, 50); // each run's account rent is most of a SOL
    const path = join(dir, `${name}.json`);
    writeKeypair(path, keypair);
    wallets[name] = { keypair, path };
  }
});

let files = 0;
/** The example with some keys set (undefined: removed), written as a new file in `dir`; its path. */
function configFile(changes: Record<string, Record<string, unknown>> = {}): string {
  const table: Table = JSON.parse(JSON.stringify(example));
  for (const [section, keys] of Object.entries(changes)) {
    table[section] ??= {};
    for (const [key, value] of Object.entries(keys))
      if (value === undefined) delete table[section][key];
      else table[section][key] = value;
  }
  const path = join(dir, `run-${files++}.toml`);
  writeFileSync(path, toml.stringify(table));
  return path;
}

const cli = (args: string[], who: keyof typeof wallets = "authority") =>
  main([...args, "--url", chain.rpcUrl, "--keypair", wallets[who].path]);

/** Runs the CLI expecting one error line, exit 1, and no transaction from `who`; returns that line. */
async function refused(args: string[], who: keyof typeof wallets = "authority"): Promise<string> {
  const balance = await chain.connection.getBalance(wallets[who].keypair.publicKey);
  logged.length = 0;
  expect(await cli(args, who)).toBe(1);
  const errors = logged.filter((l) => /^error( \d+)?: /.test(l));
  expect(errors).toHaveLength(1);
  expect(errors[0]).not.toMatch(/\n/);
  expect(await chain.connection.getBalance(wallets[who].keypair.publicKey)).toBe(balance);
  return errors[0];
}

const lastJson = () => JSON.parse(logged[logged.length - 1]) as Record<string, unknown>;

describe("concord run --help", () => {
  test.each(["create", "status", "update", "fund", "pause", "resume", "finish", "checkpoint"])(
    "run %s --help describes its options",
    async (command) => {
      expect(await main(["run", command, "--help"])).toBe(0);
      const help = logged.join("\n");
      expect(help).toContain(`concord run ${command}`);
      expect(help).toMatch(command === "create" ? /--config/ : /--run/);
    },
  );
});

const adamw = { inner_optimizer: "adamw", adamw_beta1: 0.9, adamw_beta2: 0.99, adamw_eps: 1e-8 };
const adamwFull = { ...adamw, adamw_weight_decay: 0.1 };
const U32 = "must be an integer in \\[0, 4294967295\\]";
const U16 = "must be an integer in \\[0, 65535\\]";

// [changes, the key and value the line names, the rule it states]
const INVALID: [string, Record<string, Record<string, unknown>>, string, string][] = [
  ["epoch_time 0", { schedule: { epoch_time: 0 } }, "[schedule] epoch_time = 0", "epoch_time must be > 0"],
  ["epoch_time not an integer", { schedule: { epoch_time: 1.5 } }, "[schedule] epoch_time = 1.5", "wrong type"],
  [
    "warmup_time = epoch_time",
    { schedule: { warmup_time: 3600 } },
    "[schedule] warmup_time = 3600",
    "warmup_time must be < epoch_time",
  ],
  ["cooldown_time negative", { schedule: { cooldown_time: -1 } }, "[schedule] cooldown_time = -1", U32],
  [
    "max_round_train_time 0",
    { schedule: { max_round_train_time: 0 } },
    "[schedule] max_round_train_time = 0",
    "max_round_train_time must be in \\(0, epoch_time\\)",
  ],
  [
    "round_witness_time = epoch_time",
    { schedule: { round_witness_time: 3600 } },
    "[schedule] round_witness_time = 3600",
    "round_witness_time must be in \\(0, epoch_time\\)",
  ],
  ["min_clients 0", { members: { min_clients: 0 } }, "[members] min_clients = 0", "need 1 <= min_clients"],
  [
    "min_clients above init_min_clients",
    { members: { min_clients: 3 } },
    "[members] min_clients = 3",
    "need 1 <= min_clients <= init_min_clients <= 256",
  ],
  [
    "init_min_clients above 256",
    { members: { init_min_clients: 257 } },
    "[members] init_min_clients = 257",
    "init_min_clients <= 256",
  ],
  ["init_min_clients past u16", { members: { init_min_clients: 70000 } }, "[members] init_min_clients = 70000", U16],
  ["witness_nodes 0", { members: { witness_nodes: 0 } }, "[members] witness_nodes = 0", "need 1 <= witness_nodes"],
  [
    "witness_nodes above min_clients",
    { members: { witness_nodes: 3 } },
    "[members] witness_nodes = 3",
    "witness_nodes <= min\\(min_clients, 32\\)",
  ],
  ["total_steps 0", { training: { total_steps: 0 } }, "[training] total_steps = 0", "total_steps must be > 0"],
  [
    "rounds_per_epoch 65",
    { training: { rounds_per_epoch: 65 } },
    "[training] rounds_per_epoch = 65",
    "rounds_per_epoch must be in \\[1, 64\\]",
  ],
  [
    "global_batch_size 0",
    { training: { global_batch_size: 0 } },
    "[training] global_batch_size = 0",
    "global_batch_size and sequence_length must be > 0",
  ],
  [
    "learning_rate 0",
    { training: { learning_rate: 0 } },
    "[training] learning_rate = 0",
    "learning_rate must be finite and > 0",
  ],
  [
    "learning_rate 0 as an f32",
    { training: { learning_rate: 1e-50, min_learning_rate: 0 } },
    "[training] learning_rate = 1e-50",
    "learning_rate must be finite and > 0",
  ],
  [
    "lr_schedule unknown",
    { training: { lr_schedule: "linear" } },
    '[training] lr_schedule = "linear"',
    "must be one of",
  ],
  [
    "min_learning_rate above learning_rate",
    { training: { min_learning_rate: 0.01 } },
    "[training] min_learning_rate = 0.01",
    "minLr must be in \\[0, lr\\]",
  ],
  [
    "min_learning_rate with a constant schedule",
    { training: { lr_schedule: "constant" } },
    "[training] min_learning_rate = 0.0004",
    "applies only with lr_schedule = cosine or wsd",
  ],
  [
    "warmup_steps = total_steps",
    { training: { warmup_steps: 100 } },
    "[training] warmup_steps = 100",
    "totalSteps must exceed warmupSteps",
  ],
  [
    "decay_start past total_steps",
    { training: { lr_schedule: "wsd", decay_start: 100 } },
    "[training] decay_start = 100",
    "decayStart must be in \\[warmupSteps, totalSteps\\)",
  ],
  ["context_length 0", { model: { context_length: 0 } }, "[model] context_length = 0", "sequence_length must be > 0"],
  ["layers 0", { model: { layers: 0 } }, "[model] layers = 0", "model.layers must be a positive integer"],
  ["heads 0", { model: { heads: 0 } }, "[model] heads = 0", "model.heads must be a positive integer"],
  ["width 0", { model: { width: 0 } }, "[model] width = 0", "model.width must be a positive integer"],
  ["width not a multiple of heads", { model: { width: 63 } }, "[model] width = 63", "multiple of model.heads"],
  ["init_seed negative", { model: { init_seed: -1 } }, "[model] init_seed = -1", U32],
  ["inner_steps 0", { round: { inner_steps: 0 } }, "[round] inner_steps = 0", "inner_steps must be in \\[1, 1024\\]"],
  ["inner_steps 1025", { round: { inner_steps: 1025 } }, "[round] inner_steps = 1025", "in \\[1, 1024\\]"],
  ["inner_optimizer unknown", { round: { inner_optimizer: "sgd" } }, '[round] inner_optimizer = "sgd"', "one of"],
  ["adamw_beta1 1", { round: { ...adamwFull, adamw_beta1: 1 } }, "[round] adamw_beta1 = 1", "beta1 must be in"],
  ["adamw_beta2 negative", { round: { ...adamwFull, adamw_beta2: -0.5 } }, "[round] adamw_beta2 = -0.5", "beta2"],
  ["adamw_eps 0", { round: { ...adamwFull, adamw_eps: 0 } }, "[round] adamw_eps = 0", "eps must be > 0"],
  [
    "adamw_weight_decay negative",
    { round: { ...adamwFull, adamw_weight_decay: -1 } },
    "[round] adamw_weight_decay = -1",
    "weightDecay must be >= 0",
  ],
  ["grad_clip negative", { round: { grad_clip: -1 } }, "[round] grad_clip = -1", "gradClip must be >= 0"],
  ["transform unknown", { round: { transform: "fft" } }, '[round] transform = "fft"', "one of"],
  ["chunk 3", { round: { chunk: 3 } }, "[round] chunk = 3", "demo_chunk must be a power of two in \\[2, 256\\]"],
  ["top_k 0", { round: { top_k: 0 } }, "[round] top_k = 0", "demo_top_k must be in \\[1, demo_chunk\\^2\\]"],
  ["top_k above chunk^2", { round: { top_k: 4097 } }, "[round] top_k = 4097", "demo_top_k must be in"],
  ["decay 1", { round: { decay: 1 } }, "[round] decay = 1", "demo_decay must be in \\(0, 1\\)"],
  ["value_bits 8", { round: { value_bits: 8 } }, "[round] value_bits = 8", "value_bits must be 1, 2, 16 or 32"],
  [
    "value_bits past u8",
    { round: { value_bits: 256 } },
    "[round] value_bits = 256",
    "must be an integer in \\[0, 255\\]",
  ],
  ["outer unknown", { round: { outer: "adam" } }, '[round] outer = "adam"', "one of"],
  [
    "outer_learning_rate 17",
    { round: { outer_learning_rate: 17 } },
    "[round] outer_learning_rate = 17",
    "outer_learning_rate must be in \\(0, 16\\]",
  ],
  [
    "outer_momentum 1",
    { round: { outer_momentum: 1 } },
    "[round] outer_momentum = 1",
    "outer_momentum must be in \\[0, 1\\)",
  ],
  ["weight_decay negative", { round: { weight_decay: -1 } }, "[round] weight_decay = -1", "weightDecay must be >= 0"],
  ["aggregation unknown", { round: { aggregation: "median" } }, '[round] aggregation = "median"', "one of"],
  ["trim without trimmedMean", { round: { trim: 1 } }, "[round] trim = 1", "applies only with aggregation"],
  ["min_stake 0", { economics: { min_stake: 0 } }, "[economics] min_stake = 0", "min_stake must be > 0"],
  ["min_stake negative", { economics: { min_stake: -1 } }, "[economics] min_stake = -1", ">= 0 SOL"],
  ["min_stake not a number", { economics: { min_stake: "lots" } }, '[economics] min_stake = "lots"', "wrong type"],
  [
    "reward_per_epoch past 2^56 lamports",
    { economics: { reward_per_epoch: 1e8 } },
    "[economics] reward_per_epoch = 100000000",
    "reward_per_epoch must be <= 2\\^56",
  ],
  [
    "challenge_bond 0",
    { economics: { challenge_bond: 0 } },
    "[economics] challenge_bond = 0",
    "challenge_bond must be > 0",
  ],
  ["slash_bps 0", { economics: { slash_bps: 0 } }, "[economics] slash_bps = 0", "slash_bps must be in \\[1, 10000\\]"],
  ["slash_bps 10001", { economics: { slash_bps: 10001 } }, "[economics] slash_bps = 10001", "in \\[1, 10000\\]"],
  ["fund negative", { run: { fund: -1 } }, "[run] fund = -1", ">= 0 SOL"],
  ["id negative", { run: { id: -1 } }, "[run] id = -1", "must be an integer in \\[0, 18446744073709551615\\]"],
  ["id not an integer", { run: { id: "one" } }, '[run] id = "one"', "wrong type"],
  ["dataset path not a string", { dataset: { path: 5 } }, "[dataset] path = 5", "wrong type"],
  ["dataset folder without a dataset", { dataset: { path: "nowhere" } }, '[dataset] path = "nowhere"', "no prepared"],
  ["a misspelt key", { schedule: { epoch_tme: 5 } }, "unknown key [schedule] epoch_tme", "known here: warmup_time"],
  ["an unknown section", { extra: { a: 1 } }, "unknown key [extra]", "known here: run, dataset"],
  ["a missing key", { schedule: { epoch_time: undefined } }, "[schedule] epoch_time is missing", ""],
  [
    "adamw without its parameters",
    { round: adamw },
    "[round] adamw_weight_decay is missing",
    "needed with inner_optimizer = adamw",
  ],
  [
    "wsd without decay_start",
    { training: { lr_schedule: "wsd" } },
    "[training] decay_start is missing",
    "needed with lr_schedule = wsd",
  ],
];

const escape = (s: string) => s.replace(/[[\]().^$*+?{}|\\]/g, "\\$&");

describe("concord run create --config: each invalid field", () => {
  test.each(INVALID)("%s: one line naming it, nothing created", async (_, changes, named, rule) => {
    const file = configFile(changes);
    const recipe = join(dir, `refused-${files}.recipe.json`);
    const line = await refused(["run", "create", "--config", file, "--recipe-out", recipe]);
    expect(line).toMatch(new RegExp(`^error \\d+: ${escape(file)}: .*${escape(named)}.*${rule}`));
    expect(existsSync(recipe)).toBe(false);
  });

  test("the example as it stands passes (the table's rows each break it in one place)", async () => {
    const file = configFile({ run: { id: 77 } });
    expect(await cli(["run", "create", "--config", file, "--json"])).toBe(0);
    expect(lastJson().runId).toBe("77");
  });
});

describe("concord run: bad input gets one line, exit 1, nothing sent", () => {
  test("a config file that does not exist", async () => {
    expect(await refused(["run", "create", "--config", join(dir, "none.toml")])).toMatch(
      /none\.toml not found: pass a run config file/,
    );
  });

  test("a config file that is not TOML", async () => {
    const file = join(dir, "broken.toml");
    writeFileSync(file, "[schedule]\nepoch_time = = 3\n");
    expect(await refused(["run", "create", "--config", file])).toMatch(/broken\.toml is not valid TOML: .*line 2/);
  });

  test("a run id that is taken", async () => {
    const file = configFile({ run: { id: 78 } });
    expect(await cli(["run", "create", "--config", file])).toBe(0);
    expect(await refused(["run", "create", "--config", file])).toMatch(/\[run\] id = 78 .*has this id already/);
  });

  test("a recipe folder that does not exist", async () => {
    const args = ["run", "create", "--config", configFile(), "--recipe-out", join(dir, "no/such/r.json")];
    expect(await refused(args)).toMatch(/--recipe-out .* its folder .* does not exist/);
  });

  test.each([
    ["status", () => []],
    ["fund", () => ["--sol", "1"]],
    ["pause", () => []],
    ["checkpoint", () => ["--hash", "ab".repeat(32), "--uri", "http://h/c"]],
    ["update", () => ["--config", configFile()]],
  ])("run %s of a run that does not exist", async (command, extra) => {
    expect(await refused(["run", command, "--run", "11111111111111111111111111111112", ...extra()])).toMatch(
      /account 1+2 does not exist/,
    );
  });

  test("a run address that is not base58", async () => {
    expect(await refused(["run", "status", "--run", "nope"])).toMatch(/--run "nope" is not a base58/);
  });
});

describe("concord run: create, status, update, fund, pause, resume, checkpoint, finish", () => {
  let run: string;
  const statusJson = async () => {
    expect(await cli(["run", "status", "--run", run, "--json"])).toBe(0);
    return lastJson() as Record<string, never>;
  };

  test("create from a TOML: the run, its recipe beside the config, the hashes", async () => {
    // When the authority creates the run the example describes
    const file = configFile({ run: { id: 4101 } });
    expect(await cli(["run", "create", "--config", file, "--json"])).toBe(0);
    const created = lastJson();
    run = created.run as string;
    expect(created.recipe).toBe(file.replace(/\.toml$/, ".recipe.json"));

    // Then the chain holds the config, and the recipe file is the one it committed to (what trainers check)
    const info = await chain.connection.getAccountInfo(new PublicKey(run));
    const account = decodeRun(info!.data, run);
    const recipe = parseRecipe(readFileSync(created.recipe as string, "utf8"));
    expect(() => checkRecipeAgainstRun(recipe, account.config)).not.toThrow();
    expect(Buffer.from(account.config.modelHash).toString("hex")).toBe(created.modelHash);
    expect(Buffer.from(account.config.datasetHash).toString("hex")).toBe(created.datasetHash);
    expect(created.fundedLamports).toBe("1000000000");
  });

  test("status shows it waiting for members, funded, with the file's configuration", async () => {
    const s = await statusJson();
    expect(s.state).toBe("WaitingForMembers");
    expect([s.epoch, s.step, s.totalSteps, s.members]).toEqual([0, 0, 100, 0]);
    expect(s.nextTransitionIn).toBeNull();
    expect(s.rewardPoolLamports).toBe("1000000000");
    expect(Number(s.vaultLamports)).toBeGreaterThanOrEqual(1_000_000_000);
    expect(s.config["[schedule] epoch_time"]).toBe(3600);
    expect(s.config["[economics] min_stake"]).toBe("100000000");

    // and in words
    expect(await cli(["run", "status", "--run", run])).toBe(0);
    const text = logged.join("\n");
    expect(text).toMatch(/state WaitingForMembers, epoch 0, step 0\/100/);
    expect(text).toMatch(/next transition: none until enough members join \(2 needed\)/);
    expect(text).toMatch(/vault .*reward pool 1 SOL/);
  });

  test("update says what changed, and changes only that; the same file again changes nothing", async () => {
    const file = configFile({ schedule: { epoch_time: 1800 }, economics: { slash_bps: 2500 } });
    expect(await cli(["run", "update", "--run", run, "--config", file, "--json"])).toBe(0);
    expect(lastJson().changes).toEqual([
      { key: "[schedule] epoch_time", from: 3600, to: 1800 },
      { key: "[economics] slash_bps", from: 5000, to: 2500 },
    ]);
    expect(lastJson().recipe).toBeNull(); // the recipe is the same
    expect((await statusJson()).config["[schedule] epoch_time"]).toBe(1800);
    expect(await cli(["run", "update", "--run", run, "--config", file])).toBe(0);
    expect(logged[logged.length - 1]).toMatch(/changes nothing; nothing sent/);
  });

  test("update of a recipe key: a new model hash, and the new recipe written for the trainers", async () => {
    const file = configFile({ schedule: { epoch_time: 1800 }, economics: { slash_bps: 2500 }, model: { layers: 3 } });
    expect(await cli(["run", "update", "--run", run, "--config", file, "--json"])).toBe(0);
    const updated = lastJson() as { changes: { key: string }[]; recipe: string };
    expect(updated.changes.map((c) => c.key)).toEqual(["the recipe (model_hash)"]);
    const info = await chain.connection.getAccountInfo(new PublicKey(run));
    const recipe = parseRecipe(readFileSync(updated.recipe, "utf8"));
    expect(recipe.model.layers).toBe(3);
    expect(() => checkRecipeAgainstRun(recipe, decodeRun(info!.data, run).config)).not.toThrow();
  });

  test("update: an invalid file, or a wallet that is not the authority: one line, nothing sent", async () => {
    expect(
      await refused(["run", "update", "--run", run, "--config", configFile({ schedule: { epoch_time: 0 } })]),
    ).toMatch(/\[schedule\] epoch_time = 0 is out of range: epoch_time must be > 0/);
    expect(await refused(["run", "update", "--run", run, "--config", configFile()], "outsider")).toMatch(
      /is not the authority of run .*: pass the authority's keypair with --keypair/,
    );
  });

  test("fund adds to the reward pool (any wallet); a non-positive amount is refused", async () => {
    expect(await cli(["run", "fund", "--run", run, "--sol", "0.5", "--json"], "outsider")).toBe(0);
    expect(lastJson()).toMatchObject({ fundedLamports: "500000000", rewardPoolLamports: "1500000000" });
    expect((await statusJson()).rewardPoolLamports).toBe("1500000000");
    expect(await refused(["run", "fund", "--run", run, "--sol", "0"])).toMatch(/--sol 0 is not valid/);
  });

  test("pause, then resume; a second resume, or an outsider's pause: one line", async () => {
    expect(await refused(["run", "pause", "--run", run], "outsider")).toMatch(/is not the authority of run/);
    expect(await cli(["run", "pause", "--run", run])).toBe(0);
    expect(logged[logged.length - 1]).toMatch(/is Paused$/);
    expect((await statusJson()).state).toBe("Paused");
    expect(await cli(["run", "resume", "--run", run, "--json"])).toBe(0);
    expect(lastJson()).toMatchObject({ action: "resume", state: "WaitingForMembers" });
    expect(await refused(["run", "resume", "--run", run])).toMatch(/is WaitingForMembers: it is not paused/);
  });

  test("checkpoint records the hash and URI; a bad hash or an outsider: one line", async () => {
    const hash = "ab".repeat(32);
    expect(await refused(["run", "checkpoint", "--run", run, "--hash", "xyz", "--uri", "http://h/c"])).toMatch(
      /--hash xyz is not valid: expected a sha256 as 64 hex digits/,
    );
    expect(
      await refused(["run", "checkpoint", "--run", run, "--hash", hash, "--uri", "http://h/c"], "outsider"),
    ).toMatch(/is not the authority/);
    expect(await cli(["run", "checkpoint", "--run", run, "--hash", hash, "--uri", "http://127.0.0.1:1/c"])).toBe(0);
    expect((await statusJson()).checkpoint).toEqual({ epoch: 0, step: 0, hash, uri: "http://127.0.0.1:1/c" });
    // epochs only move forward
    expect(await refused(["run", "checkpoint", "--run", run, "--hash", hash, "--uri", "http://h/c"])).toMatch(
      /^error 6052: InvalidCheckpoint: /,
    );
  });

  test("finish ends it; then update and finish again are refused in one line", async () => {
    expect(await cli(["run", "finish", "--run", run])).toBe(0);
    expect((await statusJson()).state).toBe("Finished");
    expect(await refused(["run", "update", "--run", run, "--config", configFile()])).toMatch(
      /run .* is Finished: a finished run's configuration is final/,
    );
    for (const action of ["finish", "pause", "resume"])
      expect(await refused(["run", action, "--run", run])).toMatch(/is Finished: a finished run stays finished/);
  });
});

describe("concord run status of a run under way", () => {
  test("a member joined: the transition to Warmup is due now; after the tick, RoundTrain at most warmup_time away", async () => {
    // Given a one-member run with a 30-second warm-up, and the outsider joined with the minimum stake
    const file = configFile({
      run: { id: 4102 },
      members: { min_clients: 1, init_min_clients: 1, witness_nodes: 1 },
      schedule: { warmup_time: 30 },
    });
    expect(await cli(["run", "create", "--config", file, "--json"])).toBe(0);
    const run = new PublicKey(lastJson().run as string);
    const member = wallets.outsider.keypair;
    const program = coordinatorProgram(providerFor(chain.connection, member));
    const sender = new TransactionSender(chain.connection, member);
    const stake = 100_000_000n; // the example's min_stake, 0.1 SOL
    await sender.send([
      await ix.joinInstruction(program, { run, member: member.publicKey, endpoint: "ws://h:1", stake }),
    ]);

    const status = async () => {
      expect(await cli(["run", "status", "--run", run.toBase58(), "--json"])).toBe(0);
      return lastJson();
    };
    // Then status counts the member, and says the move to Warmup is due (any crank makes it)
    expect(await status()).toMatchObject({
      state: "WaitingForMembers",
      members: 1,
      nextTransitionIn: 0,
      nextState: "Warmup",
    });
    expect(await cli(["run", "status", "--run", run.toBase58()])).toBe(0);
    expect(logged.join("\n")).toMatch(/next transition: to Warmup due now \(any crank ticks it\)/);

    // When it is ticked, the next move is to RoundTrain, within the warm-up
    await sender.send([await ix.tickInstruction(program, run)]);
    const warm = await status();
    expect(warm).toMatchObject({ state: "Warmup", epochMembers: 1, nextState: "RoundTrain" });
    expect(warm.nextTransitionIn).toBeGreaterThanOrEqual(0);
    expect(warm.nextTransitionIn).toBeLessThanOrEqual(30);
    expect(warm.totalStakeLamports).toBe(String(stake));
  });
});
