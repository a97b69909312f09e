// Builds the on-chain coordinator: C sources -> clang BPF objects -> scripts/sbf-link -> target/deploy/coordinator.so.
// usage: tsx scripts/build-program.ts [--out-dir DIR] [--quiet]
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { compileBpf, ensureClang } from "./clang";
import { discriminatorHeader } from "./discriminatorHeader";
import { errorLogHeader } from "./errorLogHeader";
import { link } from "./sbf-link";
import {
  DEFAULT_OUT_DIR,
  DISCRIMINATORS_HEADER,
  ERROR_LOG_HEADER,
  IDL_PATH,
  PROGRAM_SRC,
} from "../programs/coordinator/paths";

export interface BuildResult {
  soPath: string;
  sha256: string;
  size: number;
  compileMs: number;
  linkMs: number;
}

/** All .c files under src/, sorted so the link order (and so the output bytes) never depends on the file system. */
export function programSources(dir = PROGRAM_SRC): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...programSources(path));
    else if (entry.name.endsWith(".c")) out.push(path);
  }
  return out.sort();
}

/** Writes a header only when it changed, so a build does not touch tracked files needlessly. */
function writeGenerated(path: string, text: string): void {
  let current = "";
  try {
    current = readFileSync(path, "utf8");
  } catch {
    mkdirSync(dirname(path), { recursive: true });
  }
  if (current !== text) writeFileSync(path, text);
}

/** The C headers generated from the IDL: discriminators and error log lines. */
function writeGeneratedHeaders(): void {
  const idl = JSON.parse(readFileSync(IDL_PATH, "utf8"));
  writeGenerated(DISCRIMINATORS_HEADER, discriminatorHeader(idl));
  writeGenerated(ERROR_LOG_HEADER, errorLogHeader(idl));
}

export function buildProgram(outDir = DEFAULT_OUT_DIR): BuildResult {
  ensureClang();
  writeGeneratedHeaders();
  const objDir = join(outDir, "obj", "coordinator");
  const deployDir = join(outDir, "deploy");
  mkdirSync(objDir, { recursive: true });
  mkdirSync(deployDir, { recursive: true });

  const t0 = performance.now();
  const objects: [string, Buffer][] = programSources().map((source) => {
    const name = relative(PROGRAM_SRC, source).replace(/[\\/]/g, "__").replace(/\.c$/, ".o");
    const output = join(objDir, name);
    compileBpf(source, output, ["-I", PROGRAM_SRC]);
    return [name, readFileSync(output)];
  });
  const t1 = performance.now();
  const { elf } = link(objects);
  const soPath = join(deployDir, "coordinator.so");
  writeFileSync(soPath, elf);
  const t2 = performance.now();
  return {
    soPath,
    sha256: createHash("sha256").update(elf).digest("hex"),
    size: elf.length,
    compileMs: t1 - t0,
    linkMs: t2 - t1,
  };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf("--out-dir");
  const outDir = outIndex >= 0 ? resolve(args[outIndex + 1]) : DEFAULT_OUT_DIR;
  try {
    const r = buildProgram(outDir);
    if (!args.includes("--quiet")) {
      console.log(
        `built ${relative(process.cwd(), r.soPath)}: ${r.size} bytes, sha256 ${r.sha256} ` +
          `(clang ${r.compileMs.toFixed(0)} ms, link ${r.linkMs.toFixed(0)} ms)`,
      );
    }
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 1;
  }
}
