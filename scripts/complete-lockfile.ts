// Restores lockfile entries for platform-specific optional packages that this machine's registry does not serve.
//
// npm omits an optional dependency it cannot fetch from package-lock.json, and `npm ci` then refuses that same
// lockfile as out of sync (npm/cli#9846). litesvm ships its native binary as litesvm-<os>-<cpu>[-<libc>] packages,
// of which only the linux-x64-gnu one is on this registry. Each placeholder records the platform, so `npm ci`
// skips it here and fetches it by name on a machine of that platform.
// usage: tsx scripts/complete-lockfile.ts   (after any `npm install` that rewrites package-lock.json)
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

interface LockEntry {
  version?: string;
  optional?: boolean;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

const PLATFORM = /-(darwin|linux|win32|freebsd|android)-(x64|arm64|ia32|arm)(?:-(gnu|musl|msvc))?$/;

/** Placeholders for missing platform packages; throws for a missing optional package that names no platform. */
export function completeLockfile(packages: Record<string, LockEntry>): string[] {
  const added: string[] = [];
  for (const [path, entry] of Object.entries(packages)) {
    for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
      const key = `${path ? path + "/" : ""}node_modules/${name}`.replace(/^\//, "");
      if (packages[key] || packages[`node_modules/${name}`]) continue;
      const m = PLATFORM.exec(name);
      if (!m)
        throw new Error(`optional dependency ${name} of ${path} is missing from the lockfile and names no platform`);
      const [, os, cpu, libc] = m;
      packages[`node_modules/${name}`] = {
        version,
        cpu: [cpu],
        ...(libc && libc !== "msvc" ? { libc: [libc === "gnu" ? "glibc" : libc] } : {}),
        optional: true,
        os: [os],
      };
      added.push(`${name}@${version}`);
    }
  }
  return added;
}

if (require.main === module) {
  const file = join(__dirname, "..", "package-lock.json");
  const lock = JSON.parse(readFileSync(file, "utf8"));
  const added = completeLockfile(lock.packages);
  const sorted = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => a.localeCompare(b, "en")));
  lock.packages = sorted;
  writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
  console.log(added.length ? `added ${added.join(", ")}` : "lockfile already complete");
}
