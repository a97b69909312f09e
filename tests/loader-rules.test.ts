// What the real Solana loader accepts: our linked programs deploy through the upgradeable loader (strict checks),
// and breaking any rule the linker follows makes the loader refuse the file.
import { Keypair, TransactionInstruction } from "@solana/web3.js";
import { link } from "../scripts/sbf-link";
import { compileFixture } from "./helpers/compileFixture";
import { TestChain, toAddress } from "./helpers/testChain";

const hello = compileFixture("hello.c");
const good = link([hello]).elf;
const sectionHeader = (elf: Buffer, index: number) => Number(elf.readBigUInt64LE(40)) + index * 64;

/** addProgram + one call; returns the error text or "ok". */
function loadAndRun(elf: Buffer): string {
  const chain = new TestChain({ program: "none" });
  const programId = Keypair.generate().publicKey;
  try {
    chain.svm.addProgram(toAddress(programId), elf);
  } catch (e) {
    return `load: ${(e as Error).message}`;
  }
  const r = chain.send([new TransactionInstruction({ programId, keys: [], data: Buffer.alloc(0) })]);
  return r.ok ? "ok" : `run: ${r.logs.join(" | ")}`;
}

function mutated(change: (elf: Buffer) => void): Buffer {
  const copy = Buffer.from(good);
  change(copy);
  return copy;
}

describe("loader rules", () => {
  test("a linked program deploys through the upgradeable loader and runs", () => {
    const chain = new TestChain({ program: "none" });
    const d = chain.deploy(good);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    const r = chain.send([new TransactionInstruction({ programId: d.programId, keys: [], data: Buffer.alloc(0) })]);
    expect(r.logs).toContain("Program log: hello from C");
  });

  test("R_BPF_64_RELATIVE output deploys through the upgradeable loader", () => {
    const chain = new TestChain({ program: "none" });
    expect(chain.deploy(link([hello], { relative: true }).elf).ok).toBe(true);
  });

  test("the deploy-time check rejects syscall names the runtime does not register", () => {
    const elf = link([compileFixture("unknown_syscall.c")], { allowUnknownSyscalls: true }).elf;
    const d = new TestChain({ program: "none" }).deploy(elf);
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.step).toBe("deploy");
    expect(d.result.logs.join("\n")).toMatch(/Unresolved symbol \(sol_lol_\)/);
  });

  test("ET_DYN is required: ET_EXEC and ET_REL are refused", () => {
    expect(loadAndRun(good)).toBe("ok");
    expect(loadAndRun(mutated((b) => b.writeUInt16LE(2, 16)))).toMatch(/load:.*wrong type/);
    expect(loadAndRun(mutated((b) => b.writeUInt16LE(1, 16)))).toMatch(/load:.*wrong type/);
  });

  test("e_machine must be BPF", () => {
    expect(loadAndRun(mutated((b) => b.writeUInt16LE(62, 18)))).toMatch(/load:.*wrong machine/);
  });

  test("a section named .bss or .data is refused as writable", () => {
    const shstrtab = Number(good.readBigUInt64LE(sectionHeader(good, 7) + 24));
    const renamed = mutated((b) => b.write(".bss\0\0\0", shstrtab + 7, "latin1")); // ".rodata" -> ".bss"
    expect(loadAndRun(renamed)).toMatch(/load:.*writable section/);
  });

  test("allocated sections need address == offset", () => {
    const text = sectionHeader(good, 1);
    const moved = mutated((b) => b.writeBigUInt64LE(b.readBigUInt64LE(text + 24) + 8n, text + 16));
    expect(loadAndRun(moved)).toMatch(/^load:/);
  });

  test("lddw needs its relocation: a file-relative address faults at run time", () => {
    const unrelocated = link([hello]).elf;
    const textAddress = Number(unrelocated.readBigUInt64LE(sectionHeader(unrelocated, 1) + 24));
    for (let o = textAddress; ; o += 8) {
      if (unrelocated[o] === 0x18) {
        unrelocated.writeUInt32LE(0, o + 12); // drop the MM_PROGRAM_START high half
        break;
      }
    }
    expect(loadAndRun(unrelocated)).toMatch(/run:.*Access violation/);
  });
});
