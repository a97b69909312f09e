// The manifest of a token dataset: tokenizer, token width and, per split, its shards with their sha256. The dataset
// hash (what a run records on-chain) is sha256 of the manifest's canonical JSON, so it pins every shard's bytes.
import { sha256 } from "@noble/hashes/sha256";
import { bytesToHex } from "@noble/hashes/utils";
import { ConcordError } from "../errors/concordError";
import { CONCORD_ERROR__DATASET__MALFORMED_MANIFEST } from "../errors/codes";
import { uintWidth } from "../uintWidth";

export const MANIFEST_FORMAT = "concord-token-shards";
export const MANIFEST_VERSION = 1;

/** byte: UTF-8 bytes (256 tokens). char: one token per code point of `vocab` (sorted by code point). */
export type TokenizerSpec = { readonly kind: "byte" } | { readonly kind: "char"; readonly vocab: readonly string[] };

export interface ShardEntry {
  /** File name inside the dataset folder (no path separators). */
  readonly file: string;
  readonly tokens: number;
  /** Lowercase hex sha256 of the file's bytes. */
  readonly sha256: string;
}

export interface SplitEntry {
  readonly tokens: number;
  readonly shards: readonly ShardEntry[];
}

export interface DatasetManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly version: typeof MANIFEST_VERSION;
  readonly name: string;
  readonly tokenizer: TokenizerSpec;
  /** Bytes per token in the shards, little-endian: 1 up to 256 tokens, 2 up to 65536, else 4. */
  readonly tokenBytes: 1 | 2 | 4;
  readonly splits: Readonly<Record<string, SplitEntry>>;
  /** Where the text came from, for people (it is hashed like the rest). */
  readonly source: string;
}

export function vocabSize(t: TokenizerSpec): number {
  return t.kind === "byte" ? 256 : t.vocab.length;
}

/** JSON with object keys sorted at every level and no whitespace: one text per value. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

/** The manifest's canonical JSON as UTF-8: the bytes a data server holds under the dataset hash. */
export function manifestBytes(manifest: DatasetManifest): Uint8Array {
  return new TextEncoder().encode(canonicalJson(manifest));
}

/** The dataset hash: lowercase hex sha256 of the manifest's canonical JSON. */
export function datasetHash(manifest: DatasetManifest): string {
  return bytesToHex(sha256(manifestBytes(manifest)));
}

/** Parses manifest JSON and checks every field; throws MALFORMED_MANIFEST naming the first problem. */
export function parseManifest(json: string): DatasetManifest {
  let m: unknown;
  try {
    m = JSON.parse(json);
  } catch {
    malformed("not JSON");
  }
  return validateManifest(m);
}

export function validateManifest(value: unknown): DatasetManifest {
  const m = object(value, "manifest");
  exactKeys(m, ["format", "version", "name", "tokenizer", "tokenBytes", "splits", "source"], "manifest");
  if (m.format !== MANIFEST_FORMAT) malformed(`format is ${String(m.format)}, expected ${MANIFEST_FORMAT}`);
  if (m.version !== MANIFEST_VERSION) malformed(`version ${String(m.version)} is not supported`);
  if (typeof m.name !== "string" || !/^[A-Za-z0-9._-]{1,64}$/.test(m.name))
    malformed("name must match [A-Za-z0-9._-]{1,64}");
  if (typeof m.source !== "string") malformed("source must be a string");
  const tokenizer = validateTokenizer(m.tokenizer);
  if (m.tokenBytes !== uintWidth(vocabSize(tokenizer)))
    malformed(`tokenBytes ${String(m.tokenBytes)} does not match a vocabulary of ${vocabSize(tokenizer)}`);
  const splits = object(m.splits, "splits");
  if (Object.keys(splits).length === 0) malformed("no splits");
  const files = new Set<string>();
  for (const [name, s] of Object.entries(splits)) {
    if (!/^[a-z0-9_-]{1,32}$/.test(name)) malformed(`split name ${JSON.stringify(name)}`);
    const split = object(s, `split ${name}`);
    exactKeys(split, ["tokens", "shards"], `split ${name}`);
    if (!Array.isArray(split.shards) || split.shards.length === 0) malformed(`split ${name} has no shards`);
    let total = 0;
    for (const [i, e] of (split.shards as unknown[]).entries()) {
      const shard = object(e, `split ${name} shard ${i}`);
      exactKeys(shard, ["file", "tokens", "sha256"], `split ${name} shard ${i}`);
      if (typeof shard.file !== "string" || !/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/.test(shard.file))
        malformed(`split ${name} shard ${i}: file name must be a plain name`);
      if (files.has(shard.file)) malformed(`shard file ${shard.file} listed twice`);
      files.add(shard.file);
      if (!isCount(shard.tokens) || shard.tokens === 0) malformed(`split ${name} shard ${i}: tokens must be positive`);
      if (typeof shard.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(shard.sha256))
        malformed(`split ${name} shard ${i}: sha256 must be 64 lowercase hex digits`);
      total += shard.tokens as number;
    }
    if (split.tokens !== total)
      malformed(`split ${name} says ${String(split.tokens)} tokens, its shards hold ${total}`);
  }
  return m as unknown as DatasetManifest;
}

function validateTokenizer(value: unknown): TokenizerSpec {
  const t = object(value, "tokenizer");
  if (t.kind === "byte") {
    exactKeys(t, ["kind"], "tokenizer");
    return t as TokenizerSpec;
  }
  if (t.kind !== "char") malformed(`unknown tokenizer ${String(t.kind)}`);
  exactKeys(t, ["kind", "vocab"], "tokenizer");
  if (!Array.isArray(t.vocab) || t.vocab.length === 0) malformed("char vocabulary must be a non-empty array");
  let previous = -1;
  for (const c of t.vocab as unknown[]) {
    const point = typeof c === "string" && Array.from(c).length === 1 ? (c.codePointAt(0) as number) : -1;
    if (point < 0) malformed("char vocabulary entries must be single code points");
    if (point <= previous) malformed("char vocabulary must be sorted by code point without repeats");
    previous = point;
  }
  return t as TokenizerSpec;
}

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

function object(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) malformed(`${what} must be an object`);
  return v as Record<string, unknown>;
}

function exactKeys(o: Record<string, unknown>, keys: string[], what: string): void {
  for (const k of keys) if (!(k in o)) malformed(`${what} lacks ${k}`);
  for (const k of Object.keys(o)) if (!keys.includes(k)) malformed(`${what} has unknown field ${k}`);
}

function malformed(reason: string): never {
  throw new ConcordError(CONCORD_ERROR__DATASET__MALFORMED_MANIFEST, { reason });
}
