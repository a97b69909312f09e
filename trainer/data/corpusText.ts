// Where dataset text comes from: a file or folder given by the user, the default corpus (the documentation of the
// packages this project installs, as pinned by package-lock.json: on every machine after `npm ci`, never
// downloaded at run time), or deterministic generated text (small test corpora).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { ConcordError } from "../../sdk/errors/concordError";
import { CONCORD_ERROR__DATASET__INVALID_SPEC, CONCORD_ERROR__DATASET__SOURCE_NOT_FOUND } from "../../sdk/errors/codes";
import { mulberry32 } from "../../sdk/seededRandom";

export interface CorpusText {
  readonly text: string;
  /** One line saying where the text came from (recorded in the manifest). */
  readonly source: string;
}

const TEXT_FILE = /\.(txt|text|md|markdown|rst)$/i;

/** A text file, or every text file (.txt, .md, .rst) under a folder in sorted path order, joined by newlines. */
export function readCorpus(path: string): CorpusText {
  if (!existsSync(path)) throw new ConcordError(CONCORD_ERROR__DATASET__SOURCE_NOT_FOUND, { path });
  if (statSync(path).isFile()) return { text: readFileSync(path, "utf8"), source: `file ${path}` };
  const files = listFiles(path, (f) => TEXT_FILE.test(f));
  if (files.length === 0)
    throw new ConcordError(CONCORD_ERROR__DATASET__INVALID_SPEC, { reason: `no text files under ${path}` });
  return {
    text: files.map((f) => readFileSync(f, "utf8")).join("\n"),
    source: `${files.length} text files under ${path}`,
  };
}

/**
 * The default corpus: the Markdown files of every package in `root`/package-lock.json that is not optional
 * (optional ones are platform-specific builds, which differ between machines), in sorted path order.
 */
export function defaultCorpus(root: string): CorpusText {
  const lockPath = join(root, "package-lock.json");
  if (!existsSync(lockPath)) throw new ConcordError(CONCORD_ERROR__DATASET__SOURCE_NOT_FOUND, { path: lockPath });
  const lock = JSON.parse(readFileSync(lockPath, "utf8")) as { packages: Record<string, { optional?: boolean }> };
  const packages = Object.entries(lock.packages)
    .filter(([key, entry]) => key.startsWith("node_modules/") && !entry.optional)
    .map(([key]) => join(root, key))
    .filter((dir) => existsSync(dir))
    .sort();
  const files = packages.flatMap((dir) => listFiles(dir, (f) => /\.(md|markdown)$/i.test(f)));
  if (files.length === 0)
    throw new ConcordError(CONCORD_ERROR__DATASET__INVALID_SPEC, { reason: "no package docs found; run npm ci" });
  const text = files.map((f) => readFileSync(f, "utf8")).join("\n");
  return {
    text,
    source: `Markdown of ${packages.length} packages pinned by package-lock.json (${files.length} files)`,
  };
}

/** Files under `dir` (not descending into nested node_modules), sorted by path relative to `dir`. */
function listFiles(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== "node_modules") walk(p);
      } else if (e.isFile() && keep(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out.sort((a, b) => (relative(dir, a) < relative(dir, b) ? -1 : 1));
}

const WORDS = (
  "the a one every some trainer peer chain round update model token shard step epoch witness reward stake " +
  "learns sends checks trains verifies commits receives averages proves joins leaves pays slashes " +
  "quickly slowly honestly together openly and but so because while"
).split(" ");

/** About `chars` characters of seeded pseudo-English: sentences of common words with a little structure to learn. */
export function generatedCorpus(chars: number, seed = 1): CorpusText {
  const u = mulberry32(seed);
  const pick = () => WORDS[Math.floor(u() * WORDS.length)];
  let text = "";
  while (text.length < chars) {
    const words = Array.from({ length: 4 + Math.floor(u() * 8) }, pick);
    text += `${words[0][0].toUpperCase()}${words.join(" ").slice(1)}.${u() < 0.2 ? "\n" : " "}`;
  }
  return { text: text.slice(0, chars), source: `generated text, ${chars} characters, seed ${seed}` };
}
