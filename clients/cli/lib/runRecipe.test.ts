// The run's recipe by its model_hash, from real data servers on loopback (none trusted), and the copy a trainer keeps.
import { bytesToHex } from "@noble/hashes/utils";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BlobServer } from "../../../coordinator/blobServer/blobServer";
import { startBlobServer } from "../../../coordinator/blobServer/blobServer";
import * as codes from "../../../sdk/errors/codes";
import { isConcordError } from "../../../sdk/errors/concordError";
import { recipeBytes, recipeHash } from "../../../sdk/trainingRecipe";
import { runConfigFor, TEST_RECIPE } from "../../../tests/helpers/testRecipe";
import { MAX_RECIPE_BYTES, runRecipe } from "./runRecipe";

const recipe = TEST_RECIPE;
const hash = bytesToHex(recipeHash(recipe));
const config = runConfigFor(recipe);

const dir = mkdtempSync(join(tmpdir(), "concord-run-recipe-"));
const servers: BlobServer[] = [];
/** A data server whose folder holds `bytes` under the recipe's hash (written as is: the server does not check). */
async function serving(name: string, bytes: Uint8Array | null): Promise<string> {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  if (bytes) writeFileSync(join(folder, hash), bytes);
  const server = await startBlobServer({ dir: folder, host: "127.0.0.1", port: 0 });
  servers.push(server);
  return server.url;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function refusal(p: Promise<unknown>) {
  const e = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isConcordError(e)) throw new Error(`expected a ConcordError, got ${String(e ?? "the recipe")}`);
  return e;
}

test("servers that lack it, alter it or stream too much are refused, each named; the next one's bytes are kept", async () => {
  // Given a server without the recipe, one with other bytes under its name, one streaming past the limit, and one with it
  const urls = [
    await serving("empty", null),
    await serving("altered", recipeBytes({ ...recipe, initSeed: 2 })),
    await serving("huge", new Uint8Array(MAX_RECIPE_BYTES + 1).fill(32)),
    await serving("honest", recipeBytes(recipe)),
  ];
  const refused: string[] = [];
  const keptIn = join(dir, "kept");
  // When a trainer asks for the run's recipe
  const got = await runRecipe({
    servers: urls,
    config,
    keptIn,
    command: "concord train",
    onRefused: (url, reason) => refused.push(`${url}: ${reason}`),
  });
  // Then it has the run's recipe, the first three servers were each refused with their reason, and the bytes are kept
  expect(got).toEqual(recipe);
  expect(refused).toHaveLength(3);
  expect(refused[0]).toMatch(new RegExp(`^${urls[0]}: HTTP 404`));
  expect(refused[1]).toMatch(new RegExp(`^${urls[1]}: wrong bytes \\(sha256 [0-9a-f]{64}\\)`));
  expect(refused[2]).toMatch(new RegExp(`^${urls[2]}: blob over ${MAX_RECIPE_BYTES} bytes`));
  expect(readFileSync(join(keptIn, hash))).toEqual(Buffer.from(recipeBytes(recipe)));

  // and a restart reads the kept copy with no server at all
  expect(await runRecipe({ servers: [], config, keptIn, command: "concord train" })).toEqual(recipe);
});

test("a kept copy changed on disk is not trusted: fetched again, or refused when no server is given", async () => {
  // Given a kept copy that no longer hashes to its name
  const keptIn = join(dir, "tampered");
  mkdirSync(keptIn);
  writeFileSync(join(keptIn, hash), recipeBytes({ ...recipe, initSeed: 3 }));
  // When there is no server: then the usage error names both ways to give it
  const e = await refusal(runRecipe({ servers: [], config, keptIn, command: "concord train" }));
  expect(e.code).toBe(codes.CONCORD_ERROR__CLIENT__USAGE);
  expect(e.message).toMatch(/pass --recipe FILE \(the run's recipe\) or --server URL/);
  // When a server holds it: then it is fetched and the kept copy mended
  const url = await serving("mend", recipeBytes(recipe));
  expect(await runRecipe({ servers: [url], config, keptIn, command: "concord train" })).toEqual(recipe);
  expect(readFileSync(join(keptIn, hash))).toEqual(Buffer.from(recipeBytes(recipe)));
});

test("no server holding it: one error with the model_hash and every server's failure, nothing kept", async () => {
  const urls = [await serving("none-1", null), await serving("none-2", recipeBytes({ ...recipe, initSeed: 4 }))];
  const keptIn = join(dir, "never");
  const e = await refusal(runRecipe({ servers: urls, config, keptIn, command: "concord audit" }));
  expect(e.code).toBe(codes.CONCORD_ERROR__TRAINER__RECIPE_UNAVAILABLE);
  expect(e.message).toContain(`model_hash ${hash}`);
  expect(e.message).toContain(`${urls[0]}: HTTP 404`);
  expect(e.message).toMatch(new RegExp(`${urls[1]}: wrong bytes`));
  expect(e.message).not.toContain("\n");
  expect(() => readFileSync(join(keptIn, hash))).toThrow();
});
