// Finds (or, as root on Debian, installs) the clang used for the on-chain program, and compiles C to BPF objects.
import { execFileSync, spawnSync } from "node:child_process";
import { ensureAptPackage, hasCommand } from "./aptPackage";

/** Pinned so two machines produce the same bytes; override with CONCORD_CLANG for experiments. */
export const CLANG_PACKAGE = "clang-16";
export const CLANG = process.env.CONCORD_CLANG ?? CLANG_PACKAGE;

/** -mcpu=v1: v3 emits JMP32, which the sBPF v0 verifier rejects. No -g: debug info would embed paths. */
export const BPF_CFLAGS = [
  "-target",
  "bpf",
  "-mcpu=v1",
  "-O2",
  "-std=c17",
  "-ffreestanding",
  "-fno-builtin",
  "-fno-stack-protector",
  "-fno-ident",
  "-Wall",
  "-Wextra",
  "-Werror",
];

export function ensureClang(): string {
  if (process.env.CONCORD_CLANG) {
    if (!hasCommand(CLANG)) throw new Error(`CONCORD_CLANG=${CLANG} does not run`);
    return CLANG;
  }
  ensureAptPackage(CLANG_PACKAGE, CLANG, "it compiles the on-chain program to BPF");
  return CLANG;
}

export function clangVersion(): string {
  return execFileSync(CLANG, ["--version"], { encoding: "utf8" }).split("\n")[0];
}

/** Compiles one C file to a BPF relocatable object. Throws with clang's diagnostics on failure. */
export function compileBpf(source: string, output: string, extraFlags: string[] = []): void {
  const r = spawnSync(CLANG, [...BPF_CFLAGS, ...extraFlags, "-c", source, "-o", output], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`clang failed on ${source}:\n${r.stderr || r.error}`);
}
