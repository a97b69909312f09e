// Re-execution (trainer/audit/reexecution.ts) and `concord audit replay` on a run of two epochs played on the real
// local chain by two honest trainer nodes (AdamW inner steps, so the re-derived state is error feedback and moments)
// and a member that commits one untrained update every round: every update the honest members committed is trained
// again, byte for byte, from public data alone; the stale member's first receipt is a mismatch and its later ones
// unverifiable; bad input gets one line and exit 1.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../clients/cli/index";
import { Crank } from "../coordinator/crank/crank";
import { fundedKeypair, providerFor } from "../coordinator/localnet/localnetClient";
import type { DemoRun } from "../scripts/demo/demoRun";
import { createDemoRun } from "../scripts/demo/demoRun";
import { decodeRun, toBigInt } from "../sdk/coordinatorAccounts";
import { COORDINATOR_PROGRAM_ID, coordinatorProgram } from "../sdk/coordinatorProgram";
import { planUpdateLayout } from "../sdk/demo/compress";
import { dataSeedAt } from "../sdk/roundHistory";
import { valueFormatOf } from "../sdk/runConfig";
import { TransactionSender } from "../sdk/transactionSender";
import type { MemberReexecution } from "../trainer/audit/reexecution";
import { reexecuteRun } from "../trainer/audit/reexecution";
import { computeDescriptor, selectBackend } from "../trainer/backend/selectBackend";
import type { Dataset } from "../trainer/data/tokenShards";
import { parameterSpecs } from "../trainer/model/transformer";
import { runEvents } from "../trainer/node/runHistory";
import { UpdateStore } from "../trainer/node/updateStore";
import { captureConsole } from "./helpers/capturedConsole";
import { generatedDataset } from "./helpers/generatedDataset";
import { startNodes } from "./helpers/inProcessNodes";
import { RogueMember } from "./helpers/rogueMember";
import { useTestLocalnet } from "./helpers/testLocalnet";
import { within } from "./helpers/within";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-audit-replay-"));
const logged = captureConsole();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROUNDS = 4;
let created: DemoRun;
let dataset: Dataset;
let honest: string[];
let rogue: string;
const recipeFile = join(dir, "recipe.json");

beforeAll(async () => {
  // Given a run of two epochs of two rounds, two inner AdamW steps a round, played by two nodes and a stale member
  dataset = generatedDataset(join(dir, "data"), 30_000, 12);
  const authority = await fundedKeypair(chain.connection, 20);
  created = await createDemoRun(chain.connection, authority, {
    dataset,
    members: 3,
    rounds: ROUNDS,
    roundsPerEpoch: 2,
    innerSteps: 2,
    globalBatchSize: 6,
    round: { inner: { kind: "adamw", beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1 } },
  });
  writeFileSync(recipeFile, JSON.stringify(created.recipe));
  const { config, recipe } = created;
  const shapes = parameterSpecs(recipe.model).map((s) => s.shape);
  const layout = planUpdateLayout(shapes, config.demoChunk, config.demoTopK, valueFormatOf(config.valueBits));
  const stale = new RogueMember(chain.connection, created.run, layout);
  await stale.start(10n ** 8n);
  const nodes = await startNodes(chain.connection, {
    run: created.run,
    recipe,
    dataset,
    dir,
    count: 2,
    witnessWaitMs: 3000,
  });
  const abort = new AbortController();
  const program = coordinatorProgram(providerFor(chain.connection, authority));
  const crank = new Crank(program, created.run, new TransactionSender(chain.connection, authority)).runUntilFinished(
    abort.signal,
    { pollMs: 500 },
  );
  try {
    await within(Promise.all(nodes.runs), "the run to finish", 150_000);
  } finally {
    abort.abort();
    await crank.catch(() => {});
    nodes.stop();
    await stale.stop();
  }
  honest = nodes.keys.map((k) => k.toBase58());
  rogue = stale.keypair.publicKey.toBase58();
}, 200_000);

test("re-execution reproduces every honest update byte for byte; the stale member's first receipt is a mismatch", async () => {
  // When the run is re-executed from its events, the recipe, the dataset and node 0's store, on the nodes' compute
  const events = await runEvents(chain.connection, COORDINATOR_PROGRAM_ID, created.run);
  const store = UpdateStore.open(join(dir, "node-0", "updates"));
  const compute = computeDescriptor(await selectBackend({ order: ["wasm+native", "wasm"], log: () => {} }));
  const info = await chain.connection.getAccountInfo(created.run, "confirmed");
  const run = decodeRun(info!.data, created.run.toBase58());
  const rows = await reexecuteRun({
    run: created.run,
    config: run.config,
    recipe: created.recipe,
    dataset,
    events,
    published: (member, step) => store.get(member, Number(step)),
    compute,
  });
  // Then every receipt of an honest member matches exactly, over both epochs
  const byMember = new Map(rows.map((r) => [r.member, r]));
  for (const member of honest)
    expect(byMember.get(member)).toEqual({
      member,
      receipts: ROUNDS,
      reexecuted: ROUNDS,
      matched: ROUNDS,
      firstMismatch: null,
      steps: Array.from({ length: ROUNDS }, (_, step) => ({ step, result: "match" })),
      verdict: "ok",
    });
  // And the stale member's first update (accepted, never trained) is caught; what followed cannot be judged
  const stale = byMember.get(rogue)!;
  expect([stale.verdict, stale.firstMismatch, stale.reexecuted, stale.matched]).toEqual(["flagged", 0, 1, 0]);
  expect(stale.steps.map((s) => s.result)).toEqual(["mismatch", ...new Array(ROUNDS - 1).fill("unverifiable")]);
  // And the data seed the history gives the last round is the one the chain holds
  expect(toBigInt(run.step)).toBe(BigInt(ROUNDS));
  expect(Buffer.from(dataSeedAt(events, BigInt(ROUNDS - 1)))).toEqual(Buffer.from(run.dataSeed));
}, 60_000);

describe("concord audit replay", () => {
  const options = (override: Record<string, string> = {}) =>
    Object.entries({
      url: chain.rpcUrl,
      run: created.run.toBase58(),
      recipe: recipeFile,
      store: join(dir, "node-0"),
      data: dataset.dir,
      ...override,
    }).flatMap(([k, v]) => [`--${k}`, v]);

  test("--help names its options", async () => {
    expect(await main(["audit", "replay", "--help"])).toBe(0);
    const help = logged.join("\n");
    for (const option of ["--run", "--recipe", "--store", "--data", "--member", "--json"])
      expect(help).toContain(option);
  });

  test("a row per member; --member and --json give one member's results step by step", async () => {
    expect(await main(["audit", "replay", ...options()])).toBe(0);
    const table = logged[logged.length - 1].split("\n");
    expect(table[0]).toMatch(/^member +receipts +re-executed +first mismatch +verdict$/);
    for (const member of honest)
      expect(table.find((l) => l.startsWith(member))).toMatch(
        new RegExp(` ${ROUNDS} +${ROUNDS}/${ROUNDS} matched +- +ok$`),
      );
    expect(table.find((l) => l.startsWith(rogue))).toMatch(/ 0\/1 matched +step 0 +flagged$/);

    expect(await main(["audit", "replay", ...options({ member: honest[1] }), "--json"])).toBe(0);
    const rows = JSON.parse(logged[logged.length - 1]) as MemberReexecution[];
    expect(rows.map((r) => [r.member, r.verdict, r.matched])).toEqual([[honest[1], "ok", ROUNDS]]);
  }, 60_000);

  test.each([
    ["a member that is no address", { member: "not-a-key" }, /--member "not-a-key" is not a base58 public key/],
    ["a dataset that does not exist", { data: "/nonexistent/data" }, /dataset source not found/],
    ["a store that does not exist", { store: "/nonexistent/store" }, /store .* not found/],
    ["a run that is no address", { run: "not-a-key" }, /--run/],
  ])("with %s: one line and exit 1", async (_, override, message) => {
    expect(await main(["audit", "replay", ...options(override)])).toBe(1);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(message);
  });
});
