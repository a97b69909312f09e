import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as codes from "../../sdk/errors/codes";
import { batchOffsets } from "../../sdk/data/batchSampling";
import { defaultCorpus, generatedCorpus, readCorpus } from "./corpusText";
import { prepareDataset } from "./prepareDataset";
import { charSpecFor, makeTokenizer } from "./tokenizer";
import { MANIFEST_FILE, openDataset } from "./tokenShards";
import { windowsToBatch } from "./tokenSource";
import { expectConcordError } from "../../tests/helpers/expectConcordError";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "concord-data-"));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const corpus = generatedCorpus(20_000, 3);
const options = { name: "gen", tokenizer: "char" as const, trainFraction: 0.9, shardTokens: 4096 };

describe("tokenizers", () => {
  test("char: sorted code points, round trip, unknown characters refused", () => {
    const spec = charSpecFor("hello, wörld 🌍");
    expect(spec).toEqual({ kind: "char", vocab: [" ", ",", "d", "e", "h", "l", "o", "r", "w", "ö", "🌍"] });
    const t = makeTokenizer(spec);
    expect(t.decode(t.encode("world 🌍"))).toBe("world 🌍");
    expectConcordError(() => t.encode("x"), codes.CONCORD_ERROR__DATASET__UNKNOWN_TOKEN);
  });

  test("byte: UTF-8", () => {
    const t = makeTokenizer({ kind: "byte" });
    expect(Array.from(t.encode("aé"))).toEqual([0x61, 0xc3, 0xa9]);
    expect(t.decode(t.encode("aé 🌍"))).toBe("aé 🌍");
  });
});

describe("token shards", () => {
  test("prepare writes shards and a manifest; the loader serves the same tokens, across shard boundaries", () => {
    const dir = tempDir();
    const { manifest, hash } = prepareDataset(corpus, dir, options);
    expect(manifest.splits.train.tokens).toBe(18_000);
    expect(manifest.splits.train.shards).toHaveLength(5);
    expect(manifest.splits.val.tokens).toBe(2_000);
    const tokens = makeTokenizer(manifest.tokenizer).encode(corpus.text);
    const ds = openDataset(dir, hash);
    expect(ds.hash).toBe(hash);
    expect(Array.from(ds.split("train").read(4000, 200))).toEqual(Array.from(tokens.subarray(4000, 4200)));
    expect(Array.from(ds.split("val").read(0, 2000))).toEqual(Array.from(tokens.subarray(18_000)));
    // A batch id always gives the same windows.
    const req = { seed: 1, batchId: 9, firstRow: 0, rows: 4, seqLen: 32 };
    const a = windowsToBatch(ds.split("train"), batchOffsets(req, 18_000), 32);
    const b = windowsToBatch(openDataset(dir).split("train"), batchOffsets(req, 18_000), 32);
    expect(a).toEqual(b);
    expect(Array.from(a.targets.subarray(0, 31))).toEqual(Array.from(a.inputs.subarray(1, 32)));
  });

  test("preparing the same text twice gives the same dataset hash", () => {
    expect(prepareDataset(corpus, tempDir(), options).hash).toBe(prepareDataset(corpus, tempDir(), options).hash);
    expect(prepareDataset(generatedCorpus(20_000, 4), tempDir(), options).hash).not.toBe(
      prepareDataset(corpus, tempDir(), options).hash,
    );
  });

  test("a tampered shard is refused when first read", () => {
    const dir = tempDir();
    prepareDataset(corpus, dir, options);
    const file = join(dir, "train-00001.bin");
    const bytes = readFileSync(file);
    bytes[10] ^= 1;
    writeFileSync(file, bytes);
    const train = openDataset(dir).split("train");
    expect(train.read(0, 100)).toHaveLength(100); // shard 0 is intact
    expectConcordError(() => train.read(4096, 10), codes.CONCORD_ERROR__DATASET__SHARD_HASH_MISMATCH);
  });

  test("the wrong dataset, a missing shard, a bad manifest and out-of-range reads are refused", () => {
    const dir = tempDir();
    const { hash } = prepareDataset(corpus, dir, options);
    expectConcordError(() => openDataset(dir, "0".repeat(64)), codes.CONCORD_ERROR__DATASET__DATASET_HASH_MISMATCH);
    const ds = openDataset(dir, hash);
    expectConcordError(() => ds.split("test"), codes.CONCORD_ERROR__DATASET__INVALID_SPEC);
    expectConcordError(() => ds.split("train").read(17_990, 11), codes.CONCORD_ERROR__DATASET__BATCH_OUT_OF_RANGE);
    expectConcordError(() => ds.split("train").read(-1, 1), codes.CONCORD_ERROR__DATASET__BATCH_OUT_OF_RANGE);
    rmSync(join(dir, "val-00000.bin"));
    expectConcordError(() => ds.split("val").read(0, 1), codes.CONCORD_ERROR__DATASET__SOURCE_NOT_FOUND);
    writeFileSync(join(dir, MANIFEST_FILE), "{}");
    expectConcordError(() => openDataset(dir), codes.CONCORD_ERROR__DATASET__MALFORMED_MANIFEST);
    expectConcordError(() => openDataset(join(dir, "nothing")), codes.CONCORD_ERROR__DATASET__SOURCE_NOT_FOUND);
  });

  test("a shard whose manifest entry lies about its size is refused", () => {
    const dir = tempDir();
    prepareDataset(corpus, dir, options);
    const path = join(dir, MANIFEST_FILE);
    const m = JSON.parse(readFileSync(path, "utf8"));
    // Consistent hashes, but the last val shard claims one token more than its bytes hold.
    m.splits.val.tokens += 1;
    m.splits.val.shards[0].tokens += 1;
    writeFileSync(path, JSON.stringify(m));
    expectConcordError(() => openDataset(dir).split("val").read(0, 1), codes.CONCORD_ERROR__DATASET__MALFORMED_SHARD);
  });

  test("folders and the default corpus are read deterministically", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "b.md"), "second");
    writeFileSync(join(dir, "a.txt"), "first");
    writeFileSync(join(dir, "c.bin"), "skipped");
    expect(readCorpus(dir).text).toBe("first\nsecond");
    expectConcordError(() => readCorpus(join(dir, "missing")), codes.CONCORD_ERROR__DATASET__SOURCE_NOT_FOUND);
    const a = defaultCorpus(process.cwd());
    expect(a.text.length).toBeGreaterThan(1_000_000);
    expect(defaultCorpus(process.cwd()).text).toBe(a.text);
  });
});
