// The run's training recipe for `concord train` and the audit commands: a file the creator handed out (--recipe),
// else the canonical JSON data servers hold under the run's model_hash (`concord serve --recipe`), which is a blob like
// any other: only bytes of that hash count, so no server is trusted. A trainer keeps it in its state dir, so a restart
// needs no server for it.
import { bytesToHex } from "@noble/hashes/utils";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { RunConfig } from "../../../sdk/coordinatorAccounts";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError, isConcordError } from "../../../sdk/errors/concordError";
import { fetchBlob } from "../../../sdk/net/blobFetch";
import type { TrainingRecipe } from "../../../sdk/trainingRecipe";
import { checkRecipeAgainstRun, parseRecipe } from "../../../sdk/trainingRecipe";
import { writeAtomically } from "../../../trainer/data/datasetDownload";
import { keptBlob } from "../../../trainer/node/keptBlobs";

/** Far above any recipe's canonical JSON (a few hundred bytes): a server may not stream forever under its name. */
export const MAX_RECIPE_BYTES = 64 * 1024;

/** Reads a recipe file, refusing a missing one by name. */
export function readRecipeFile(file: string): TrainingRecipe {
  const path = resolve(file);
  if (!existsSync(path)) throw new ConcordError(codes.CONCORD_ERROR__TRAINER__FILE_NOT_FOUND, { what: "recipe", path });
  return parseRecipe(readFileSync(path, "utf8"));
}

/**
 * The recipe run `config` committed to: `given` (read from --recipe before anything was asked of the cluster), else
 * from `keptIn` (a folder of `<sha256>` files) when it holds it, else from `servers` (then kept there). Checked
 * against the run either way.
 */
export async function runRecipe(o: {
  given?: TrainingRecipe;
  servers: readonly string[];
  config: RunConfig;
  keptIn?: string;
  command: string;
  onRefused?: (server: string, reason: string) => void;
}): Promise<TrainingRecipe> {
  const hash = bytesToHex(Uint8Array.from(o.config.modelHash));
  let recipe: TrainingRecipe;
  if (o.given) recipe = o.given;
  else {
    const kept = o.keptIn === undefined ? null : keptBlob(o.keptIn, hash);
    const bytes = kept ?? (await fetchRecipe(hash, o.servers, o.command, o.onRefused));
    recipe = parseRecipe(new TextDecoder().decode(bytes));
    if (!kept && o.keptIn !== undefined) writeAtomically(o.keptIn, hash, bytes);
  }
  checkRecipeAgainstRun(recipe, o.config);
  return recipe;
}

async function fetchRecipe(
  hash: string,
  servers: readonly string[],
  command: string,
  onFailure?: (server: string, reason: string) => void,
): Promise<Uint8Array> {
  if (servers.length === 0)
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__USAGE, {
      reason: "pass --recipe FILE (the run's recipe) or --server URL (a data server that holds it)",
      command,
    });
  try {
    return await fetchBlob([...servers], hash, { maxBytes: MAX_RECIPE_BYTES, onFailure });
  } catch (e) {
    if (!isConcordError(e, codes.CONCORD_ERROR__PEER__BLOB_UNAVAILABLE)) throw e;
    throw new ConcordError(
      codes.CONCORD_ERROR__TRAINER__RECIPE_UNAVAILABLE,
      { hash, failures: String(e.context.failures) },
      { cause: e },
    );
  }
}
