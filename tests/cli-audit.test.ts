// `concord audit verify` in-process through main(), on a run played by two honest trainer nodes and a member that
// re-sends its first update every round, on the real local chain: the honest members come out ok, the stale member
// flagged; bad input gets one line and exit 1.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../clients/cli/index";
import type { MemberAudit } from "../sdk/audit/runAudit";
import { captureConsole } from "./helpers/capturedConsole";
import { rogueRun } from "./helpers/rogueRun";
import { useTestLocalnet } from "./helpers/testLocalnet";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-cli-audit-"));
const logged = captureConsole();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let run: string;
let rogue: string;
const recipeFile = join(dir, "recipe.json");

beforeAll(async () => {
  const played = await rogueRun(chain, { dir, recipeFile, honest: 2, cheat: "stale", globalBatchSize: 6, ms: 120_000 });
  run = played.run.toBase58();
  rogue = played.rogue.toBase58();
}, 180_000);

test("verify: a row per member; the honest ones ok, the one re-sending its update flagged as stale", async () => {
  const args = ["audit", "verify", "--url", chain.rpcUrl, "--run", run, "--recipe", recipeFile];
  expect(await main([...args, "--store", join(dir, "node-0"), "--json"])).toBe(0);
  const rows = JSON.parse(logged[logged.length - 1]) as MemberAudit[];
  expect(rows).toHaveLength(3);
  for (const r of rows) {
    expect(r.receipts).toBe(3);
    expect(r.integrityFailures).toEqual([]);
    if (r.member === rogue) {
      expect(r.verdict).toBe("flagged");
      expect(r.accepted).toBe(1); // its first update; the re-sent ones were never accepted
      expect(r.copies.map((c) => [c.kind, c.step, c.source.step])).toEqual([
        ["stale", 1, 0],
        ["stale", 2, 1],
      ]);
    } else expect([r.verdict, r.accepted, r.copies, r.normOutliers, r.outOfSync]).toEqual(["ok", 3, [], [], []]);
  }
  // and the same as a table
  expect(await main([...args, "--store", join(dir, "node-0")])).toBe(0);
  const table = logged[logged.length - 1].split("\n");
  expect(table[0]).toMatch(/^member +receipts +accepted +no bytes +integrity +stale +copies +norm +sync +verdict$/);
  expect(table.find((l) => l.startsWith(rogue))).toMatch(/ 2 +0 +0 +ok +flagged$/);
});

test.each([
  ["a run that is no address", { run: "not-a-key" }, /--run/],
  ["a store that does not exist", { store: "/nonexistent/store" }, /store .* not found/],
  ["a recipe that does not exist", { recipe: "/nonexistent/recipe.json" }, /recipe .* not found/],
])("verify with %s: one line and exit 1", async (_, override, message) => {
  const options = { url: chain.rpcUrl, run, recipe: recipeFile, store: join(dir, "node-0"), ...override };
  expect(await main(["audit", "verify", ...Object.entries(options).flatMap(([k, v]) => [`--${k}`, v])])).toBe(1);
  expect(logged).toHaveLength(1);
  expect(logged[0]).toMatch(message);
});
