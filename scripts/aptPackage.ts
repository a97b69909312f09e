// Installs a missing Debian package when we are root on Debian (what CI and a fresh developer machine are), and
// otherwise explains the exact command; used by the program build (clang) and the native kernels (OpenBLAS, gcc).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export const hasCommand = (cmd: string) => spawnSync(cmd, ["--version"], { stdio: "ignore" }).status === 0;

/** What is missing, why it is needed, and the command that installs it (for callers that print it differently). */
export class MissingDebianPackageError extends Error {
  readonly installCommand: string;

  constructor(pkg: string, what: string, why: string) {
    const installCommand = `sudo apt-get install -y ${pkg}`;
    super(`${what} not found (${why})\nInstall it with:\n  ${installCommand}`);
    this.name = "MissingDebianPackageError";
    this.installCommand = installCommand;
  }
}

/**
 * Finds `what` (with `find`, null when absent), apt-installing `pkg` as root on Debian when it is missing; else
 * throws how to install it.
 */
export function ensureDebianPackage<T>(pkg: string, find: () => T | null, what: string, why: string): T {
  const found = find();
  if (found !== null) return found;
  const isRoot = process.getuid?.() === 0;
  const isDebian = existsSync("/etc/debian_version");
  if (isRoot && isDebian) {
    console.error(`${what} not found: installing ${pkg} with apt-get (${why})`);
    execFileSync("apt-get", ["update"], { stdio: "inherit" });
    execFileSync("apt-get", ["install", "-y", "--no-install-recommends", pkg], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    const installed = find();
    if (installed !== null) return installed;
  }
  throw new MissingDebianPackageError(pkg, what, why);
}

/** ensureDebianPackage for a package that provides a command. */
export function ensureAptPackage(pkg: string, command: string, why: string): void {
  ensureDebianPackage(pkg, () => (hasCommand(command) ? command : null), command, why);
}
