// Everything a node derives from a run before its first round: the recipe checked against the chain, the model's
// shape, the round's settings (on-chain H, chunk, top-k, decay, value bits, outer lr and momentum; the recipe's
// rest), the schedule, and the dataset checked against the run's dataset hash. Nodes, the replay and auditors all
// start here.
import type { RunConfig } from "../../sdk/coordinatorAccounts";
import { vocabSize } from "../../sdk/data/datasetManifest";
import { ConcordError } from "../../sdk/errors/concordError";
import { CONCORD_ERROR__TRAINER__RECIPE_MISMATCH } from "../../sdk/errors/codes";
import type { LrSchedule } from "../../sdk/lrSchedule";
import type { TrainingRecipe } from "../../sdk/trainingRecipe";
import { checkRecipeAgainstRun } from "../../sdk/trainingRecipe";
import { valueFormatOf } from "../../sdk/runConfig";
import type { TokenSource } from "../data/tokenSource";
import type { Dataset } from "../data/tokenShards";
import type { TransformerConfig } from "../model/transformer";
import { validateConfig } from "../model/transformer";
import type { RoundConfig } from "../optim/roundConfig";
import { validateRoundConfig } from "../optim/roundConfig";

/** What a run sets up before its dataset is at hand: a node joining with no data server builds its model first. */
export interface ModelSetup {
  readonly model: TransformerConfig;
  readonly round: RoundConfig;
  /** The recipe's schedule at the run's learning rate. */
  readonly schedule: LrSchedule;
}

export interface RunSetup extends ModelSetup {
  readonly train: TokenSource;
  readonly val: TokenSource;
}

/** The round configuration of a run: the chain's fields, the recipe's choices. */
export function runRoundConfig(config: RunConfig, recipe: TrainingRecipe): RoundConfig {
  return validateRoundConfig({
    innerSteps: config.innerSteps,
    chunk: config.demoChunk,
    topK: config.demoTopK,
    decay: config.demoDecay,
    format: valueFormatOf(config.valueBits),
    outerLr: config.outerLearningRate,
    outerMomentum: config.outerMomentum,
    ...recipe.round,
  });
}

export function runSetup(config: RunConfig, recipe: TrainingRecipe, dataset: Dataset): RunSetup {
  return withDataset(config, runModelSetup(config, recipe), dataset);
}

/** The recipe checked against the chain, and what it sets up without the dataset. */
export function runModelSetup(config: RunConfig, recipe: TrainingRecipe): ModelSetup {
  checkRecipeAgainstRun(recipe, config);
  return {
    model: validateConfig(recipe.model),
    round: runRoundConfig(config, recipe),
    schedule: { ...recipe.schedule, lr: config.learningRate },
  };
}

/** `setup` with the run's dataset, refused unless it is the one the run names and fits the model. */
export function withDataset(config: RunConfig, setup: ModelSetup, dataset: Dataset): RunSetup {
  const { model } = setup;
  const datasetHash = Buffer.from(config.datasetHash).toString("hex");
  if (dataset.hash !== datasetHash)
    throw new ConcordError(CONCORD_ERROR__TRAINER__RECIPE_MISMATCH, {
      reason: `dataset ${dataset.dir} has hash ${dataset.hash}, the run's is ${datasetHash}`,
    });
  if (model.vocabSize !== vocabSize(dataset.manifest.tokenizer))
    throw new ConcordError(CONCORD_ERROR__TRAINER__RECIPE_MISMATCH, {
      reason: `model vocabSize ${model.vocabSize}, the dataset's tokenizer has ${vocabSize(dataset.manifest.tokenizer)}`,
    });
  return {
    ...setup,
    train: dataset.split("train"),
    val: dataset.split("val"),
  };
}
