// `concord run update --run R --config run.toml`: the run's configuration replaced by the file's (update_config).
// The program takes a new configuration only while the run is halted (waiting for members or paused), so no epoch
// straddles two; the file's [run] id and fund are not part of it (see `concord run fund`). A new recipe (any change
// to the model, schedule or round keys changes the model hash) is written as `run create` writes it: trainers need it.
import * as ix from "../../../sdk/coordinatorInstructions";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";
import { RunState, runStateOf } from "../../../sdk/runState";
import type { ClusterArgs } from "./clusterArgs";
import { authorityRun } from "./runAuthority";
import { configChanges } from "./runConfigText";
import { readRunFile, recipeFileOf, writeRecipe } from "./runFile";

export async function runUpdate(
  args: ClusterArgs & { run: string; config: string; recipeOut?: string; json: boolean },
): Promise<void> {
  const plan = await readRunFile(args.config);
  const recipeFile = recipeFileOf(args.config, args.recipeOut);
  const { run, account, program, sender, wallet } = await authorityRun(args);
  const state = runStateOf(account.state);
  if (state !== RunState.WaitingForMembers && state !== RunState.Paused)
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__INVALID_RUN_STATE, {
      run: run.toBase58(),
      state: RunState[state],
      reason:
        state === RunState.Finished
          ? "a finished run's configuration is final"
          : "its configuration changes only while it waits for members or is paused: `concord run pause` first",
    });
  const changes = configChanges(account.config, plan.config);
  if (changes.length > 0)
    await sender.send([
      await ix.updateConfigInstruction(program, { run, authority: wallet.publicKey, config: plan.config }),
    ]);
  const newRecipe = !Buffer.from(plan.config.modelHash).equals(Buffer.from(account.config.modelHash));
  if (newRecipe) writeRecipe(recipeFile, plan.recipe);
  if (args.json) console.log(JSON.stringify({ run: run.toBase58(), changes, recipe: newRecipe ? recipeFile : null }));
  else if (changes.length === 0) console.log(`run ${run.toBase58()}: ${args.config} changes nothing; nothing sent`);
  else {
    console.log(`updated run ${run.toBase58()}:`);
    for (const c of changes) console.log(`  ${c.key}: ${c.from} -> ${c.to}`);
    if (newRecipe) console.log(`the new recipe is in ${recipeFile}: give it to the run's trainers and auditors`);
  }
}
