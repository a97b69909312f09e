// A small valid training recipe, and a run config that committed to it, for tests of what reads recipes.
import { BN } from "@coral-xyz/anchor";
import type { RunConfig } from "../../sdk/coordinatorAccounts";
import type { TrainingRecipe } from "../../sdk/trainingRecipe";
import { DEMO_ROUND, recipeHash, RECIPE_VERSION } from "../../sdk/trainingRecipe";
import { runConfig } from "./coordinatorHarness";

export const TEST_RECIPE: TrainingRecipe = {
  version: RECIPE_VERSION,
  model: { vocabSize: 65, contextLength: 128, layers: 2, heads: 4, width: 64 },
  initSeed: 1,
  schedule: { kind: "cosine", lr: 3e-4, minLr: 3e-5, warmupSteps: 2, totalSteps: 1000 },
  round: DEMO_ROUND,
};

/** The config of a run that committed to `recipe` (a variant of TEST_RECIPE) as the chain stores it (an f32 lr). */
export const runConfigFor = (recipe: TrainingRecipe): RunConfig =>
  runConfig({ modelHash: Array.from(recipeHash(recipe)), learningRate: Math.fround(3e-4), totalSteps: new BN(1000) });
