// Finds (or, as root on Debian, installs) the clang used for the on-chain program, and compiles C to BPF objects.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

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

const hasCommand = (cmd: string) => spawnSync(cmd, ["--version"], { stdio: "ignore" }).status === 0;

/** Ensures a Debian package is installed when we are root on Debian; otherwise explains how, and throws. */
export function ensureAptPackage(pkg: string, command: string, why: string): void {
  if (hasCommand(command)) return;
  const isRoot = process.getuid?.() === 0;
  const isDebian = existsSync("/etc/debian_version");
  if (isRoot && isDebian) {
    console.error(`${command} not found: installing ${pkg} with apt-get (${why})`);
    execFileSync("apt-get", ["update"], { stdio: "inherit" });
    execFileSync("apt-get", ["install", "-y", "--no-install-recommends", pkg], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    if (hasCommand(command)) return;
  }
  throw new Error(`${command} not found (${why}). Install it with:\n  sudo apt-get install -y ${pkg}`);
}

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
