// Instructions of Solana's BPF upgradeable loader (bincode-encoded UpgradeableLoaderInstruction), which web3.js 1.x
// does not ship. Used by both the test chain and `concord deploy`, so a deploy is the same bytes everywhere.
import {
  PublicKey,
  SystemProgram,
  SYSVAR_CLOCK_PUBKEY,
  SYSVAR_RENT_PUBKEY,
  TransactionInstruction,
} from "@solana/web3.js";

export const BPF_LOADER_UPGRADEABLE_ID = new PublicKey("BPFLoaderUpgradeab1e11111111111111111111111");

/** UpgradeableLoaderState::Buffer header: enum tag u32 + Option<Pubkey> authority. */
export const BUFFER_HEADER_SIZE = 37;
/** UpgradeableLoaderState::Program: tag u32 + programdata address. */
export const PROGRAM_ACCOUNT_SIZE = 36;
/** UpgradeableLoaderState::ProgramData header: tag u32 + slot u64 + Option<Pubkey> upgrade authority. */
export const PROGRAMDATA_HEADER_SIZE = 45;
/** Bytes of ELF per Write that keep a legacy transaction under 1232 bytes with two signatures. */
export const WRITE_CHUNK_SIZE = 900;

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const u64 = (n: number | bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};

export function programDataAddress(programId: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync([programId.toBuffer()], BPF_LOADER_UPGRADEABLE_ID)[0];
}

/**
 * The ELF a ProgramData account holds: its data after the header, cut to the ELF's `length` (the account keeps
 * room for upgrades past the end, zero-filled).
 */
export function deployedElf(programData: Uint8Array, length: number): Uint8Array {
  return programData.subarray(PROGRAMDATA_HEADER_SIZE, PROGRAMDATA_HEADER_SIZE + length);
}

export function initializeBufferInstruction(buffer: PublicKey, authority: PublicKey): TransactionInstruction {
  return new TransactionInstruction({
    programId: BPF_LOADER_UPGRADEABLE_ID,
    data: u32(0),
    keys: [
      { pubkey: buffer, isSigner: false, isWritable: true },
      { pubkey: authority, isSigner: false, isWritable: false },
    ],
  });
}

export function writeInstruction(
  buffer: PublicKey,
  authority: PublicKey,
  offset: number,
  bytes: Uint8Array,
): TransactionInstruction {
  return new TransactionInstruction({
    programId: BPF_LOADER_UPGRADEABLE_ID,
    data: Buffer.concat([u32(1), u32(offset), u64(bytes.length), bytes]),
    keys: [
      { pubkey: buffer, isSigner: false, isWritable: true },
      { pubkey: authority, isSigner: true, isWritable: false },
    ],
  });
}

export function deployWithMaxDataLenInstruction(args: {
  payer: PublicKey;
  programId: PublicKey;
  buffer: PublicKey;
  upgradeAuthority: PublicKey;
  maxDataLen: number;
}): TransactionInstruction {
  return new TransactionInstruction({
    programId: BPF_LOADER_UPGRADEABLE_ID,
    data: Buffer.concat([u32(2), u64(args.maxDataLen)]),
    keys: [
      { pubkey: args.payer, isSigner: true, isWritable: true },
      { pubkey: programDataAddress(args.programId), isSigner: false, isWritable: true },
      { pubkey: args.programId, isSigner: false, isWritable: true },
      { pubkey: args.buffer, isSigner: false, isWritable: true },
      { pubkey: SYSVAR_RENT_PUBKEY, isSigner: false, isWritable: false },
      { pubkey: SYSVAR_CLOCK_PUBKEY, isSigner: false, isWritable: false },
      { pubkey: SystemProgram.programId, isSigner: false, isWritable: false },
      { pubkey: args.upgradeAuthority, isSigner: true, isWritable: false },
    ],
  });
}

/** Splits an ELF into the Write instructions that fill a buffer. */
export function writeChunks(elf: Uint8Array, chunkSize = WRITE_CHUNK_SIZE): { offset: number; bytes: Uint8Array }[] {
  const chunks = [];
  for (let offset = 0; offset < elf.length; offset += chunkSize)
    chunks.push({ offset, bytes: elf.subarray(offset, offset + chunkSize) });
  return chunks;
}

export function upgradeInstruction(args: {
  programId: PublicKey;
  buffer: PublicKey;
  spill: PublicKey;
  upgradeAuthority: PublicKey;
}): TransactionInstruction {
  return new TransactionInstruction({
    programId: BPF_LOADER_UPGRADEABLE_ID,
    data: u32(3),
    keys: [
      { pubkey: programDataAddress(args.programId), isSigner: false, isWritable: true },
      { pubkey: args.programId, isSigner: false, isWritable: true },
      { pubkey: args.buffer, isSigner: false, isWritable: true },
      { pubkey: args.spill, isSigner: false, isWritable: true },
      { pubkey: SYSVAR_RENT_PUBKEY, isSigner: false, isWritable: false },
      { pubkey: SYSVAR_CLOCK_PUBKEY, isSigner: false, isWritable: false },
      { pubkey: args.upgradeAuthority, isSigner: true, isWritable: false },
    ],
  });
}

/** Grows a program's ProgramData account so a larger ELF fits; the payer funds the extra rent. */
export function extendProgramInstruction(args: {
  programId: PublicKey;
  payer: PublicKey;
  additionalBytes: number;
}): TransactionInstruction {
  return new TransactionInstruction({
    programId: BPF_LOADER_UPGRADEABLE_ID,
    data: Buffer.concat([u32(6), u32(args.additionalBytes)]),
    keys: [
      { pubkey: programDataAddress(args.programId), isSigner: false, isWritable: true },
      { pubkey: args.programId, isSigner: false, isWritable: true },
      { pubkey: SystemProgram.programId, isSigner: false, isWritable: false },
      { pubkey: args.payer, isSigner: true, isWritable: true },
    ],
  });
}
