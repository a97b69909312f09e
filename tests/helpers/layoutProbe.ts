// Compiles a host C program against the on-chain program's headers that prints sizeof/offsetof of every field the
// IDL describes, so tests compare the C layout with the Borsh layout Anchor decodes. The program's pure state
// machine (machine/*.c) is linked in too, which shows it builds for the host as well as for sBPF.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLANG, ensureClang } from "../../scripts/clang";
import { PROGRAM_SRC } from "../../programs/coordinator/paths";

/** C expressions to evaluate, by a name the test chooses. */
export type Probes = Record<string, string>;

export function runLayoutProbe(probes: Probes, preamble = ""): Record<string, number> {
  ensureClang();
  const dir = mkdtempSync(join(tmpdir(), "concord-layout-"));
  const source = join(dir, "probe.c");
  const lines = Object.entries(probes).map(
    ([name, expr]) => `  printf("%s %llu\\n", ${JSON.stringify(name)}, (unsigned long long)(${expr}));`,
  );
  writeFileSync(
    source,
    [
      '#include "state.h"',
      '#include "events.h"',
      '#include "machine/run_machine.h"',
      "int printf(const char *format, ...);",
      preamble,
      "int main(void) {",
      ...lines,
      "  return 0;",
      "}",
      "",
    ].join("\n"),
  );
  const machine = join(PROGRAM_SRC, "machine");
  const machineSources = readdirSync(machine)
    .filter((f) => f.endsWith(".c"))
    .map((f) => join(machine, f));
  const binary = join(dir, "probe");
  execFileSync(CLANG, ["-std=c17", "-Wall", "-Werror", "-I", PROGRAM_SRC, source, ...machineSources, "-o", binary]);
  const out: Record<string, number> = {};
  for (const line of execFileSync(binary, { encoding: "utf8" }).trim().split("\n")) {
    const [name, value] = line.split(" ");
    out[name] = Number(value);
  }
  return out;
}
