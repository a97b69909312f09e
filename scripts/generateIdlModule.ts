// Generates sdk/generated/concordCoordinator.ts from programs/coordinator/idl.json: the IDL in the camelCase form
// Anchor's TypeScript client uses, as a value and as the type that makes `Program<ConcordCoordinator>` typed.
// usage: tsx scripts/generateIdlModule.ts [--check]   (--check: exit 1 when the file is stale, write nothing)
import { convertIdlToCamelCase } from "@coral-xyz/anchor/dist/cjs/idl";
import type { Idl } from "@coral-xyz/anchor";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { format } from "prettier";
import { IDL_PATH, REPO_ROOT } from "../programs/coordinator/paths";

export const IDL_MODULE_PATH = join(REPO_ROOT, "sdk", "generated", "concordCoordinator.ts");

export async function idlModuleSource(idl: Idl): Promise<string> {
  const camel = convertIdlToCamelCase(idl);
  const text = [
    "// Generated from programs/coordinator/idl.json by scripts/generateIdlModule.ts. DO NOT EDIT.",
    "// The coordinator's IDL in the camelCase form @coral-xyz/anchor's client uses.",
    "",
    `export const CONCORD_COORDINATOR_IDL = ${JSON.stringify(camel)} as const;`,
    "",
    "type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> };",
    "/** The IDL type for `Program<ConcordCoordinator>` (Anchor's types expect mutable arrays). */",
    "export type ConcordCoordinator = Mutable<typeof CONCORD_COORDINATOR_IDL>;",
    "",
  ].join("\n");
  return format(text, { parser: "typescript", printWidth: 120 });
}

if (require.main === module) {
  idlModuleSource(JSON.parse(readFileSync(IDL_PATH, "utf8")))
    .then((source) => {
      if (!process.argv.includes("--check")) return writeFileSync(IDL_MODULE_PATH, source);
      if (readFileSync(IDL_MODULE_PATH, "utf8") === source) return;
      console.error(`${IDL_MODULE_PATH} is stale: run npm run generate:idl`);
      process.exitCode = 1;
    })
    .catch((e) => {
      console.error(e);
      process.exitCode = 1;
    });
}
