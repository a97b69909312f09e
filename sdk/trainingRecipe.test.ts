import { expectConcordError } from "../tests/helpers/expectConcordError";
import { runConfigFor, TEST_RECIPE } from "../tests/helpers/testRecipe";
import { CONCORD_ERROR__TRAINER__INVALID_CONFIG, CONCORD_ERROR__TRAINER__RECIPE_MISMATCH } from "./errors/codes";
import { checkRecipeAgainstRun, parseRecipe, recipeHash } from "./trainingRecipe";

const recipe = TEST_RECIPE;

test("the recipe hash is over canonical JSON: key order in the file does not change it", () => {
  const reordered = parseRecipe(
    JSON.stringify({ round: recipe.round, schedule: recipe.schedule, initSeed: 1, model: recipe.model, version: 2 }),
  );
  expect(Buffer.from(recipeHash(reordered))).toEqual(Buffer.from(recipeHash(recipe)));
  expect(Buffer.from(recipeHash({ ...recipe, initSeed: 2 }))).not.toEqual(Buffer.from(recipeHash(recipe)));
});

test("a recipe that matches the run's model_hash, learning rate, steps and sequence length is accepted", () => {
  expect(() => checkRecipeAgainstRun(recipe, runConfigFor(recipe))).not.toThrow();
});

test.each([
  ["another recipe's hash", { ...recipe, initSeed: 7 }, runConfigFor(recipe), /model_hash/],
  [
    "a different learning rate",
    { ...recipe, schedule: { ...recipe.schedule, lr: 1e-3 } },
    undefined,
    /schedule lr 0.001, run learning_rate/,
  ],
  [
    "a different step count",
    { ...recipe, schedule: { ...recipe.schedule, totalSteps: 10 } },
    undefined,
    /totalSteps 10, run total_steps 1000/,
  ],
  [
    "a different context length",
    { ...recipe, model: { ...recipe.model, contextLength: 64 } },
    undefined,
    /contextLength 64, run sequence_length 128/,
  ],
])("a recipe with %s is refused", (_, r, config, message) => {
  expectConcordError(
    () => checkRecipeAgainstRun(r, config ?? runConfigFor(r)),
    CONCORD_ERROR__TRAINER__RECIPE_MISMATCH,
  );
  expect(() => checkRecipeAgainstRun(r, config ?? runConfigFor(r))).toThrow(message);
});

test.each([
  ["not JSON", "{", /not JSON/],
  ["a wrong version", JSON.stringify({ ...recipe, version: 1 }), /version 1/],
  ["a missing model field", JSON.stringify({ ...recipe, model: { ...recipe.model, width: undefined } }), /model.width/],
  ["a negative seed", JSON.stringify({ ...recipe, initSeed: -1 }), /initSeed/],
  ["a bad schedule", JSON.stringify({ ...recipe, schedule: { kind: "cosine", lr: -1 } }), /./],
  [
    "a negative weight decay",
    JSON.stringify({ ...recipe, round: { ...recipe.round, weightDecay: -1 } }),
    /weightDecay/,
  ],
  [
    "an unknown inner optimizer",
    JSON.stringify({ ...recipe, round: { ...recipe.round, inner: { kind: "lion" } } }),
    /round.inner.kind/,
  ],
  ["an unknown transform", JSON.stringify({ ...recipe, round: { ...recipe.round, transform: "fft" } }), /transform/],
  ["an unknown outer rule", JSON.stringify({ ...recipe, round: { ...recipe.round, outer: "adam" } }), /round.outer/],
])("a recipe file with %s gets a clear error", (_, text, message) => {
  expectConcordError(() => parseRecipe(text), CONCORD_ERROR__TRAINER__INVALID_CONFIG);
  expect(() => parseRecipe(text)).toThrow(message);
});
