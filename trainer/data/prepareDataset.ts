// Text -> token shards with a manifest: tokenize, split into train (first fraction) and val (the rest), as nanoGPT
// splits tiny Shakespeare, and write shards. The dataset hash depends only on the text and these options.
import { ConcordError } from "../../sdk/errors/concordError";
import { CONCORD_ERROR__DATASET__INVALID_SPEC } from "../../sdk/errors/codes";
import type { DatasetManifest } from "../../sdk/data/datasetManifest";
import type { CorpusText } from "./corpusText";
import { charSpecFor, makeTokenizer } from "./tokenizer";
import { writeDataset } from "./tokenShards";

export interface PrepareOptions {
  readonly name: string;
  readonly tokenizer: "char" | "byte";
  /** Fraction of tokens in the train split; the rest is val. 1 writes only a train split. */
  readonly trainFraction: number;
  readonly shardTokens: number;
  /** Progress of the shards' writing: tokens written, of all. */
  readonly onTokens?: (written: number, total: number) => void;
}

export const DEFAULT_SHARD_TOKENS = 1 << 20;

export function prepareDataset(
  corpus: CorpusText,
  outDir: string,
  o: PrepareOptions,
): { manifest: DatasetManifest; hash: string } {
  if (!(o.trainFraction > 0 && o.trainFraction <= 1))
    throw new ConcordError(CONCORD_ERROR__DATASET__INVALID_SPEC, { reason: `train fraction ${o.trainFraction}` });
  const tokenizer = makeTokenizer(o.tokenizer === "char" ? charSpecFor(corpus.text) : { kind: "byte" });
  const tokens = tokenizer.encode(corpus.text);
  const n = Math.floor(tokens.length * o.trainFraction);
  if (n === 0 || (o.trainFraction < 1 && n === tokens.length))
    throw new ConcordError(CONCORD_ERROR__DATASET__INVALID_SPEC, { reason: `${tokens.length} tokens cannot be split` });
  const splits: Record<string, Uint32Array> =
    o.trainFraction < 1 ? { train: tokens.subarray(0, n), val: tokens.subarray(n) } : { train: tokens };
  return writeDataset(outDir, {
    name: o.name,
    tokenizer: tokenizer.spec,
    splits,
    shardTokens: o.shardTokens,
    source: corpus.source,
    onTokens: o.onTokens,
  });
}
