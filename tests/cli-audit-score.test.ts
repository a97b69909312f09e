// `concord audit score` in-process through main(), on a run played by three honest trainer nodes and a member that
// re-sends one fixed update every round, on the real local chain: every receipt is scored from the chain's record,
// the honest members come out useful; bad input gets one line and exit 1.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../clients/cli/index";
import { Crank } from "../coordinator/crank/crank";
import { fundedKeypair, providerFor } from "../coordinator/localnet/localnetClient";
import { createDemoRun } from "../scripts/demo/demoRun";
import { coordinatorProgram } from "../sdk/coordinatorProgram";
import { planUpdateLayout } from "../sdk/demo/compress";
import { valueFormatOf } from "../sdk/runConfig";
import { TransactionSender } from "../sdk/transactionSender";
import type { MemberUsefulnessRow } from "../trainer/audit/runUsefulness";
import { USEFULNESS_THRESHOLD } from "../trainer/audit/usefulness";
import { parameterSpecs } from "../trainer/model/transformer";
import { captureConsole } from "./helpers/capturedConsole";
import { generatedDataset } from "./helpers/generatedDataset";
import { startNodes } from "./helpers/inProcessNodes";
import { RogueMember } from "./helpers/rogueMember";
import { useTestLocalnet } from "./helpers/testLocalnet";
import { within } from "./helpers/within";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-cli-audit-score-"));
const logged = captureConsole();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let run: string;
let rogue: string;
const recipeFile = join(dir, "recipe.json");
const dataDir = join(dir, "data");

beforeAll(async () => {
  const dataset = generatedDataset(dataDir, 30_000, 12);
  const authority = await fundedKeypair(chain.connection, 20);
  const created = await createDemoRun(chain.connection, authority, {
    dataset,
    members: 4,
    rounds: 3,
    globalBatchSize: 8,
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
    count: 3,
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
  run = created.run.toBase58();
  rogue = stale.keypair.publicKey.toBase58();
}, 210_000);

const options = () => ({ url: chain.rpcUrl, run, recipe: recipeFile, store: join(dir, "node-0"), data: dataDir });
const argv = (o: Record<string, string>) => ["audit", "score", ...Object.entries(o).flatMap(([k, v]) => [`--${k}`, v])];

test("--help names the options", async () => {
  // yargs exits the process after printing help; main() returns 0 once it may not
  expect(await main(["audit", "score", "--help"])).toBe(0);
  expect(logged.join("\n")).toMatch(/--run[\s\S]*--recipe[\s\S]*--store[\s\S]*--data[\s\S]*--json/);
});

test("score: every receipt scored, a row per member; the honest members useful", async () => {
  expect(await within(main([...argv(options()), "--json"]), "the scores", 60_000)).toBe(0);
  const rows = JSON.parse(logged[logged.length - 1]) as MemberUsefulnessRow[];
  expect(rows).toHaveLength(4);
  for (const r of rows) {
    expect(r.committed).toBe(3);
    // the node's store holds what it fetched: the rogue's re-sends, never accepted, may be missing from it
    if (r.member !== rogue) expect(r.receipts).toBe(3);
    if (r.member !== rogue) expect(r).toMatchObject({ verdict: "useful" });
    expect(r.verdict).toBe(r.score < USEFULNESS_THRESHOLD ? "flagged" : "useful");
  }
  // and the same as a table
  expect(await within(main(argv(options())), "the scores", 60_000)).toBe(0);
  const table = logged[logged.length - 1].split("\n");
  expect(table[0]).toMatch(/^member +receipts +scored +own gain +other gain +score +verdict$/);
  expect(table.filter((l) => / 3 +3 .* useful$/.test(l))).toHaveLength(3);
}, 150_000);

test.each([
  ["a run that is no address", { run: "not-a-key" }, /--run/],
  ["a store that does not exist", { store: "/nonexistent/store" }, /store .* not found/],
  ["a recipe that does not exist", { recipe: "/nonexistent/recipe.json" }, /recipe .* not found/],
  ["a dataset that does not exist", { data: "/nonexistent/data" }, /nonexistent\/data/],
])("score with %s: one line and exit 1", async (_, override, message) => {
  expect(await main(argv({ ...options(), ...override }))).toBe(1);
  expect(logged).toHaveLength(1);
  expect(logged[0]).toMatch(message);
});
