// Serializes a linked sBPF v0 program. Layout (address == file offset, which the v0 loader requires):
//   ELF header | program headers | .text | .rodata | .dynamic | .dynsym | .dynstr | .rel.dyn | .shstrtab | section headers
import {
  DF_TEXTREL,
  DT,
  DYN_SIZE,
  ELF_HEADER_SIZE,
  EM_BPF,
  ET_DYN,
  PF,
  PHDR_SIZE,
  PT,
  R_BPF,
  REL_SIZE,
  SHDR_SIZE,
  SHF,
  SHT,
  STB,
  STT,
  SYM_SIZE,
} from "./elfFormat";
import type { InputSymbol } from "./readObject";

/** A .dynsym entry has the fields of an input symbol. */
export type DynamicSymbol = InputSymbol;

export interface DynamicRelocation {
  /** File offset (== address) of the patched instruction. */
  offset: number;
  /** Index into the dynamic symbol table; 0 for R_BPF_64_RELATIVE. */
  symbol: number;
  type: number;
}

export interface ImagePlacement {
  programHeaders: number;
  textAddress: number;
  rodataAddress: number;
  /** First free byte after .text and .rodata. */
  end: number;
}

const align = (x: number, a: number) => (a <= 1 ? x : Math.ceil(x / a) * a);

/** Where .text and .rodata land; relocations need these addresses before the rest of the file exists. */
export function placeImage(textSize: number, rodataSize: number, rodataAlign: number): ImagePlacement {
  const programHeaders = rodataSize > 0 ? 4 : 3;
  const textAddress = align(ELF_HEADER_SIZE + programHeaders * PHDR_SIZE, 8);
  const rodataAddress = rodataSize > 0 ? align(textAddress + textSize, rodataAlign) : textAddress + textSize;
  return { programHeaders, textAddress, rodataAddress, end: rodataAddress + rodataSize };
}

export interface ElfImage {
  text: Buffer;
  rodata: Buffer;
  rodataAlign: number;
  placement: ImagePlacement;
  entryAddress: number;
  /** Index 0 must be the null symbol. */
  dynamicSymbols: DynamicSymbol[];
  relocations: DynamicRelocation[];
}

function stringTable(names: string[]): { bytes: Buffer; offsets: Map<string, number> } {
  const offsets = new Map<string, number>();
  const parts = ["\0"];
  let size = 1;
  for (const name of names) {
    if (!name || offsets.has(name)) continue;
    offsets.set(name, size);
    parts.push(name + "\0");
    size += name.length + 1;
  }
  return { bytes: Buffer.from(parts.join(""), "latin1"), offsets };
}

export function writeElf(image: ElfImage): Buffer {
  const { text, rodata, placement } = image;
  const hasRodata = rodata.length > 0;
  const dynstr = stringTable(image.dynamicSymbols.map((s) => s.name));

  const dynsym = Buffer.alloc(SYM_SIZE * image.dynamicSymbols.length);
  image.dynamicSymbols.forEach((s, i) => {
    const o = i * SYM_SIZE;
    dynsym.writeUInt32LE(s.name ? dynstr.offsets.get(s.name)! : 0, o);
    dynsym[o + 4] = (s.bind << 4) | s.type;
    dynsym.writeUInt16LE(s.shndx, o + 6);
    dynsym.writeBigUInt64LE(BigInt(s.value), o + 8);
    dynsym.writeBigUInt64LE(BigInt(s.size), o + 16);
  });

  const rels = [...image.relocations].sort((a, b) => a.offset - b.offset);
  const relDyn = Buffer.alloc(REL_SIZE * rels.length);
  rels.forEach((r, i) => {
    relDyn.writeBigUInt64LE(BigInt(r.offset), i * REL_SIZE);
    relDyn.writeBigUInt64LE((BigInt(r.symbol) << 32n) | BigInt(r.type), i * REL_SIZE + 8);
  });

  // The loader reads .dynamic to find the relocation and symbol tables.
  const hasRelocations = rels.length > 0;
  const dynamicAddress = align(placement.end, 8);
  const dynamicCount = hasRelocations ? 11 : 5;
  const dynsymAddress = align(dynamicAddress + dynamicCount * DYN_SIZE, 8);
  const dynstrAddress = dynsymAddress + dynsym.length;
  const relDynAddress = align(dynstrAddress + dynstr.bytes.length, 8);
  const dynamicEntries: [number, number][] = [];
  if (hasRelocations) {
    dynamicEntries.push(
      [DT.FLAGS, DF_TEXTREL],
      [DT.REL, relDynAddress],
      [DT.RELSZ, relDyn.length],
      [DT.RELENT, REL_SIZE],
      [DT.RELCOUNT, rels.filter((r) => r.type === R_BPF.BPF_64_RELATIVE).length],
    );
  }
  dynamicEntries.push(
    [DT.SYMTAB, dynsymAddress],
    [DT.SYMENT, SYM_SIZE],
    [DT.STRTAB, dynstrAddress],
    [DT.STRSZ, dynstr.bytes.length],
  );
  if (hasRelocations) dynamicEntries.push([DT.TEXTREL, 0]);
  dynamicEntries.push([DT.NULL, 0]);
  const dynamic = Buffer.alloc(DYN_SIZE * dynamicCount);
  dynamicEntries.forEach(([tag, value], i) => {
    dynamic.writeBigUInt64LE(BigInt(tag), i * DYN_SIZE);
    dynamic.writeBigUInt64LE(BigInt(value), i * DYN_SIZE + 8);
  });

  const sectionNames = ["", ".text", ".rodata", ".dynamic", ".dynsym", ".dynstr", ".rel.dyn", ".shstrtab"];
  const shstr = stringTable(sectionNames);
  const shstrAddress = relDynAddress + relDyn.length;
  const shoff = align(shstrAddress + shstr.bytes.length, 8);

  // [name, type, flags, address, size, link, info, align, entsize]; link/info of .dynamic etc. are section indices.
  type SectionHeader = [string, number, number, number, number, number, number, number, number];
  const headers: SectionHeader[] = [
    ["", SHT.NULL, 0, 0, 0, 0, 0, 0, 0],
    [".text", SHT.PROGBITS, SHF.ALLOC | SHF.EXEC, placement.textAddress, text.length, 0, 0, 8, 0],
  ];
  if (hasRodata)
    headers.push([
      ".rodata",
      SHT.PROGBITS,
      SHF.ALLOC,
      placement.rodataAddress,
      rodata.length,
      0,
      0,
      image.rodataAlign,
      0,
    ]);
  const dynsymIndex = headers.length + 1;
  const dynstrIndex = headers.length + 2;
  headers.push(
    [".dynamic", SHT.DYNAMIC, SHF.ALLOC, dynamicAddress, dynamic.length, dynstrIndex, 0, 8, DYN_SIZE],
    [".dynsym", SHT.DYNSYM, SHF.ALLOC, dynsymAddress, dynsym.length, dynstrIndex, 1, 8, SYM_SIZE],
    [".dynstr", SHT.STRTAB, SHF.ALLOC, dynstrAddress, dynstr.bytes.length, 0, 0, 1, 0],
    [".rel.dyn", SHT.REL, SHF.ALLOC, relDynAddress, relDyn.length, dynsymIndex, 0, 8, REL_SIZE],
    [".shstrtab", SHT.STRTAB, 0, shstrAddress, shstr.bytes.length, 0, 0, 1, 0],
  );

  const file = Buffer.alloc(shoff + headers.length * SHDR_SIZE);
  file.writeUInt32BE(0x7f454c46, 0);
  file[4] = 2; // ELFCLASS64
  file[5] = 1; // little-endian
  file[6] = 1; // EV_CURRENT
  file[7] = 0; // OSABI none: the loader rejects others
  file.writeUInt16LE(ET_DYN, 16);
  file.writeUInt16LE(EM_BPF, 18);
  file.writeUInt32LE(1, 20);
  file.writeBigUInt64LE(BigInt(image.entryAddress), 24);
  file.writeBigUInt64LE(BigInt(ELF_HEADER_SIZE), 32);
  file.writeBigUInt64LE(BigInt(shoff), 40);
  file.writeUInt32LE(0, 48); // e_flags 0 selects sBPF v0 (fixed stack frames, lddw allowed)
  file.writeUInt16LE(ELF_HEADER_SIZE, 52);
  file.writeUInt16LE(PHDR_SIZE, 54);
  file.writeUInt16LE(placement.programHeaders, 56);
  file.writeUInt16LE(SHDR_SIZE, 58);
  file.writeUInt16LE(headers.length, 60);
  file.writeUInt16LE(headers.length - 1, 62);

  const dynamicSegmentSize = relDynAddress + relDyn.length - dynamicAddress;
  const programHeaders: [number, number, number, number][] = [
    [PT.LOAD, PF.R | PF.X, placement.textAddress, text.length],
  ];
  if (hasRodata) programHeaders.push([PT.LOAD, PF.R, placement.rodataAddress, rodata.length]);
  programHeaders.push(
    [PT.LOAD, PF.R, dynamicAddress, dynamicSegmentSize],
    [PT.DYNAMIC, PF.R, dynamicAddress, dynamic.length],
  );
  programHeaders.forEach(([type, flags, address, size], i) => {
    const p = ELF_HEADER_SIZE + i * PHDR_SIZE;
    file.writeUInt32LE(type, p);
    file.writeUInt32LE(flags, p + 4);
    file.writeBigUInt64LE(BigInt(address), p + 8); // p_offset
    file.writeBigUInt64LE(BigInt(address), p + 16); // p_vaddr
    file.writeBigUInt64LE(BigInt(address), p + 24); // p_paddr
    file.writeBigUInt64LE(BigInt(size), p + 32);
    file.writeBigUInt64LE(BigInt(size), p + 40);
    file.writeBigUInt64LE(8n, p + 48);
  });

  text.copy(file, placement.textAddress);
  rodata.copy(file, placement.rodataAddress);
  dynamic.copy(file, dynamicAddress);
  dynsym.copy(file, dynsymAddress);
  dynstr.bytes.copy(file, dynstrAddress);
  relDyn.copy(file, relDynAddress);
  shstr.bytes.copy(file, shstrAddress);
  headers.forEach(([name, type, flags, address, size, link, info, alignment, entsize], i) => {
    const o = shoff + i * SHDR_SIZE;
    file.writeUInt32LE(name ? shstr.offsets.get(name)! : 0, o);
    file.writeUInt32LE(type, o + 4);
    file.writeBigUInt64LE(BigInt(flags), o + 8);
    file.writeBigUInt64LE(BigInt(flags & SHF.ALLOC ? address : 0), o + 16);
    file.writeBigUInt64LE(BigInt(address), o + 24);
    file.writeBigUInt64LE(BigInt(size), o + 32);
    file.writeUInt32LE(link, o + 40);
    file.writeUInt32LE(info, o + 44);
    file.writeBigUInt64LE(BigInt(alignment), o + 48);
    file.writeBigUInt64LE(BigInt(entsize), o + 56);
  });
  return file;
}

export const ENTRYPOINT_SYMBOL = (address: number, size: number): DynamicSymbol => ({
  name: "entrypoint",
  bind: STB.GLOBAL,
  type: STT.FUNC,
  shndx: 1,
  value: address,
  size,
});
