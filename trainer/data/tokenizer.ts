// Tokenizers a dataset can be prepared with; the manifest records which (and a character vocabulary), so the same
// text always gives the same tokens. byte: UTF-8 bytes, vocabulary 256. char: one token per Unicode code point of
// a vocabulary taken from the corpus, sorted by code point (tiny Shakespeare's 65 characters, as nanoGPT).
import { ConcordError } from "../../sdk/errors/concordError";
import { CONCORD_ERROR__DATASET__UNKNOWN_TOKEN } from "../../sdk/errors/codes";
import type { TokenizerSpec } from "../../sdk/data/datasetManifest";

export interface Tokenizer {
  readonly spec: TokenizerSpec;
  readonly vocabSize: number;
  encode(text: string): Uint32Array;
  decode(tokens: ArrayLike<number>): string;
}

/** A char tokenizer spec whose vocabulary is every code point of `text`. */
export function charSpecFor(text: string): TokenizerSpec {
  const points = [...new Set(Array.from(text, (c) => c.codePointAt(0) as number))].sort((a, b) => a - b);
  return { kind: "char", vocab: points.map((p) => String.fromCodePoint(p)) };
}

export function makeTokenizer(spec: TokenizerSpec): Tokenizer {
  if (spec.kind === "byte")
    return {
      spec,
      vocabSize: 256,
      encode: (text) => Uint32Array.from(new TextEncoder().encode(text)),
      decode: (tokens) => new TextDecoder().decode(Uint8Array.from(tokens)),
    };
  const index = new Map(spec.vocab.map((c, i) => [c, i]));
  return {
    spec,
    vocabSize: spec.vocab.length,
    encode(text) {
      const chars = Array.from(text);
      return Uint32Array.from(chars, (c) => {
        const t = index.get(c);
        if (t === undefined)
          throw new ConcordError(CONCORD_ERROR__DATASET__UNKNOWN_TOKEN, {
            tokenizer: "char",
            what: `U+${(c.codePointAt(0) as number).toString(16).padStart(4, "0")}`,
          });
        return t;
      });
    },
    decode: (tokens) => Array.from(tokens, (t) => spec.vocab[t] ?? "\ufffd").join(""),
  };
}
