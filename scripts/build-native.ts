// Builds the trainer's native kernels (trainer/native/c/*.c, an N-API addon over Debian's OpenBLAS) into
// target/native/concord_native.node with the system C compiler. As root on Debian it apt-installs what is missing
// (gcc, libopenblas-dev); otherwise it prints the exact command. Portable flags only: OpenBLAS picks its kernels for
// the CPU at run time and our own loops carry AVX2 and baseline clones (target_clones), so one build runs on any
// x86-64 machine. Rebuilds only when the sources, flags or compiler change.
// usage: tsx scripts/build-native.ts [--if-possible] [--quiet]
//   --if-possible: the npm install hook; a failed build prints why and how to enable, and exits 0 (the trainer then
//   runs on plain wasm).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { arch } from "node:os";
import { dirname, join, relative } from "node:path";
import { NATIVE_ADDON_PATH } from "../trainer/native/nativeAddon";
import { ensureAptPackage, ensureDebianPackage, MissingDebianPackageError } from "./aptPackage";
import { REPO_ROOT } from "../programs/coordinator/paths";

export const NATIVE_SRC = join(REPO_ROOT, "trainer", "native", "c");
/** The trainer loads the addon from NATIVE_ADDON_PATH; the build writes it there (the trainer never imports scripts/). */
export const NATIVE_OUT_DIR = dirname(NATIVE_ADDON_PATH);
const STAMP = join(NATIVE_OUT_DIR, "build-stamp.json");
const BLAS_PACKAGE = "libopenblas-dev";
const CC = process.env.CC ?? "gcc";

/**
 * -ffp-contract=off keeps GCC from fusing a*b+c into FMA in the AVX2 clones, so they compute the bits of the
 * baseline code; no -ffast-math anywhere (it would reorder sums and change results against stock tfjs).
 */
export const NATIVE_CFLAGS = [
  "-std=gnu17",
  "-O3",
  "-fPIC",
  "-shared",
  "-fvisibility=hidden",
  "-pthread",
  "-ffp-contract=off",
  "-fno-trapping-math",
  "-fno-math-errno",
  "-Wall",
  "-Wextra",
  "-Werror",
  "-DNAPI_VERSION=8",
  "-DNODE_GYP_MODULE_NAME=concord_native",
];

/** Where Debian's OpenBLAS headers live (any of its three threading flavours; pthread is the default). */
function openBlasInclude(): string | null {
  const multiarch = arch() === "arm64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
  const dirs = ["openblas-pthread", "openblas-openmp", "openblas-serial"].map((f) => `/usr/include/${multiarch}/${f}`);
  return [...dirs, "/usr/include/openblas"].find((d) => existsSync(join(d, "cblas.h"))) ?? null;
}

/** Node's N-API headers: Debian's nodejs package puts them in /usr/include/node, official builds beside bin/. */
function nodeInclude(): string {
  const dirs = [join(dirname(dirname(process.execPath)), "include", "node"), "/usr/include/node"];
  const found = dirs.find((d) => existsSync(join(d, "node_api.h")));
  if (!found) throw new Error(`node_api.h not found in ${dirs.join(" or ")} (Node's headers come with Node itself)`);
  return found;
}

function sources(): string[] {
  return readdirSync(NATIVE_SRC)
    .filter((f) => f.endsWith(".c") || f.endsWith(".h"))
    .sort()
    .map((f) => join(NATIVE_SRC, f));
}

/** sha256 of the C sources: the kernel set's identity, reported in every receipt's backend metadata. */
function nativeSourceHash(): string {
  const h = createHash("sha256");
  for (const f of sources()) h.update(relative(NATIVE_SRC, f)).update("\0").update(readFileSync(f)).update("\0");
  return h.digest("hex");
}

export interface NativeBuild {
  readonly path: string;
  readonly sourceHash: string;
  /** false when an up-to-date build was already there. */
  readonly built: boolean;
}

export function buildNative(): NativeBuild {
  ensureAptPackage("gcc", CC, "it compiles the trainer's native kernels");
  const blas = ensureDebianPackage(
    BLAS_PACKAGE,
    openBlasInclude,
    "OpenBLAS headers (cblas.h)",
    "the native kernels call OpenBLAS",
  );
  const node = nodeInclude();
  const sourceHash = nativeSourceHash();
  const compiler = execFileSync(CC, ["--version"], { encoding: "utf8" }).split("\n")[0];
  const stamp = JSON.stringify({ sourceHash, flags: NATIVE_CFLAGS, compiler, blas, node });
  if (existsSync(NATIVE_ADDON_PATH) && existsSync(STAMP) && readFileSync(STAMP, "utf8") === stamp)
    return { path: NATIVE_ADDON_PATH, sourceHash, built: false };
  mkdirSync(NATIVE_OUT_DIR, { recursive: true });
  const tmp = `${NATIVE_ADDON_PATH}.${process.pid}.tmp`;
  const args = [
    ...NATIVE_CFLAGS,
    `-DCONCORD_NATIVE_SOURCE_HASH="${sourceHash.slice(0, 16)}"`,
    `-I${node}`,
    `-I${blas}`,
    ...sources().filter((f) => f.endsWith(".c")),
    "-o",
    tmp,
    `-L${blas.replace("/include/", "/lib/")}`,
    "-lopenblas",
    "-lm",
  ];
  try {
    execFileSync(CC, args, { stdio: ["ignore", "inherit", "inherit"] });
    renameSync(tmp, NATIVE_ADDON_PATH); // atomic: a running trainer keeps its mapped copy
  } finally {
    rmSync(tmp, { force: true });
  }
  writeFileSync(STAMP, stamp);
  return { path: NATIVE_ADDON_PATH, sourceHash, built: true };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  try {
    const r = buildNative();
    if (!args.includes("--quiet"))
      console.log(
        `${r.built ? "built" : "up to date:"} ${relative(process.cwd(), r.path)} (sources ${r.sourceHash.slice(0, 16)})`,
      );
  } catch (e) {
    const reason = (e as Error).message;
    if (args.includes("--if-possible")) {
      const install = e instanceof MissingDebianPackageError ? e.installCommand : undefined;
      console.error(
        `native kernels not built: ${reason.split("\n")[0]}; the trainer will use plain wasm.\n` +
          `To enable them: ${install ? `${install} && ` : ""}npm run build:native`,
      );
    } else {
      console.error(reason);
      process.exitCode = 1;
    }
  }
}
