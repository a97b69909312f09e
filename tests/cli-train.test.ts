// `concord train` in-process through main(), against the real local chain: every bad input is refused with one line
// and exit 1 before the node touches the run (no join, no stake moved).
import { writeKeypair } from "../coordinator/localnet/coordinatorProgram";
import { PublicKey } from "@solana/web3.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { main } from "../clients/cli/index";
import { fundedKeypair } from "../coordinator/localnet/localnetClient";
import { createDemoRun } from "../scripts/demo/demoRun";
import type { TrainingRecipe } from "../sdk/trainingRecipe";
import { recipeBytes, recipeHash } from "../sdk/trainingRecipe";
import type { BlobServer } from "../coordinator/blobServer/blobServer";
import { startBlobServer } from "../coordinator/blobServer/blobServer";
import { bytesToHex } from "@noble/hashes/utils";
import { captureConsole } from "./helpers/capturedConsole";
import { generatedDataset } from "./helpers/generatedDataset";
import { useTestLocalnet } from "./helpers/testLocalnet";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-cli-train-"));
const logged = captureConsole();
let base: string[];
let recipe: TrainingRecipe;
let run: string;
let memberBalance: number;
let memberKey: string;
/** A data server that is down: a port that was free a moment ago, with nothing listening on it. */
let downServer: string;
/** A data server holding other bytes under the run's model_hash. */
let altered: BlobServer;

beforeAll(async () => {
  const dataset = generatedDataset(join(dir, "data"), 20_000, 1);
  generatedDataset(join(dir, "other-data"), 20_000, 2);
  const created = await createDemoRun(chain.connection, await fundedKeypair(chain.connection, 20), {
    dataset,
    members: 2,
    rounds: 2,
  });
  recipe = created.recipe;
  run = created.run.toBase58();
  writeFileSync(join(dir, "recipe.json"), JSON.stringify(recipe));
  writeFileSync(join(dir, "other-recipe.json"), JSON.stringify({ ...recipe, initSeed: 99 }));
  writeFileSync(join(dir, "not-json.json"), "{");
  const member = await fundedKeypair(chain.connection, 2);
  memberKey = member.publicKey.toBase58();
  writeKeypair(join(dir, "member.json"), member);
  memberBalance = await chain.connection.getBalance(member.publicKey);
  base = ["train", "--url", chain.rpcUrl, "--state-dir", join(dir, "state")];
  const probe = createServer();
  await new Promise<void>((ok) => probe.listen(0, "127.0.0.1", ok));
  downServer = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((ok) => probe.close(() => ok()));
  altered = await startBlobServer({ dir: join(dir, "altered-store") });
  writeFileSync(altered.store.pathOf(bytesToHex(recipeHash(recipe))), recipeBytes({ ...recipe, initSeed: 99 }));
});
afterAll(async () => {
  await altered.close();
  rmSync(dir, { recursive: true, force: true });
});

const args = (over: Record<string, string | undefined>) => {
  const o = {
    run,
    recipe: join(dir, "recipe.json"),
    data: join(dir, "data"),
    keypair: join(dir, "member.json"),
    ...over,
  };
  return [...base, ...Object.entries(o).flatMap(([k, v]) => (v === undefined ? [] : [`--${k}`, v]))];
};

/** `concord train ARGV` refused: exit 1, one error line naming its code and matching `message`, no lamport moved. */
async function refused(argv: string[], message: RegExp) {
  expect(await main(argv)).toBe(1);
  const errors = logged.filter((l) => /^error( \d+)?: /.test(l));
  expect(errors).toHaveLength(1);
  expect(errors[0]).not.toContain("\n");
  expect(errors[0]).toMatch(/^error \d+: /); // every refusal names its code
  expect(errors[0]).toMatch(message);
  expect(await chain.connection.getBalance(new PublicKey(memberKey))).toBe(memberBalance);
}

test.each<[string, Record<string, string>, RegExp]>([
  [
    "a run address that is not base58",
    { run: "not-an-address" },
    /^error 11006: --run "not-an-address" is not a base58 public key/,
  ],
  ["a run that does not exist", { run: "11111111111111111111111111111112" }, /does not exist/],
  ["a recipe file that is missing", { recipe: join(dir, "absent.json") }, /recipe .*absent.json not found/],
  ["a recipe file that is not JSON", { recipe: join(dir, "not-json.json") }, /invalid recipe configuration: not JSON/],
  ["another run's recipe", { recipe: join(dir, "other-recipe.json") }, /does not match the run on-chain: its sha256/],
  ["another dataset", { data: join(dir, "other-data") }, /dataset .*other-data has hash [0-9a-f]+, the run's is/],
  ["a listen address without a port", { listen: "127.0.0.1" }, /--listen 127.0.0.1: expected HOST:PORT/],
  ["a relay that is not a relay endpoint", { relay: "ws://127.0.0.1:1" }, /relay URL ws:\/\/127.0.0.1:1: its path/],
  ["a keypair file that is missing", { keypair: join(dir, "nobody.json") }, /keypair .*nobody.json not found/],
  ...["0", "-2", "1.5", "many"].map((value): [string, Record<string, string>, RegExp] => [
    `--keep-rounds ${value}`,
    { "keep-rounds": value },
    new RegExp(`--keep-rounds = ${value} is out of range: a whole number of rounds, at least 1$`),
  ]),
])("%s: one line, exit 1, nothing sent", (_, over, message) => refused(args(over), message));

const NO_DATASET =
  /pass --data DIR \(a local copy of the run's dataset\) or --server URL \(a data server to download it from\)/;
// rows are thunks: the server that is down gets its port in beforeAll
test.each<[string, () => string[], () => RegExp]>([
  ["neither --data nor --server", () => [], () => NO_DATASET],
  ["--server without a URL", () => ["--server"], () => NO_DATASET],
  [
    "a data server that is not an http URL",
    () => ["--server", "ftp://127.0.0.1"],
    () => /--server ftp:\/\/127.0.0.1: expected an http\(s\) URL/,
  ],
  [
    "no --data and a data server that is down",
    () => ["--server", downServer],
    () => new RegExp(`no server gave the manifest of dataset [0-9a-f]{64}: ${downServer}: fetch failed`),
  ],
])("%s: one line, exit 1, nothing sent", (_, extra, message) =>
  refused([...args({ data: undefined }), ...extra()], message()),
);

// without --recipe, the recipe comes from the data servers by the run's model_hash
test.each<[string, () => string[], () => RegExp]>([
  ["neither --recipe nor --server", () => [], () => /pass --recipe FILE \(the run's recipe\) or --server URL/],
  [
    "no --recipe and a data server that is down",
    () => ["--server", downServer],
    () =>
      new RegExp(`no data server gave the run's recipe \\(its model_hash [0-9a-f]{64}\\): ${downServer}: fetch failed`),
  ],
  [
    "no --recipe and a data server holding other bytes under its model_hash",
    () => ["--server", altered.url],
    () => new RegExp(`no data server gave the run's recipe .*: ${altered.url}: wrong bytes \\(sha256 [0-9a-f]{64}\\)`),
  ],
])("%s: one line, exit 1, nothing sent", (_, extra, message) =>
  refused([...args({ recipe: undefined }), ...extra()], message()),
);
