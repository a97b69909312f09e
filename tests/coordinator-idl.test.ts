// The IDL is the contract between the C program and its clients: every account and event layout it describes must
// be the C struct's layout byte for byte, its errors must be error.h's, and the generated files must be current.
import type { Idl } from "@coral-xyz/anchor";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ERROR_LOG_HEADER, IDL_PATH, PROGRAM_SRC, REPO_ROOT } from "../programs/coordinator/paths";
import { errorLogHeader } from "../scripts/errorLogHeader";
import { idlFieldLayouts, idlTypeSize } from "../sdk/idlLayout";
import { runLayoutProbe } from "./helpers/layoutProbe";
import type { Probes } from "./helpers/layoutProbe";

const idl = JSON.parse(readFileSync(IDL_PATH, "utf8")) as Idl;

/** IDL account and event names and their C structs; all start with an 8-byte discriminator. */
const structs = (idl: Idl): [string, string][] => [
  ...(idl.accounts ?? []).map((a) => [a.name, a.name] as [string, string]),
  ...(idl.events ?? []).map((e) => [e.name, `${e.name}Event`] as [string, string]),
];
const ENUMS = ["RunState", "MemberStatus", "ReceiptStatus", "ChallengeStatus"];

/** C expressions for every field path (`members[0].stake` is a valid offsetof designator) and their IDL values. */
function probesAndExpectations(idl: Idl): { probes: Probes; expected: Record<string, number> } {
  const probes: Probes = {};
  const expected: Record<string, number> = {};
  const add = (name: string, expr: string, value: number) => {
    probes[name] = expr;
    expected[name] = value;
  };
  for (const [idlName, cName] of structs(idl)) {
    const fields = idlFieldLayouts(idl, idlName, 8);
    for (const f of fields) {
      if (f.vecElementSize !== undefined) {
        // Borsh Vec<T>: u32 length (C: <name>_len) then the elements (C: a flexible array <name>[])
        add(`${cName}.${f.path}_len@`, `offsetof(${cName}, ${f.path}_len)`, f.offset);
        add(`${cName}.${f.path}_len#`, `sizeof(((${cName} *)0)->${f.path}_len)`, 4);
        add(`${cName}.${f.path}@`, `offsetof(${cName}, ${f.path})`, f.offset + 4);
        add(`${cName}.${f.path}[]#`, `sizeof(((${cName} *)0)->${f.path}[0])`, f.vecElementSize);
        add(`${cName}#`, `sizeof(${cName})`, f.offset + 4);
        continue;
      }
      add(`${cName}.${f.path}@`, `offsetof(${cName}, ${f.path})`, f.offset);
      add(`${cName}.${f.path}#`, `sizeof(((${cName} *)0)->${f.path})`, f.size);
    }
    if (!fields.some((f) => f.vecElementSize !== undefined))
      add(`${cName}#`, `sizeof(${cName})`, 8 + idlTypeSize(idl, { defined: { name: idlName } }));
  }
  for (const name of ENUMS) {
    const def = idl.types!.find((t) => t.name === name)!;
    if (def.type.kind !== "enum") throw new Error(`${name} is not an enum`);
    def.type.variants.forEach((v, index) => add(`${name}_${v.name}`, `${name}_${v.name}`, index));
  }
  return { probes, expected };
}

describe("coordinator IDL", () => {
  test("every account and event field has the IDL's offset and size in the C structs", () => {
    const { probes, expected } = probesAndExpectations(idl);
    expect(Object.keys(probes).length).toBeGreaterThan(400);
    expect(runLayoutProbe(probes)).toEqual(expected);
  });

  test("a field moved in the IDL is caught", () => {
    // Given an IDL whose Member has `slot` and `endpoint_len` swapped (u16 and u8: every later offset shifts)
    const tampered = structuredClone(idl);
    const fields = (tampered.types!.find((t) => t.name === "Member")!.type as { fields: { name: string }[] }).fields;
    [fields[2], fields[3]] = [fields[3], fields[2]];
    const { probes, expected } = probesAndExpectations(tampered);
    const actual = runLayoutProbe(probes);
    expect(actual["Member.slot@"]).toBe(10);
    expect(expected["Member.slot@"]).toBe(11);
  });

  test("the pure state machine builds and runs on the host", () => {
    const result = runLayoutProbe(
      {
        quorum1: "witness_quorum(1)",
        quorum3: "witness_quorum(3)",
        quorum32: "witness_quorum(32)",
        zeroConfig: "run_config_validate(&zero, &rule)",
        elapsed: "elapsed(100, 90, 10)",
      },
      "static RunConfig zero; static ConfigRule rule;",
    );
    expect(result).toEqual({ quorum1: 1, quorum3: 2, quorum32: 21, zeroConfig: 6015, elapsed: 1 });
  });

  test("the IDL's errors are error.h's, code for code", () => {
    const header = readFileSync(join(PROGRAM_SRC, "error.h"), "utf8");
    const fromC = [...header.matchAll(/ConcordError_(\w+) = (\d+),\s*\/\*\* (.*?) \*\//g)].map((m) => ({
      code: Number(m[2]),
      name: m[1],
      msg: m[3],
    }));
    expect(fromC.length).toBeGreaterThan(50);
    expect(idl.errors).toEqual(fromC);
    // grouped in fives from 6000: each group's codes follow its marker (`/* 6060: … */`) without gaps, and a new
    // group starts after the last one, so a group's unused codes stay free and nothing is ever renumbered
    const groups = [...header.matchAll(/\/\* (\d+): .*?\*\/((?:\s*ConcordError_\w+ = \d+,[^\n]*)+)/g)].map((m) => ({
      start: Number(m[1]),
      codes: [...m[2].matchAll(/ = (\d+),/g)].map((c) => Number(c[1])),
    }));
    expect(groups.flatMap((g) => g.codes)).toEqual(fromC.map((e) => e.code));
    groups.forEach((g, i) => {
      expect(g.start).toBe(6000 + 5 * i);
      expect(g.codes).toEqual(g.codes.map((_, k) => g.start + k));
    });
  });

  test("generated files are current: the SDK's IDL module and the C error log table", () => {
    // prettier (which formats the module) needs ESM dynamic imports, so the check runs in its own process
    const tsx = join(REPO_ROOT, "node_modules", ".bin", "tsx");
    expect(() =>
      execFileSync(tsx, [join(REPO_ROOT, "scripts", "generateIdlModule.ts"), "--check"], { stdio: "pipe" }),
    ).not.toThrow();
    expect(readFileSync(ERROR_LOG_HEADER, "utf8")).toBe(errorLogHeader(idl));
  });

  test("every instruction's accounts are documented in its C processor's header comment", () => {
    const sources = join(PROGRAM_SRC, "instructions");
    const all = readdirSync(sources)
      .filter((f) => f.endsWith(".c"))
      .map((f) => readFileSync(join(sources, f), "utf8"))
      .join("\n");
    for (const instruction of idl.instructions) {
      const doc = new RegExp(` \\* ${instruction.name}\\(`);
      expect({ instruction: instruction.name, documented: doc.test(all) }).toEqual({
        instruction: instruction.name,
        documented: true,
      });
    }
  });
});
