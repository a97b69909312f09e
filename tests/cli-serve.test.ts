// `concord serve`: bad input gets one line and exit 1 (in-process through main()); the real command, as a child
// process, serves a blob by its hash, publishes a prepared dataset (--dataset), and stops on SIGINT.
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha256";
import { bytesToHex } from "@noble/hashes/utils";
import { main } from "../clients/cli/index";
import { manifestBytes } from "../sdk/data/datasetManifest";
import { fetchBlob } from "../sdk/net/blobFetch";
import { recipeBytes, recipeHash } from "../sdk/trainingRecipe";
import type { Dataset } from "../trainer/data/tokenShards";
import { allShards } from "../trainer/data/tokenShards";
import { captureConsole } from "./helpers/capturedConsole";
import { generatedDataset } from "./helpers/generatedDataset";
import { startServeProcess } from "./helpers/serveProcess";
import { TEST_RECIPE } from "./helpers/testRecipe";
import { within } from "./helpers/within";

const dir = mkdtempSync(join(tmpdir(), "concord-cli-serve-"));
const logged = captureConsole();
const children: ChildProcessWithoutNullStreams[] = [];
let dataset: Dataset;
beforeAll(() => {
  dataset = generatedDataset(join(dir, "dataset"), 20_000, 4);
});
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

test("--help names the options", async () => {
  expect(await main(["serve", "--help"])).toBe(0);
  expect(logged.join("\n")).toMatch(/--dir[\s\S]*--host[\s\S]*--port[\s\S]*--accept-uploads[\s\S]*--max-upload-mib/);
});

test.each([
  [["serve"], /dir/],
  [["serve", "--dir", join(dir, "file")], /is not a folder/],
  [["serve", "--dir", dir, "--port", "70000"], /--port must be an integer/],
  [["serve", "--dir", dir, "--port", "x"], /--port must be an integer/],
  [["serve", "--dir", dir, "--max-upload-mib", "0"], /--max-upload-mib must be positive/],
  [
    ["serve", "--dir", join(dir, "r"), "--recipe", join(dir, "absent.json")],
    /^error 16037: recipe .*absent.json not found/,
  ],
  [
    ["serve", "--dir", join(dir, "r"), "--recipe", join(dir, "file")],
    /^error 16000: invalid recipe configuration: not JSON/,
  ],
  [["serve", "--dir", join(dir, "r"), "--data", dir], /--data needs --checkpoints RUN/],
])("%j: one line and exit 1", async (argv, why) => {
  writeFileSync(join(dir, "file"), "not a folder");
  expect(await main(argv)).toBe(1);
  const errors = logged.filter((l) => /^error( \d+)?: /.test(l));
  expect(errors).toHaveLength(1);
  expect(errors[0]).not.toContain("\n");
  expect(errors[0]).toMatch(why);
  expect(existsSync(join(dir, "r"))).toBe(false); // nothing stored
});

/** `concord serve ARGS` as a child process; resolves once it prints its URL. */
async function serveChild(args: string[]) {
  const server = await startServeProcess(args);
  children.push(server.child);
  const exited = new Promise<number | null>((ok) =>
    server.child.exitCode !== null ? ok(server.child.exitCode) : server.child.once("exit", ok),
  );
  return { child: server.child, base: server.url, exited, out: server.output };
}

test("serves a blob by its hash, prints where, and stops on SIGINT", async () => {
  // Given: a folder holding one blob
  const blobs = join(dir, "blobs");
  const data = Buffer.from("a shard of training data");
  const hash = bytesToHex(sha256(data));
  const { child, base, exited, out } = await serveChild(["--dir", blobs]);
  writeFileSync(join(blobs, hash), data);
  // When: a client fetches it
  const bytes = await within(fetchBlob([base], hash), "the blob");
  // Then: the bytes are the blob's, and SIGINT stops the server
  expect(Buffer.from(bytes).equals(data)).toBe(true);
  child.kill("SIGINT");
  expect(await within(exited, "exit after SIGINT", 10_000)).toBe(0);
  expect(out()).toContain("stopped");
}, 40_000);

test("--dataset publishes a prepared dataset: its manifest under the dataset hash, each shard under its sha256", async () => {
  // Given: a prepared dataset folder
  // When: a server starts with it
  const { child, base, exited, out } = await serveChild(["--dir", join(dir, "published"), "--dataset", dataset.dir]);
  // Then: it says what it added, and serves the manifest's canonical JSON and every shard by hash
  const shards = allShards(dataset.manifest);
  expect(out()).toContain(
    `dataset ${dataset.hash}: ${shards.length + 1} blobs from ${dataset.dir} (${shards.length + 1} new)`,
  );
  const manifest = await within(fetchBlob([base], dataset.hash), "the manifest");
  expect(Buffer.from(manifest).equals(Buffer.from(manifestBytes(dataset.manifest)))).toBe(true);
  for (const s of shards) {
    const bytes = await within(fetchBlob([base], s.sha256), s.file);
    expect(Buffer.from(bytes).equals(readFileSync(join(dataset.dir, s.file)))).toBe(true);
  }
  child.kill("SIGINT");
  expect(await within(exited, "exit after SIGINT", 10_000)).toBe(0);
}, 40_000);

test.each([
  [
    "a folder without a manifest",
    () => {
      mkdirSync(join(dir, "no-dataset"), { recursive: true });
      return join(dir, "no-dataset");
    },
    /dataset source not found: .*no-dataset\/manifest.json/,
  ],
  [
    "a folder whose shard no longer matches its manifest",
    () => {
      const dataset = generatedDataset(join(dir, "damaged"), 20_000, 5);
      const shard = allShards(dataset.manifest)[1];
      writeFileSync(join(dataset.dir, shard.file), "edited");
      return dataset.dir;
    },
    /shard train-00001.bin has sha256 [0-9a-f]{64}, the manifest says [0-9a-f]{64}/,
  ],
])("--dataset with %s: one line, exit 1, nothing stored", async (_, folder, why) => {
  const store = join(dir, "refused-store");
  expect(await main(["serve", "--dir", store, "--dataset", dataset.dir, "--dataset", folder()])).toBe(1);
  const errors = logged.filter((l) => /^error( \d+)?: /.test(l));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(why);
  expect(existsSync(store)).toBe(false);
});

test("--recipe publishes the run's recipe: its canonical JSON under its sha256, the run's model_hash", async () => {
  // Given: a recipe file as `run create` writes it (indented, keys in any order)
  const recipe = TEST_RECIPE;
  const file = join(dir, "run.recipe.json");
  writeFileSync(file, JSON.stringify(recipe, null, 2));
  const hash = bytesToHex(recipeHash(recipe));
  // When: a server starts with it
  const { child, base, exited, out } = await serveChild(["--dir", join(dir, "with-recipe"), "--recipe", file]);
  // Then: it says so, and serves the canonical bytes under the model hash (what `train` and `audit` fetch)
  expect(out()).toContain(`recipe ${hash} (the run's model_hash): from ${file}`);
  const bytes = await within(fetchBlob([base], hash), "the recipe");
  expect(Buffer.from(bytes).equals(Buffer.from(recipeBytes(recipe)))).toBe(true);
  child.kill("SIGINT");
  expect(await within(exited, "exit after SIGINT", 10_000)).toBe(0);
}, 40_000);
