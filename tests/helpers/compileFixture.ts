// Compiles C fixtures under tests/fixtures/sbf/ to BPF objects with the program's own flags and headers.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileBpf, ensureClang } from "../../scripts/clang";
import { PROGRAM_SRC } from "../../programs/coordinator/paths";

const FIXTURES = join(__dirname, "..", "fixtures", "sbf");
let outDir: string | undefined;

/** Returns `[name, object bytes]`, ready for `link()`. */
export function compileFixture(file: string): [string, Buffer] {
  ensureClang();
  outDir ??= mkdtempSync(join(tmpdir(), "concord-sbf-"));
  const output = join(outDir, file.replace(/\.c$/, ".o"));
  compileBpf(join(FIXTURES, file), output, ["-I", PROGRAM_SRC]);
  return [file.replace(/\.c$/, ".o"), readFileSync(output)];
}
