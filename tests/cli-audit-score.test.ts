// `concord audit score` in-process through main(), on a run played by three honest trainer nodes and a member that
// re-sends one fixed update every round, on the real local chain: every receipt is scored from the chain's record,
// the honest members come out useful; bad input gets one line and exit 1.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../clients/cli/index";
import { addDatasets } from "../clients/cli/lib/runServe";
import { startBlobServer } from "../coordinator/blobServer/blobServer";
import type { MemberUsefulnessRow } from "../trainer/audit/runUsefulness";
import { USEFULNESS_THRESHOLD } from "../trainer/audit/usefulness";
import { captureConsole } from "./helpers/capturedConsole";
import { rogueRun } from "./helpers/rogueRun";
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
  const played = await rogueRun(chain, { dir, recipeFile, honest: 3, cheat: "stale", globalBatchSize: 8, ms: 150_000 });
  run = played.run.toBase58();
  rogue = played.rogue.toBase58();
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
  // one row per member, each the JSON's verdict (the rogue's first update is honest: its pooled score may pass)
  for (const r of rows) expect(table.find((l) => l.startsWith(r.member))).toMatch(new RegExp(` ${r.verdict}$`));
  expect(table.filter((l) => / 3 +3 .* useful$/.test(l)).length).toBeGreaterThanOrEqual(3);
}, 150_000);

test("score with the dataset from a data server (no local copy): the same rows; the download is kept and read again", async () => {
  // Given the scores from the prepared folder, and a data server that publishes that dataset
  expect(await within(main([...argv(options()), "--json"]), "the scores", 60_000)).toBe(0);
  const local = logged[logged.length - 1];
  const server = await startBlobServer({ dir: join(dir, "blobs") });
  const [published] = addDatasets(server.store.dir, [dataDir]);
  const downloads = join(dir, "auditor-data");
  try {
    // When an auditor with no copy names a folder to download it into and the server
    const o = { ...options(), data: downloads, server: server.url };
    expect(await within(main([...argv(o), "--json"]), "the scores", 60_000)).toBe(0);
    // Then the scores are the prepared folder's, the download said so on stderr, and the folder holds the dataset
    expect(logged[logged.length - 1]).toBe(local);
    expect(logged).toContainEqual(
      expect.stringMatching(new RegExp(`^dataset ${published.hash}: \\d+ shards, 0 cached`)),
    );
    expect(readdirSync(join(downloads, published.hash))).toContain("manifest.json");
  } finally {
    await server.close();
  }
  // and with the server gone, the kept download scores the same
  expect(
    await within(
      main([...argv({ ...options(), data: downloads, server: server.url }), "--json"]),
      "the scores",
      60_000,
    ),
  ).toBe(0);
  expect(logged[logged.length - 1]).toBe(local);
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
