// A run config file (examples/run.toml) read into a plan: the TOML parsed (smol-toml), its shape checked
// (sdk/runSpec.ts), its prepared dataset opened for the dataset hash and vocabulary, then the RunConfig and recipe
// under the program's and the recipe's rules (sdk/runPlan.ts). Every error names the file and the key.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { vocabSize } from "../../../sdk/data/datasetManifest";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";
import type { RunPlan } from "../../../sdk/runPlan";
import { runPlan } from "../../../sdk/runPlan";
import { runSpecOf } from "../../../sdk/runSpec";
import type { TrainingRecipe } from "../../../sdk/trainingRecipe";
import { MANIFEST_FILE, openDataset } from "../../../trainer/data/tokenShards";

/** `path` as given on the command line names the file in errors. */
export async function readRunFile(path: string): Promise<RunPlan> {
  if (!existsSync(path)) throw new ConcordError(codes.CONCORD_ERROR__CLIENT__RUN_FILE_NOT_FOUND, { path });
  // smol-toml ships ES-module types only; a dynamic import keeps this CommonJS file type-checked.
  const { parse } = await import("smol-toml");
  let table: unknown;
  try {
    // run ids are u64: integers past 2^53 - 1 stay exact as bigint
    table = parse(readFileSync(path, "utf8"), { integersAsBigInt: "asNeeded" });
  } catch (e) {
    const { message, line, column } = e as Error & { line?: number; column?: number };
    const reason = `${message.split("\n")[0]}${line === undefined ? "" : ` (line ${line}, column ${column})`}`;
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__MALFORMED_RUN_FILE, { path, reason }, { cause: e });
  }
  const spec = runSpecOf(table, path);
  // the dataset folder is relative to the file, so a config and its data move together
  const dir = resolve(dirname(path), spec.dataset.path);
  if (!existsSync(join(dir, MANIFEST_FILE)))
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__RUN_FILE_DATASET_NOT_FOUND, {
      path,
      dir: JSON.stringify(spec.dataset.path),
      manifest: join(dir, MANIFEST_FILE),
    });
  const dataset = openDataset(dir);
  return runPlan(
    spec,
    { hash: dataset.hash, vocabSize: vocabSize(dataset.manifest.tokenizer) },
    { file: path, defaultRunId: BigInt(Date.now()) },
  );
}

/** Where the recipe goes: `--recipe-out`, else beside the config (run.toml → run.recipe.json); its folder must exist. */
export function recipeFileOf(config: string, recipeOut?: string): string {
  const file = resolve(recipeOut ?? join(dirname(config), `${basename(config, extname(config))}.recipe.json`));
  if (!existsSync(dirname(file)))
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__INVALID_ARGUMENT, {
      name: "--recipe-out",
      value: file,
      reason: `its folder ${dirname(file)} does not exist`,
    });
  return file;
}

export const writeRecipe = (file: string, recipe: TrainingRecipe) =>
  writeFileSync(file, `${JSON.stringify(recipe, null, 2)}\n`);
