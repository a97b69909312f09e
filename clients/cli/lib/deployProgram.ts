// Deploys or upgrades a program through the upgradeable loader over JSON-RPC (any cluster, or the local chain).
// Buffer writes go out several at a time (each resent under a fresh blockhash if it expires); a failure names the
// buffer so its rent can be recovered.
import type { Connection, Keypair } from "@solana/web3.js";
import { PublicKey } from "@solana/web3.js";
import { createHash } from "node:crypto";
import { programDeploySteps } from "../../../sdk/programDeploySteps";
import { TransactionSender } from "../../../sdk/transactionSender";
import type { DeployStep } from "../../../sdk/programDeploySteps";
import {
  BPF_LOADER_UPGRADEABLE_ID,
  BUFFER_HEADER_SIZE,
  PROGRAM_ACCOUNT_SIZE,
  deployedElf,
  programDataAddress,
} from "../../../sdk/upgradeableLoader";

export interface DeployProgress {
  done: number;
  total: number;
  label: string;
}

export interface DeployResult {
  programId: PublicKey;
  upgraded: boolean;
  sha256: string;
  transactions: number;
}

const WRITE_CONCURRENCY = 8;

/** The loader refuses to touch a program again in the slot it was deployed, extended or upgraded in. */
async function waitForSlotAfter(connection: Connection, slot: number): Promise<void> {
  while ((await connection.getSlot()) <= slot) await new Promise((r) => setTimeout(r, 200));
}

export async function deployProgram(args: {
  connection: Connection;
  payer: Keypair;
  /** The program keypair (needed for a first deploy) or, for an upgrade, its id. */
  program: Keypair | PublicKey;
  elf: Buffer;
  buffer: Keypair;
  /** Room for later upgrades on a first deploy (default: twice the ELF). */
  maxDataLen?: number;
  onProgress?: (p: DeployProgress) => void;
}): Promise<DeployResult> {
  const { connection, payer, elf, buffer } = args;
  const programId = args.program instanceof PublicKey ? args.program : args.program.publicKey;
  const existing = await connection.getAccountInfo(programId);
  let existingProgramDataLength: number | undefined;
  if (existing) {
    if (!existing.owner.equals(BPF_LOADER_UPGRADEABLE_ID)) {
      throw new Error(
        `${programId.toBase58()} exists and is not an upgradeable program (owner ${existing.owner.toBase58()})`,
      );
    }
    const data = await connection.getAccountInfo(programDataAddress(programId));
    if (!data) throw new Error(`${programId.toBase58()} has no ProgramData account`);
    existingProgramDataLength = data.data.length;
    await waitForSlotAfter(connection, Number(data.data.readBigUInt64LE(4))); // ProgramData: tag u32, slot u64
  }
  const rent = new Map<number, number>();
  for (const size of [BUFFER_HEADER_SIZE + elf.length, PROGRAM_ACCOUNT_SIZE]) {
    rent.set(size, await connection.getMinimumBalanceForRentExemption(size));
  }
  const steps: DeployStep[] = programDeploySteps({
    elf,
    payer: payer.publicKey,
    program: args.program,
    buffer,
    existingProgramDataLength,
    maxDataLen: args.maxDataLen,
    rentExempt: (size) => rent.get(size)!,
  });

  const sender = new TransactionSender(connection, payer);
  let done = 0;
  const report = (label: string) => args.onProgress?.({ done: ++done, total: steps.length, label });
  const run = async (step: DeployStep) => {
    try {
      await sender.send(step.instructions, step.signers);
    } catch (e) {
      throw new Error(
        `${step.label} failed: ${(e as Error).message}\n` +
          `the buffer ${buffer.publicKey.toBase58()} holds the rent paid so far; close it with the upgradeable loader's Close instruction to recover it`,
      );
    }
    report(step.label);
  };
  for (const step of steps.filter((s) => s.kind === "setup")) await run(step);
  const setupSlot = await connection.getSlot();
  const writes = steps.filter((s) => s.kind === "write");
  for (let i = 0; i < writes.length; i += WRITE_CONCURRENCY)
    await Promise.all(writes.slice(i, i + WRITE_CONCURRENCY).map(run));
  await waitForSlotAfter(connection, setupSlot);
  for (const step of steps.filter((s) => s.kind === "finish")) await run(step);
  await waitForSlotAfter(connection, await connection.getSlot()); // callable once the deploy slot has passed

  // Check what landed: the deployed bytes must be the ELF we sent.
  const programData = await connection.getAccountInfo(programDataAddress(programId));
  const deployed = programData && deployedElf(programData.data, elf.length);
  const sha256 = createHash("sha256").update(elf).digest("hex");
  if (!deployed || !elf.equals(deployed))
    throw new Error(`the ProgramData of ${programId.toBase58()} does not hold the ELF that was sent`);
  return { programId, upgraded: existing !== null, sha256, transactions: steps.length };
}
