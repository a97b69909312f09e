// A small prepared dataset of seeded generated text (character tokenizer, 90/10 split): what the network tests train on.
import type { Dataset } from "../../trainer/data/tokenShards";
import { openDataset } from "../../trainer/data/tokenShards";
import { generatedCorpus } from "../../trainer/data/corpusText";
import { prepareDataset } from "../../trainer/data/prepareDataset";

export function generatedDataset(dir: string, chars: number, seed: number): Dataset {
  const { hash } = prepareDataset(generatedCorpus(chars, seed), dir, {
    name: "generated",
    tokenizer: "char",
    trainFraction: 0.9,
    shardTokens: 8192,
  });
  return openDataset(dir, hash);
}
