// ELF64 constants used by the sBPF linker. Values from the ELF spec and LLVM's BPF relocation list
// (llvm/include/llvm/BinaryFormat/ELFRelocs/BPF.def); sBPF-specific ones from the Solana loader (solana-sbpf).

export const EM_BPF = 247;
export const ET_REL = 1;
export const ET_DYN = 3;

/** Runtime address where the loader maps the program's file image. */
export const MM_PROGRAM_START = 0x1_0000_0000n;

export const SHT = {
  NULL: 0,
  PROGBITS: 1,
  SYMTAB: 2,
  STRTAB: 3,
  RELA: 4,
  DYNAMIC: 6,
  NOBITS: 8,
  REL: 9,
  DYNSYM: 11,
} as const;
export const SHF = { WRITE: 1, ALLOC: 2, EXEC: 4 } as const;
export const STT = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3 } as const;
export const STB = { LOCAL: 0, GLOBAL: 1, WEAK: 2 } as const;
export const PT = { LOAD: 1, DYNAMIC: 2 } as const;
export const PF = { X: 1, W: 2, R: 4 } as const;

export const R_BPF = {
  NONE: 0,
  /** lddw: 64-bit immediate split over two instruction slots. */
  BPF_64_64: 1,
  /** 64-bit absolute data pointer (a pointer stored in .rodata). */
  BPF_64_ABS64: 2,
  BPF_64_ABS32: 3,
  BPF_64_NODYLD32: 4,
  /** Loader-side fix-up: add MM_PROGRAM_START to the value already in place. */
  BPF_64_RELATIVE: 8,
  /** call imm: a bpf-to-bpf call or, for undefined symbols, a syscall. */
  BPF_64_32: 10,
} as const;

export const R_BPF_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(R_BPF).map(([name, value]) => [value, `R_BPF_${name}`]),
);

export const DT = {
  NULL: 0,
  STRTAB: 5,
  SYMTAB: 6,
  STRSZ: 10,
  SYMENT: 11,
  REL: 17,
  RELSZ: 18,
  RELENT: 19,
  TEXTREL: 22,
  FLAGS: 30,
  RELCOUNT: 0x6fff_fffa,
} as const;
export const DF_TEXTREL = 4;

/** BPF opcode of `call imm`. */
export const OP_CALL = 0x85;
/** BPF opcode of `lddw dst, imm64` (first slot). */
export const OP_LDDW = 0x18;

export const ELF_HEADER_SIZE = 64;
export const PHDR_SIZE = 56;
export const SHDR_SIZE = 64;
export const SYM_SIZE = 24;
export const REL_SIZE = 16;
export const DYN_SIZE = 16;
