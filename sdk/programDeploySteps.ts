// The transactions that deploy (or upgrade) a program through the upgradeable loader, as data. Executing them is the
// caller's job (litesvm in tests and the local chain, a JSON-RPC Connection in `concord deploy`), so every path sends
// the same instructions.
import type { Keypair, PublicKey, TransactionInstruction } from "@solana/web3.js";
import { SystemProgram } from "@solana/web3.js";
import {
  BPF_LOADER_UPGRADEABLE_ID,
  BUFFER_HEADER_SIZE,
  PROGRAM_ACCOUNT_SIZE,
  PROGRAMDATA_HEADER_SIZE,
  deployWithMaxDataLenInstruction,
  extendProgramInstruction,
  initializeBufferInstruction,
  upgradeInstruction,
  writeChunks,
  writeInstruction,
} from "./upgradeableLoader";

/** The loader refuses ExtendProgram by fewer bytes than this (agave: "requires a minimum of 10240 additional bytes"). */
export const MIN_EXTEND_BYTES = 10 * 1024;

export interface DeployStep {
  /** What the step does, for progress and error messages. */
  label: string;
  instructions: TransactionInstruction[];
  /** Signers besides the payer (who signs every step and pays its fee). */
  signers: Keypair[];
  /**
   * Buffer writes are independent of each other and may be sent concurrently. A finish step must land in a later
   * slot than the setup steps.
   */
  kind: "setup" | "write" | "finish";
}

export interface DeployPlanInput {
  elf: Uint8Array;
  payer: PublicKey;
  /** New deploys need the program keypair's signature; upgrades only its address. */
  program: Keypair | PublicKey;
  buffer: Keypair;
  /** Lamports for rent exemption of `size` bytes (the caller asks its cluster). */
  rentExempt: (size: number) => number;
  /**
   * For an upgrade: the current ProgramData account length. Absent means a fresh deploy. A larger ELF than the
   * account holds is preceded by ExtendProgram.
   */
  existingProgramDataLength?: number;
  /** Room left for later upgrades in a fresh deploy; defaults to twice the ELF. */
  maxDataLen?: number;
}

export function programDeploySteps(input: DeployPlanInput): DeployStep[] {
  const { elf, payer, buffer } = input;
  const programId = "publicKey" in input.program ? input.program.publicKey : input.program;
  const bufferSize = BUFFER_HEADER_SIZE + elf.length;
  const steps: DeployStep[] = [
    {
      label: "create buffer",
      kind: "setup",
      signers: [buffer],
      instructions: [
        SystemProgram.createAccount({
          fromPubkey: payer,
          newAccountPubkey: buffer.publicKey,
          space: bufferSize,
          lamports: input.rentExempt(bufferSize),
          programId: BPF_LOADER_UPGRADEABLE_ID,
        }),
        initializeBufferInstruction(buffer.publicKey, payer),
      ],
    },
    ...writeChunks(elf).map((chunk): DeployStep => ({
      label: `write bytes ${chunk.offset}..${chunk.offset + chunk.bytes.length} of ${elf.length}`,
      kind: "write",
      signers: [],
      instructions: [writeInstruction(buffer.publicKey, payer, chunk.offset, chunk.bytes)],
    })),
  ];

  if (input.existingProgramDataLength === undefined) {
    if (!("publicKey" in input.program)) throw new TypeError("a fresh deploy needs the program keypair to sign");
    steps.push({
      label: "deploy",
      kind: "finish",
      signers: [input.program],
      instructions: [
        SystemProgram.createAccount({
          fromPubkey: payer,
          newAccountPubkey: programId,
          space: PROGRAM_ACCOUNT_SIZE,
          lamports: input.rentExempt(PROGRAM_ACCOUNT_SIZE),
          programId: BPF_LOADER_UPGRADEABLE_ID,
        }),
        deployWithMaxDataLenInstruction({
          payer,
          programId,
          buffer: buffer.publicKey,
          upgradeAuthority: payer,
          maxDataLen: input.maxDataLen ?? elf.length * 2,
        }),
      ],
    });
    return steps;
  }

  const shortfall = PROGRAMDATA_HEADER_SIZE + elf.length - input.existingProgramDataLength;
  if (shortfall > 0) {
    // Extending counts as a deploy in that slot, and an upgrade must come in a later one: the executor waits
    // for a new slot between setup and finish.
    const additionalBytes = Math.max(shortfall, MIN_EXTEND_BYTES);
    steps.unshift({
      label: `extend program data by ${additionalBytes} bytes`,
      kind: "setup",
      signers: [],
      instructions: [extendProgramInstruction({ programId, payer, additionalBytes })],
    });
  }
  steps.push({
    label: "upgrade",
    kind: "finish",
    signers: [],
    instructions: [upgradeInstruction({ programId, buffer: buffer.publicKey, spill: payer, upgradeAuthority: payer })],
  });
  return steps;
}
