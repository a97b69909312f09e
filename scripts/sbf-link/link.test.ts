// The linker's output against the rules the Solana loader enforces; every linked program is also run in litesvm.
import { Keypair, TransactionInstruction } from "@solana/web3.js";
import { compileFixture } from "../../tests/helpers/compileFixture";
import { TestChain, toAddress } from "../../tests/helpers/testChain";
import { EM_BPF, ET_DYN, MM_PROGRAM_START, OP_CALL, OP_LDDW, R_BPF, SHF, SHT } from "./elfFormat";
import { link, LinkError, readElf } from "./index";

/** Loads an ELF with the lenient addProgram path and invokes it once. */
function run(elf: Buffer, data: Buffer = Buffer.alloc(0)) {
  const chain = new TestChain({ program: "none" });
  const programId = Keypair.generate().publicKey;
  chain.svm.addProgram(toAddress(programId), elf);
  return chain.send([new TransactionInstruction({ programId, keys: [], data })]);
}

function expectLinkError(fn: () => unknown, code: string, message: RegExp) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LinkError);
    expect((e as LinkError).code).toBe(code);
    expect((e as LinkError).message).toMatch(message);
    return;
  }
  throw new Error(`expected LinkError ${code}`);
}

/** .rel.dyn entries as {offset, symbol, type}. */
function dynamicRelocations(elf: Buffer) {
  const parsed = readElf("out.so", elf);
  const rel = parsed.sections.find((s) => s.name === ".rel.dyn")!;
  const out = [];
  for (let o = rel.offset; o < rel.offset + rel.size; o += 16) {
    const info = elf.readBigUInt64LE(o + 8);
    out.push({ offset: Number(elf.readBigUInt64LE(o)), symbol: Number(info >> 32n), type: Number(info & 0xffffffffn) });
  }
  return { parsed, relocations: out };
}

describe("sbf-link", () => {
  const hello = compileFixture("hello.c");
  const callsMain = compileFixture("calls_main.c");
  const callsUtil = compileFixture("calls_util.c");

  test("writes an ET_DYN sBPF v0 file whose entry is `entrypoint`, and it runs", () => {
    const { elf, entryAddress } = link([hello]);
    const parsed = readElf("hello.so", elf);
    expect(parsed.type).toBe(ET_DYN);
    expect(elf.readUInt16LE(18)).toBe(EM_BPF);
    expect(parsed.flags).toBe(0); // sBPF v0
    expect(elf[7]).toBe(0); // OSABI none
    expect(parsed.entry).toBe(entryAddress);
    expect(parsed.symbols.find((s) => s.name === "entrypoint")?.value).toBe(entryAddress);
    const r = run(elf);
    expect(r.error).toBeUndefined();
    expect(r.logs).toContain("Program log: hello from C");
  });

  test("orders sections as the loader expects, with address == file offset and nothing writable", () => {
    const { elf } = link([hello]);
    const { sections } = readElf("hello.so", elf);
    expect(sections.map((s) => s.name)).toEqual([
      "",
      ".text",
      ".rodata",
      ".dynamic",
      ".dynsym",
      ".dynstr",
      ".rel.dyn",
      ".shstrtab",
    ]);
    expect(sections.filter((s) => s.flags & SHF.EXEC)).toHaveLength(1);
    expect(sections.some((s) => s.flags & SHF.WRITE)).toBe(false);
    const shoff = Number(elf.readBigUInt64LE(40));
    for (const s of sections.filter((x) => x.flags & SHF.ALLOC)) {
      expect(Number(elf.readBigUInt64LE(shoff + s.index * 64 + 16))).toBe(s.offset); // sh_addr == sh_offset
    }
    expect(sections.find((s) => s.name === ".dynamic")?.type).toBe(SHT.DYNAMIC);
  });

  test("refuses writable .data with an explanation", () => {
    expectLinkError(() => link([compileFixture("writable_data.c")]), "WRITABLE_SECTION", /\.data.*no writable globals/);
  });

  test("refuses .bss", () => {
    expectLinkError(() => link([compileFixture("zeroed_bss.c")]), "WRITABLE_SECTION", /\.bss/);
  });

  test("turns syscalls into imm -1 calls plus .rel.dyn R_BPF_64_32 entries against named .dynsym symbols", () => {
    const { elf, syscalls } = link([hello]);
    expect(syscalls).toEqual(["sol_log_"]);
    const { parsed, relocations } = dynamicRelocations(elf);
    const calls = relocations.filter((r) => r.type === R_BPF.BPF_64_32);
    expect(calls.length).toBeGreaterThan(0);
    for (const r of calls) {
      expect(elf[r.offset]).toBe(OP_CALL);
      expect(elf.readInt32LE(r.offset + 4)).toBe(-1);
      expect(parsed.symbols[r.symbol].name).toBe("sol_log_");
    }
    expect(elf.readBigUInt64LE(parsed.sections.find((s) => s.name === ".dynamic")!.offset)).toBe(30n); // DT_FLAGS first
  });

  test("refuses calls to names that are neither defined nor Solana syscalls", () => {
    expectLinkError(() => link([compileFixture("unknown_syscall.c")]), "UNKNOWN_SYSCALL", /sol_lol_/);
  });

  test("bakes absolute addresses into lddw for .rodata references", () => {
    const { elf, text, rodata, stats } = link([hello]);
    expect(stats.lddw).toBeGreaterThan(0);
    const lddws = [];
    for (let o = text.address; o < text.address + text.size; o += 8) if (elf[o] === OP_LDDW) lddws.push(o);
    expect(lddws.length).toBe(stats.lddw);
    for (const o of lddws) {
      const value = BigInt(elf.readUInt32LE(o + 4)) | (BigInt(elf.readUInt32LE(o + 12)) << 32n);
      const offset = Number(value - MM_PROGRAM_START);
      expect(offset).toBeGreaterThanOrEqual(rodata.address);
      expect(offset).toBeLessThan(rodata.address + rodata.size);
      expect(elf.toString("latin1", offset, offset + 12)).toBe("hello from C");
    }
  });

  test("can leave lddw to the loader with R_BPF_64_RELATIVE", () => {
    const { elf } = link([hello], { relative: true });
    expect(dynamicRelocations(elf).relocations.some((r) => r.type === R_BPF.BPF_64_RELATIVE)).toBe(true);
    expect(run(elf).logs).toContain("Program log: hello from C");
  });

  test("resolves calls across objects and recursion as pc-relative immediates", () => {
    const { elf, stats } = link([callsMain, callsUtil]);
    expect(stats.localCalls).toBe(2); // mix() and names(); fib's self-call is resolved by the assembler
    const r = run(elf, Buffer.from([2, 9, 9, 9, 9]));
    expect(r.error).toBeUndefined();
    expect(r.logs).toContain("Program log: two");
    expect(r.logs).toContain(`Program log: 0x0, 0x5, 0x${(2007).toString(16)}, 0x${(610).toString(16)}, 0x0`); // mix(2,7), fib(15)
  });

  test("writes absolute addresses for pointers stored in .rodata", () => {
    const { elf, stats } = link([callsMain, callsUtil]);
    expect(stats.rodataPointers).toBe(3);
    expect(run(elf, Buffer.from([1])).logs).toContain("Program log: one");
    expect(run(elf, Buffer.from([0])).logs).toContain("Program log: zero");
  });

  test("refuses relocation types it does not handle, naming them", () => {
    const [name, bytes] = hello;
    const mutated = Buffer.from(bytes);
    const object = readElf(name, mutated);
    const rel = object.sections.find((s) => s.type === SHT.REL && object.sections[s.info].name === ".text")!;
    mutated.writeUInt32LE(R_BPF.BPF_64_ABS32, rel.offset + 8); // first relocation's type
    expectLinkError(() => link([[name, mutated]]), "UNSUPPORTED_RELOCATION", /R_BPF_BPF_64_ABS32/);
  });

  test("refuses inputs that are not BPF relocatable objects", () => {
    expectLinkError(
      () => link([["junk.o", Buffer.from("not an elf file at all, but long enough to have a header..........")]]),
      "NOT_BPF_OBJECT",
      /not an ELF/,
    );
    const program = link([hello]).elf;
    expectLinkError(() => link([["hello.so", program]]), "NOT_BPF_OBJECT", /ET_REL/);
    const truncated = Buffer.from(hello[1].subarray(0, 200));
    expect(() => link([["truncated.o", truncated]])).toThrow(LinkError);
  });

  test("refuses objects without an entrypoint, and duplicate definitions", () => {
    expectLinkError(() => link([compileFixture("no_entrypoint.c")]), "NO_ENTRYPOINT", /entrypoint/);
    expectLinkError(() => link([hello, ["again.o", hello[1]]]), "DUPLICATE_SYMBOL", /entrypoint/);
  });

  test("is deterministic: the same inputs give the same bytes", () => {
    expect(link([callsMain, callsUtil]).elf.equals(link([callsMain, callsUtil]).elf)).toBe(true);
  });
});
