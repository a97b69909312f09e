// Links upstream-clang BPF relocatable objects into a Solana sBPF v0 shared object.
// Only two output sections exist: .text (all executable input) and .rodata (all read-only data); sBPF v0 has no
// writable globals, so any writable or .bss input is refused with a hint instead of producing an undeployable file.
import { MM_PROGRAM_START, OP_CALL, OP_LDDW, R_BPF, R_BPF_NAMES, SHF, SHT, STB, STT } from "./elfFormat";
import { LinkError } from "./linkError";
import type { InputSection, InputSymbol, ObjectFile } from "./readObject";
import { readObject } from "./readObject";
import { KNOWN_SYSCALLS } from "./syscalls";
import type { DynamicRelocation, DynamicSymbol } from "./writeElf";
import { ENTRYPOINT_SYMBOL, placeImage, writeElf } from "./writeElf";

export interface LinkOptions {
  /** Emit R_BPF_64_RELATIVE for lddw instead of baking absolute addresses in. */
  relative?: boolean;
  /** Accept calls to syscall names the runtime does not know (tests of the loader only). */
  allowUnknownSyscalls?: boolean;
}

export interface LinkStats {
  lddw: number;
  localCalls: number;
  syscallSites: number;
  rodataPointers: number;
}

export interface LinkResult {
  elf: Buffer;
  text: { address: number; size: number };
  rodata: { address: number; size: number };
  entryAddress: number;
  syscalls: string[];
  stats: LinkStats;
}

type OutputKind = "text" | "rodata";
interface Placed {
  object: ObjectFile;
  section: InputSection;
  kind: OutputKind;
  /** Offset inside its output section. */
  offset: number;
}

const align = (x: number, a: number) => (a <= 1 ? x : Math.ceil(x / a) * a);
const key = (object: ObjectFile, sectionIndex: number) => `${object.name}\0${sectionIndex}`;

function placeSections(objects: ObjectFile[]) {
  const placed = new Map<string, Placed>();
  let textSize = 0;
  let rodataSize = 0;
  let rodataAlign = 8;
  for (const object of objects) {
    for (const section of object.sections) {
      if (!(section.flags & SHF.ALLOC) || section.size === 0) continue;
      if (section.flags & SHF.WRITE || section.type === SHT.NOBITS) {
        throw new LinkError(
          "WRITABLE_SECTION",
          `${object.name}: section ${section.name} (${section.size} bytes) is writable or .bss; sBPF v0 programs have no ` +
            `writable globals: make the data const, or keep it on the stack or heap`,
        );
      }
      if (section.type !== SHT.PROGBITS) continue;
      if (section.flags & SHF.EXEC) {
        textSize = align(textSize, 8);
        placed.set(key(object, section.index), { object, section, kind: "text", offset: textSize });
        textSize += section.size;
      } else {
        rodataSize = align(rodataSize, section.align);
        rodataAlign = Math.max(rodataAlign, section.align);
        placed.set(key(object, section.index), { object, section, kind: "rodata", offset: rodataSize });
        rodataSize += section.size;
      }
    }
  }
  if (textSize === 0) throw new LinkError("NO_TEXT", "no executable code in the inputs");
  return { placed, textSize, rodataSize, rodataAlign };
}

/**
 * Links the given objects (in the given order; order fixes the output bytes).
 * Inputs are `[name, bytes]` pairs so callers decide where bytes come from.
 */
export function link(inputs: [string, Buffer][], options: LinkOptions = {}): LinkResult {
  if (inputs.length === 0) throw new LinkError("NO_TEXT", "no input objects");
  const objects = inputs.map(([name, bytes]) => readObject(name, bytes));
  const { placed, textSize, rodataSize, rodataAlign } = placeSections(objects);
  const placement = placeImage(textSize, rodataSize, rodataAlign);
  const text = Buffer.alloc(textSize);
  const rodata = Buffer.alloc(rodataSize);
  for (const p of placed.values()) {
    p.object.bytes.copy(
      p.kind === "text" ? text : rodata,
      p.offset,
      p.section.offset,
      p.section.offset + p.section.size,
    );
  }
  const addressOf = (p: Placed) => (p.kind === "text" ? placement.textAddress : placement.rodataAddress) + p.offset;

  // Global definitions, across objects.
  const globals = new Map<string, { address: number; size: number; kind: OutputKind }>();
  for (const object of objects) {
    for (const sym of object.symbols) {
      if (sym.bind === STB.LOCAL || sym.shndx === 0) continue;
      const p = placed.get(key(object, sym.shndx));
      if (!p) continue;
      if (globals.has(sym.name))
        throw new LinkError("DUPLICATE_SYMBOL", `symbol ${sym.name} is defined twice (again in ${object.name})`);
      globals.set(sym.name, { address: addressOf(p) + sym.value, size: sym.size, kind: p.kind });
    }
  }
  const entry = globals.get("entrypoint");
  if (!entry || entry.kind !== "text") throw new LinkError("NO_ENTRYPOINT", 'no global function named "entrypoint"');

  const dynamicSymbols: DynamicSymbol[] = [
    { name: "", bind: 0, type: 0, shndx: 0, value: 0, size: 0 },
    ENTRYPOINT_SYMBOL(entry.address, entry.size),
  ];
  const syscallIndex = new Map<string, number>();
  const syscallSymbol = (name: string) => {
    let index = syscallIndex.get(name);
    if (index === undefined) {
      index = dynamicSymbols.length;
      syscallIndex.set(name, index);
      dynamicSymbols.push({ name, bind: STB.GLOBAL, type: STT.NOTYPE, shndx: 0, value: 0, size: 0 });
    }
    return index;
  };
  const relocations: DynamicRelocation[] = [];
  const stats: LinkStats = { lddw: 0, localCalls: 0, syscallSites: 0, rodataPointers: 0 };

  /** Address a symbol resolves to; null when it is undefined everywhere (a syscall). */
  const resolve = (object: ObjectFile, sym: InputSymbol): number | null => {
    if (sym.shndx !== 0) {
      const p = placed.get(key(object, sym.shndx));
      if (!p) return null;
      // Section symbols carry their offset in the addend, not in st_value.
      return addressOf(p) + (sym.type === STT.SECTION ? 0 : sym.value);
    }
    return globals.get(sym.name)?.address ?? null;
  };

  for (const object of objects) {
    for (const relSection of object.sections) {
      if (relSection.type === SHT.RELA)
        throw new LinkError(
          "UNSUPPORTED_RELOCATION",
          `${object.name}: RELA sections are not produced by BPF clang and are not supported`,
        );
      if (relSection.type !== SHT.REL) continue;
      const target = placed.get(key(object, relSection.info));
      if (!target) continue; // relocations of debug/BTF sections, which are not loaded
      const buf = target.kind === "text" ? text : rodata;
      for (let o = relSection.offset; o < relSection.offset + relSection.size; o += 16) {
        const siteInSection = Number(object.bytes.readBigUInt64LE(o));
        const info = object.bytes.readBigUInt64LE(o + 8);
        const type = Number(info & 0xffff_ffffn);
        const sym = object.symbols[Number(info >> 32n)];
        if (!sym)
          throw new LinkError("MALFORMED_OBJECT", `${object.name}: relocation refers to missing symbol ${info >> 32n}`);
        const at = target.offset + siteInSection;
        const where = `${object.name}:${relSection.name}+0x${siteInSection.toString(16)}`;
        if (at + 8 > buf.length)
          throw new LinkError("BAD_RELOCATION_SITE", `${where}: relocation site outside its section`);
        const S = resolve(object, sym);

        switch (type) {
          case R_BPF.NONE:
            break;
          case R_BPF.BPF_64_64: {
            if (target.kind !== "text" || buf[at] !== OP_LDDW || at + 16 > buf.length) {
              throw new LinkError("BAD_RELOCATION_SITE", `${where}: R_BPF_64_64 is not on an lddw instruction`);
            }
            if (S === null) throw new LinkError("UNDEFINED_SYMBOL", `${where}: undefined data symbol ${sym.name}`);
            const value = BigInt(S + buf.readUInt32LE(at + 4));
            const patched = options.relative ? value : MM_PROGRAM_START + value;
            buf.writeUInt32LE(Number(patched & 0xffff_ffffn), at + 4);
            buf.writeUInt32LE(Number(patched >> 32n), at + 12);
            if (options.relative)
              relocations.push({ offset: placement.textAddress + at, symbol: 0, type: R_BPF.BPF_64_RELATIVE });
            stats.lddw++;
            break;
          }
          case R_BPF.BPF_64_32: {
            if (target.kind !== "text" || buf[at] !== OP_CALL)
              throw new LinkError("BAD_RELOCATION_SITE", `${where}: R_BPF_64_32 is not on a call instruction`);
            if (S !== null) {
              // bpf-to-bpf call: pc-relative immediate; the v0 loader rewrites it into its function-key form.
              const pc = at / 8;
              const calleeSlot =
                (S - placement.textAddress) / 8 + (sym.type === STT.SECTION ? buf.readInt32LE(at + 4) + 1 : 0);
              if (!Number.isInteger(calleeSlot))
                throw new LinkError("BAD_RELOCATION_SITE", `${where}: call target is not 8-byte aligned`);
              const imm = calleeSlot - (pc + 1);
              if (imm === -1)
                throw new LinkError("BAD_RELOCATION_SITE", `${where}: call immediate -1 is reserved for syscalls`);
              buf.writeInt32LE(imm, at + 4);
              stats.localCalls++;
            } else {
              if (!options.allowUnknownSyscalls && !KNOWN_SYSCALLS.has(sym.name)) {
                throw new LinkError(
                  "UNKNOWN_SYSCALL",
                  `${where}: undefined symbol ${sym.name} is neither defined in the inputs nor a Solana syscall`,
                );
              }
              buf.writeInt32LE(-1, at + 4);
              relocations.push({
                offset: placement.textAddress + at,
                symbol: syscallSymbol(sym.name),
                type: R_BPF.BPF_64_32,
              });
              stats.syscallSites++;
            }
            break;
          }
          case R_BPF.BPF_64_ABS64: {
            if (S === null) throw new LinkError("UNDEFINED_SYMBOL", `${where}: undefined data symbol ${sym.name}`);
            buf.writeBigUInt64LE(MM_PROGRAM_START + BigInt(S) + buf.readBigUInt64LE(at), at);
            stats.rodataPointers++;
            break;
          }
          default:
            throw new LinkError(
              "UNSUPPORTED_RELOCATION",
              `${where}: unsupported relocation ${R_BPF_NAMES[type] ?? `type ${type}`} against ${sym.name || "(section)"}; ` +
                `the linker handles R_BPF_64_64, R_BPF_64_32 and R_BPF_64_ABS64`,
            );
        }
      }
    }
  }

  const elf = writeElf({
    text,
    rodata,
    rodataAlign,
    placement,
    entryAddress: entry.address,
    dynamicSymbols,
    relocations,
  });
  return {
    elf,
    text: { address: placement.textAddress, size: textSize },
    rodata: { address: placement.rodataAddress, size: rodataSize },
    entryAddress: entry.address,
    syscalls: [...syscallIndex.keys()],
    stats,
  };
}
