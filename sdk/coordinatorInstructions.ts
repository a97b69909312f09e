// Instruction builders for every coordinator instruction, with all accounts derived: what the trainer, CLI,
// crank and tests send. Each returns web3.js instructions built by the typed Anchor client.
import { BN } from "@coral-xyz/anchor";
import type { PublicKey, TransactionInstruction } from "@solana/web3.js";
import { SystemProgram } from "@solana/web3.js";
import { ACCOUNT_SIZES, MAX_ALLOCATION_PER_INSTRUCTION } from "./coordinatorAccounts";
import type { RunConfig } from "./coordinatorAccounts";
import {
  findChallengeAddress,
  findEpochReceiptsAddress,
  findMemberAddress,
  findRunAddress,
  findVaultAddress,
} from "./coordinatorPdas";
import type { CoordinatorProgram } from "./coordinatorProgram";

const bn = (v: bigint | number) => new BN(v.toString());
const systemProgram = SystemProgram.programId;

/** extend_run calls a new run needs after initialize_run. */
export const RUN_EXTENSIONS = Math.ceil(
  (ACCOUNT_SIZES.run - MAX_ALLOCATION_PER_INSTRUCTION) / MAX_ALLOCATION_PER_INSTRUCTION,
);

/** The addresses of a run and its vault. */
export function runAddresses(
  program: CoordinatorProgram,
  runId: bigint | number,
): { run: PublicKey; vault: PublicKey } {
  const [run] = findRunAddress(runId, program.programId);
  return { run, vault: findVaultAddress(run, program.programId)[0] };
}

/** initialize_run followed by the extend_run calls that give the run its full size: one transaction. */
export async function createRunInstructions(
  program: CoordinatorProgram,
  p: { authority: PublicKey; runId: bigint | number; config: RunConfig },
): Promise<TransactionInstruction[]> {
  const { run, vault } = runAddresses(program, p.runId);
  const init = await program.methods
    .initializeRun(bn(p.runId), p.config)
    .accountsStrict({ authority: p.authority, run, vault, systemProgram })
    .instruction();
  const extend = await program.methods.extendRun().accountsStrict({ run }).instruction();
  return [init, ...Array.from({ length: RUN_EXTENSIONS }, () => extend)];
}

export function tickInstruction(program: CoordinatorProgram, run: PublicKey): Promise<TransactionInstruction> {
  return program.methods.tick().accountsStrict({ run }).instruction();
}

type AuthorityAction = "pause" | "resume" | "finish";
export function authorityInstruction(
  program: CoordinatorProgram,
  action: AuthorityAction,
  p: { run: PublicKey; authority: PublicKey },
): Promise<TransactionInstruction> {
  return program.methods[action]().accountsStrict({ authority: p.authority, run: p.run }).instruction();
}

export function updateConfigInstruction(
  program: CoordinatorProgram,
  p: { run: PublicKey; authority: PublicKey; config: RunConfig },
): Promise<TransactionInstruction> {
  return program.methods.updateConfig(p.config).accountsStrict({ authority: p.authority, run: p.run }).instruction();
}

export function checkpointInstruction(
  program: CoordinatorProgram,
  p: { run: PublicKey; authority: PublicKey; epoch: bigint | number; hash: Uint8Array; uri: string },
): Promise<TransactionInstruction> {
  return program.methods
    .checkpoint(bn(p.epoch), Array.from(p.hash), p.uri)
    .accountsStrict({ authority: p.authority, run: p.run })
    .instruction();
}

export function fundInstruction(
  program: CoordinatorProgram,
  p: { run: PublicKey; funder: PublicKey; amount: bigint | number },
): Promise<TransactionInstruction> {
  const vault = findVaultAddress(p.run, program.programId)[0];
  return program.methods
    .fund(bn(p.amount))
    .accountsStrict({ funder: p.funder, run: p.run, vault, systemProgram })
    .instruction();
}

export function joinInstruction(
  program: CoordinatorProgram,
  p: { run: PublicKey; member: PublicKey; endpoint: string; stake: bigint | number },
): Promise<TransactionInstruction> {
  return program.methods
    .join(p.endpoint, bn(p.stake))
    .accountsStrict({
      member: p.member,
      run: p.run,
      vault: findVaultAddress(p.run, program.programId)[0],
      memberAccount: findMemberAddress(p.run, p.member, program.programId)[0],
      systemProgram,
    })
    .instruction();
}

export function leaveInstruction(
  program: CoordinatorProgram,
  p: { run: PublicKey; member: PublicKey },
): Promise<TransactionInstruction> {
  return program.methods
    .leave()
    .accountsStrict({
      member: p.member,
      run: p.run,
      memberAccount: findMemberAddress(p.run, p.member, program.programId)[0],
    })
    .instruction();
}

/** withdraw and claim take the same accounts. */
export function memberPayoutInstruction(
  program: CoordinatorProgram,
  action: "withdraw" | "claim",
  p: { run: PublicKey; member: PublicKey },
): Promise<TransactionInstruction> {
  return program.methods[action]()
    .accountsStrict({
      member: p.member,
      run: p.run,
      vault: findVaultAddress(p.run, program.programId)[0],
      memberAccount: findMemberAddress(p.run, p.member, program.programId)[0],
    })
    .instruction();
}

export function commitInstruction(
  program: CoordinatorProgram,
  p: {
    run: PublicKey;
    member: PublicKey;
    epoch: bigint | number;
    step: bigint | number;
    hash: Uint8Array;
    size: number;
    loss: number;
  },
): Promise<TransactionInstruction> {
  return program.methods
    .commit(bn(p.step), Array.from(p.hash), p.size, p.loss)
    .accountsStrict({
      member: p.member,
      run: p.run,
      receipts: findEpochReceiptsAddress(p.run, p.member, p.epoch, program.programId)[0],
      systemProgram,
    })
    .instruction();
}

/** A member bitmap: bit i (byte i/8, bit i%8) for every slot listed. */
export function memberBitmap(slots: Iterable<number>): number[] {
  const bitmap = new Array<number>(32).fill(0);
  for (const slot of slots) bitmap[slot >> 3] |= 1 << (slot & 7);
  return bitmap;
}

export function witnessInstruction(
  program: CoordinatorProgram,
  p: { run: PublicKey; witness: PublicKey; step: bigint | number; bitmap: number[]; paramsHash?: Uint8Array },
): Promise<TransactionInstruction> {
  return program.methods
    .witness(bn(p.step), p.bitmap, p.paramsHash ? Array.from(p.paramsHash) : null)
    .accountsStrict({ witness: p.witness, run: p.run })
    .instruction();
}

export function challengeInstruction(
  program: CoordinatorProgram,
  p: {
    run: PublicKey;
    challenger: PublicKey;
    member: PublicKey;
    epoch: bigint | number;
    step: bigint | number;
    evidenceHash: Uint8Array;
  },
): Promise<TransactionInstruction> {
  return program.methods
    .challenge(p.member, bn(p.step), Array.from(p.evidenceHash))
    .accountsStrict({
      challenger: p.challenger,
      run: p.run,
      receipts: findEpochReceiptsAddress(p.run, p.member, p.epoch, program.programId)[0],
      challenge: findChallengeAddress(p.run, p.member, p.step, program.programId)[0],
      systemProgram,
    })
    .instruction();
}

export function resolveChallengeInstruction(
  program: CoordinatorProgram,
  p: {
    run: PublicKey;
    resolver: PublicKey;
    member: PublicKey;
    step: bigint | number;
    challenger: PublicKey;
    approve: boolean;
  },
): Promise<TransactionInstruction> {
  return program.methods
    .resolveChallenge(p.approve)
    .accountsStrict({
      resolver: p.resolver,
      run: p.run,
      vault: findVaultAddress(p.run, program.programId)[0],
      challenge: findChallengeAddress(p.run, p.member, p.step, program.programId)[0],
      memberAccount: findMemberAddress(p.run, p.member, program.programId)[0],
      challenger: p.challenger,
    })
    .instruction();
}
