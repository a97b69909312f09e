import { EM_BPF, ET_REL, SHDR_SIZE, SHT, SYM_SIZE } from "./elfFormat";
import { LinkError } from "./linkError";

export interface InputSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  align: number;
}

export interface InputSymbol {
  name: string;
  bind: number;
  type: number;
  /** Section index; 0 = undefined. */
  shndx: number;
  value: number;
  size: number;
}

export interface ObjectFile {
  name: string;
  bytes: Buffer;
  /** e_type: ET_REL for inputs, ET_DYN for linked programs. */
  type: number;
  entry: number;
  flags: number;
  sections: InputSection[];
  symbols: InputSymbol[];
}

function cString(buf: Buffer, offset: number, objectName: string): string {
  const end = buf.indexOf(0, offset);
  if (offset >= buf.length || end < 0)
    throw new LinkError("MALFORMED_OBJECT", `${objectName}: string table entry out of bounds`);
  return buf.toString("latin1", offset, end);
}

function checkRange(objectName: string, what: string, offset: number, size: number, total: number): void {
  if (offset < 0 || size < 0 || offset + size > total) {
    throw new LinkError(
      "MALFORMED_OBJECT",
      `${objectName}: ${what} [${offset}, +${size}) lies outside the file (${total} bytes)`,
    );
  }
}

/** Parses the sections and symbols of an ELF64 little-endian BPF file (input object or linked program). */
export function readElf(name: string, bytes: Buffer): ObjectFile {
  if (bytes.length < 64 || bytes.readUInt32BE(0) !== 0x7f454c46)
    throw new LinkError("NOT_BPF_OBJECT", `${name}: not an ELF file`);
  if (bytes[4] !== 2 || bytes[5] !== 1) throw new LinkError("NOT_BPF_OBJECT", `${name}: not ELF64 little-endian`);
  if (bytes.readUInt16LE(18) !== EM_BPF)
    throw new LinkError("NOT_BPF_OBJECT", `${name}: e_machine is not EM_BPF (247)`);

  const shoff = Number(bytes.readBigUInt64LE(40));
  const shnum = bytes.readUInt16LE(60);
  const shstrndx = bytes.readUInt16LE(62);
  checkRange(name, "section header table", shoff, shnum * SHDR_SIZE, bytes.length);
  if (shstrndx >= shnum) throw new LinkError("MALFORMED_OBJECT", `${name}: e_shstrndx ${shstrndx} out of range`);

  const sections: InputSection[] = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * SHDR_SIZE;
    const section: InputSection = {
      index: i,
      name: "",
      type: bytes.readUInt32LE(o + 4),
      flags: Number(bytes.readBigUInt64LE(o + 8)),
      offset: Number(bytes.readBigUInt64LE(o + 24)),
      size: Number(bytes.readBigUInt64LE(o + 32)),
      link: bytes.readUInt32LE(o + 40),
      info: bytes.readUInt32LE(o + 44),
      align: Number(bytes.readBigUInt64LE(o + 48)) || 1,
    };
    if (section.type !== SHT.NOBITS && section.type !== SHT.NULL)
      checkRange(name, `section ${i}`, section.offset, section.size, bytes.length);
    sections.push(section);
  }
  const shstr = sections[shstrndx];
  sections.forEach((s, i) => (s.name = cString(bytes, shstr.offset + bytes.readUInt32LE(shoff + i * SHDR_SIZE), name)));

  const symbols: InputSymbol[] = [];
  const symtab = sections.find((s) => s.type === SHT.SYMTAB) ?? sections.find((s) => s.type === SHT.DYNSYM);
  if (symtab) {
    if (symtab.link >= shnum)
      throw new LinkError("MALFORMED_OBJECT", `${name}: symbol table links to missing string table`);
    const strtab = sections[symtab.link];
    for (let o = symtab.offset; o + SYM_SIZE <= symtab.offset + symtab.size; o += SYM_SIZE) {
      const info = bytes[o + 4];
      symbols.push({
        name: cString(bytes, strtab.offset + bytes.readUInt32LE(o), name),
        bind: info >> 4,
        type: info & 0xf,
        shndx: bytes.readUInt16LE(o + 6),
        value: Number(bytes.readBigUInt64LE(o + 8)),
        size: Number(bytes.readBigUInt64LE(o + 16)),
      });
    }
  }
  return {
    name,
    bytes,
    sections,
    symbols,
    type: bytes.readUInt16LE(16),
    entry: Number(bytes.readBigUInt64LE(24)),
    flags: bytes.readUInt32LE(48),
  };
}

/** Parses a relocatable object (what `clang -target bpf -c` writes): the linker's only accepted input. */
export function readObject(name: string, bytes: Buffer): ObjectFile {
  const elf = readElf(name, bytes);
  if (elf.type !== ET_REL) throw new LinkError("NOT_BPF_OBJECT", `${name}: not a relocatable object (ET_REL)`);
  return elf;
}
