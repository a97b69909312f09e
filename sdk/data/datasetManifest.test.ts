import { CONCORD_ERROR__DATASET__MALFORMED_MANIFEST } from "../errors/codes";
import { canonicalJson, datasetHash, parseManifest } from "./datasetManifest";
import { expectConcordError } from "../../tests/helpers/expectConcordError";

const good = {
  format: "concord-token-shards",
  version: 1,
  name: "tiny",
  tokenizer: { kind: "char", vocab: ["\n", " ", "a", "b"] },
  tokenBytes: 1,
  splits: {
    train: { tokens: 10, shards: [{ file: "train-00000.bin", tokens: 10, sha256: "ab".repeat(32) }] },
    val: { tokens: 3, shards: [{ file: "val-00000.bin", tokens: 3, sha256: "cd".repeat(32) }] },
  },
  source: "test",
};

describe("dataset manifest", () => {
  test("parses a valid manifest; the hash ignores key order and whitespace but not content", () => {
    const m = parseManifest(JSON.stringify(good));
    const reordered = parseManifest(JSON.stringify(Object.fromEntries(Object.entries(good).reverse()), null, 4));
    expect(datasetHash(reordered)).toBe(datasetHash(m));
    expect(datasetHash(m)).toMatch(/^[0-9a-f]{64}$/);
    expect(datasetHash(parseManifest(JSON.stringify({ ...good, name: "tiny2" })))).not.toBe(datasetHash(m));
    expect(canonicalJson({ b: [1, { d: 1, c: "x" }], a: null })).toBe('{"a":null,"b":[1,{"c":"x","d":1}]}');
  });

  test.each([
    ["not JSON", "{"],
    ["wrong format", { ...good, format: "other" }],
    ["wrong version", { ...good, version: 2 }],
    ["unknown field", { ...good, extra: 1 }],
    ["bad token width", { ...good, tokenBytes: 2 }],
    ["unsorted vocabulary", { ...good, tokenizer: { kind: "char", vocab: ["b", "a"] } }],
    ["multi-character vocabulary entry", { ...good, tokenizer: { kind: "char", vocab: ["ab"] } }],
    ["unknown tokenizer", { ...good, tokenizer: { kind: "bpe" } }],
    [
      "path in a file name",
      { ...good, splits: { train: { tokens: 10, shards: [{ ...good.splits.train.shards[0], file: "../x" }] } } },
    ],
    [
      "bad sha256",
      { ...good, splits: { train: { tokens: 10, shards: [{ ...good.splits.train.shards[0], sha256: "AB" }] } } },
    ],
    ["token count mismatch", { ...good, splits: { train: { ...good.splits.train, tokens: 11 } } }],
    ["no splits", { ...good, splits: {} }],
    ["repeated shard file", { ...good, splits: { train: good.splits.train, val: { ...good.splits.train } } }],
  ])("rejects: %s", (_, value) => {
    expectConcordError(
      () => parseManifest(typeof value === "string" ? value : JSON.stringify(value)),
      CONCORD_ERROR__DATASET__MALFORMED_MANIFEST,
    );
  });
});
