// `concord audit verify` in-process through main(), on a run played by two honest trainer nodes and a member that
// re-sends its first update every round, on the real local chain: the honest members come out ok, the stale member
// flagged; the same from a data server alone, which members uploaded to; bad input gets one line and exit 1.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../clients/cli/index";
import { startBlobServer } from "../coordinator/blobServer/blobServer";
import type { MemberAudit } from "../sdk/audit/runAudit";
import { putBlob } from "../sdk/net/blobFetch";
import { putMetadata } from "../sdk/net/metadataFetch";
import { metadataKey } from "../sdk/receiptMetadata";
import { parseRecipe, recipeBytes } from "../sdk/trainingRecipe";
import { PublicKey } from "@solana/web3.js";
import { UpdateStore } from "../trainer/node/updateStore";
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

test("verify from a data server alone (no store, no recipe file): what members uploaded gives the same verdicts; unsigned metadata is refused", async () => {
  // Given a data server holding every update of the run, uploaded as trainers do (the bytes, then signed metadata)
  const blobs = join(dir, "blobs");
  const server = await startBlobServer({ dir: blobs, acceptUploads: true });
  try {
    const store = UpdateStore.open(join(dir, "node-0", "updates"));
    const updates = [0, 1, 2].flatMap((step) => store.step(step));
    for (const u of updates) {
      await putBlob(server.url, u.bytes);
      await putMetadata(server.url, u.metadata);
    }
    // and the run's recipe, as `concord serve --recipe` publishes it
    await putBlob(server.url, recipeBytes(parseRecipe(readFileSync(recipeFile, "utf8"))));
    // When an auditor with no store and no recipe file asks it
    const args = ["audit", "verify", "--url", chain.rpcUrl, "--run", run, "--json"];
    expect(await main([...args, "--server", server.url])).toBe(0);
    const fromServer = JSON.parse(logged[logged.length - 1]) as MemberAudit[];
    expect(await main([...args, "--recipe", recipeFile, "--store", join(dir, "node-0")])).toBe(0);
    const fromStore = JSON.parse(logged[logged.length - 1]) as MemberAudit[];
    // Then its verdicts are the store's, every update intact
    expect(fromServer).toEqual(fromStore);
    expect(fromServer.flatMap((r) => r.integrityFailures)).toEqual([]);

    // And when an operator swaps an honest member's metadata on disk for a copy naming other compute
    const honest = updates.find((u) => u.member.toBase58() !== rogue && u.step === 1)!;
    const key = metadataKey(new PublicKey(run), honest.member, honest.step, honest.hash);
    const name = join(blobs, "metadata", Buffer.from(key).toString("hex"));
    writeFileSync(name, Buffer.from(readFileSync(name).toString("latin1").replace("4.22.0", "4.22.1"), "latin1"));
    expect(await main([...args, "--server", server.url])).toBe(0);
    const forged = (JSON.parse(logged[logged.length - 1]) as MemberAudit[]).find(
      (r) => r.member === honest.member.toBase58(),
    )!;
    // Then the audit refuses it (the metadata is the member's word only when the member signed it)
    expect(forged.integrityFailures).toEqual([expect.objectContaining({ step: 1 })]);
  } finally {
    await server.close();
  }
});

test.each([
  ["a run that is no address", { run: "not-a-key" }, /--run/],
  ["a store that does not exist", { store: "/nonexistent/store" }, /store .* not found/],
  ["a recipe that does not exist", { recipe: "/nonexistent/recipe.json" }, /recipe .* not found/],
  [
    "neither a recipe nor a server",
    { recipe: undefined },
    /^error 11030: pass --recipe FILE \(the run's recipe\) or --server URL \(a data server that holds it\)/,
  ],
  [
    "neither a store nor a server",
    { store: undefined },
    /^error 11030: say where the updates are: --store DIR \(a trainer's state dir\) or --server URL/,
  ],
  ["a server that is no http URL", { server: "ftp://127.0.0.1/" }, /--server/],
])("verify with %s: one line and exit 1", async (_, override, message) => {
  const given = { url: chain.rpcUrl, run, recipe: recipeFile, store: join(dir, "node-0"), ...override };
  const options = Object.entries(given).filter((e): e is [string, string] => e[1] !== undefined);
  expect(await main(["audit", "verify", ...options.flatMap(([k, v]) => [`--${k}`, v])])).toBe(1);
  expect(logged).toHaveLength(1);
  expect(logged[0]).toMatch(message);
});
