// The program build: reproducible bytes, and discriminators that agree between IDL, C header and Anchor's rule.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { anchorDiscriminator } from "../sdk/anchorDiscriminator";
import { buildProgram } from "../scripts/build-program";
import { DISCRIMINATORS_HEADER, IDL_PATH } from "../programs/coordinator/paths";
import { discriminatorHeader } from "../scripts/discriminatorHeader";

const idl = JSON.parse(readFileSync(IDL_PATH, "utf8"));

describe("program build", () => {
  test("two builds from scratch give byte-identical .so files", () => {
    const a = buildProgram(mkdtempSync(join(tmpdir(), "concord-build-a-")));
    const b = buildProgram(mkdtempSync(join(tmpdir(), "concord-build-b-")));
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(b.sha256).toBe(a.sha256);
    expect(readFileSync(a.soPath).equals(readFileSync(b.soPath))).toBe(true);
  });

  test("every IDL discriminator is sha256(namespace:name)[..8]", () => {
    const all = [
      ...idl.instructions.map((i: { name: string; discriminator: number[] }) => ["global", i] as const),
      ...(idl.accounts ?? []).map((a: { name: string; discriminator: number[] }) => ["account", a] as const),
      ...(idl.events ?? []).map((e: { name: string; discriminator: number[] }) => ["event", e] as const),
    ];
    expect(all.length).toBeGreaterThan(0);
    for (const [ns, item] of all) expect(Array.from(anchorDiscriminator(ns, item.name))).toEqual(item.discriminator);
  });

  test("the committed C header is what the IDL generates", () => {
    expect(readFileSync(DISCRIMINATORS_HEADER, "utf8")).toBe(discriminatorHeader(idl));
  });

  test("a tampered IDL discriminator is refused by the header generator", () => {
    const bad = structuredClone(idl);
    bad.instructions[0].discriminator[0] ^= 1;
    expect(() => discriminatorHeader(bad)).toThrow(/not sha256/);
  });
});
