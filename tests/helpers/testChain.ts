// A litesvm chain for tests, driven with @solana/web3.js 1.x transactions. litesvm 1.5 speaks @solana/kit types, so
// each transaction crosses as wire bytes: web3 Transaction -> serialize() -> kit getTransactionDecoder().
import { getTransactionDecoder, address } from "@solana/kit";
import type { Address } from "@solana/kit";
import type { Signer, TransactionInstruction } from "@solana/web3.js";
import { Keypair, LAMPORTS_PER_SOL, PublicKey, Transaction } from "@solana/web3.js";
import { Clock, FailedTransactionMetadata, LiteSVM } from "litesvm";
import type { TransactionMetadata } from "litesvm";
import { createPrivateKey, sign as cryptoSign } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { COORDINATOR_PROGRAM_ID } from "../../sdk/coordinatorProgram";
import { programDeploySteps } from "../../sdk/programDeploySteps";

export const PROGRAM_SO = join(__dirname, "..", "..", "target", "deploy", "coordinator.so");
export const PROGRAM_ID = COORDINATOR_PROGRAM_ID;

export const toAddress = (key: PublicKey): Address => address(key.toBase58());

export interface TxResult {
  ok: boolean;
  logs: string[];
  computeUnits: number;
  /** litesvm's description of the failure, e.g. "... InstructionError(0, Custom(6000))". */
  error?: string;
  /** The custom program error code when the failure is Custom(n). */
  customError?: number;
  returnData?: Buffer;
}

const transactionDecoder = getTransactionDecoder();
const signingKeys = new Map<string, KeyObject>();
/** PKCS#8 DER prefix of an Ed25519 private key, followed by its 32-byte seed. */
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

function nativeSign(signer: Signer, message: Buffer): Buffer {
  const id = signer.publicKey.toBase58();
  let key = signingKeys.get(id);
  if (!key) {
    const seed = Buffer.from(signer.secretKey.subarray(0, 32));
    key = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
    signingKeys.set(id, key);
  }
  return cryptoSign(null, message, key);
}

/** Deterministic keys keep PDA bumps, and so compute units, stable across runs. */
export const seededKeypair = (n: number) => Keypair.fromSeed(new Uint8Array(32).fill(n));

function toResult(res: TransactionMetadata | FailedTransactionMetadata): TxResult {
  if (res instanceof FailedTransactionMetadata) {
    const meta = res.meta();
    const error = res.toString();
    const custom = /Custom\((\d+)\)/.exec(error);
    return {
      ok: false,
      logs: meta.logs(),
      computeUnits: Number(meta.computeUnitsConsumed()),
      error,
      customError: custom ? Number(custom[1]) : undefined,
    };
  }
  const returned = res.returnData().data();
  return {
    ok: true,
    logs: res.logs(),
    computeUnits: Number(res.computeUnitsConsumed()),
    returnData: returned.length ? Buffer.from(returned) : undefined,
  };
}

export class TestChain {
  readonly svm: LiteSVM;
  readonly payer: Keypair;

  constructor(options: { payer?: Keypair; program?: "add" | "none" } = {}) {
    this.svm = new LiteSVM();
    this.payer = options.payer ?? seededKeypair(200);
    this.airdrop(this.payer.publicKey, 1000 * LAMPORTS_PER_SOL);
    if ((options.program ?? "add") === "add") this.svm.addProgram(toAddress(PROGRAM_ID), readFileSync(PROGRAM_SO));
  }

  airdrop(to: PublicKey, lamports: number | bigint): void {
    const res = this.svm.airdrop(toAddress(to), BigInt(lamports) as never);
    if (res instanceof FailedTransactionMetadata) throw new Error(`airdrop failed: ${res.toString()}`);
  }

  /** Sends one transaction (fee payer = first signer) and expires the blockhash so an identical one can follow. */
  send(instructions: TransactionInstruction[], signers: Signer[] = [this.payer]): TxResult {
    const tx = new Transaction();
    tx.recentBlockhash = this.svm.latestBlockhash();
    tx.feePayer = signers[0].publicKey;
    tx.add(...instructions);
    // Node's native ed25519 signs ~40x faster than web3.js's JS one; litesvm verifies every signature anyway.
    const message = tx.serializeMessage();
    for (const signer of signers) tx.addSignature(signer.publicKey, nativeSign(signer, message));
    const wire = tx.serialize({ verifySignatures: false });
    const result = toResult(this.svm.sendTransaction(transactionDecoder.decode(wire) as never));
    this.svm.expireBlockhash();
    return result;
  }

  account(key: PublicKey): { data: Buffer; owner: PublicKey; lamports: bigint; executable: boolean } | null {
    const a = this.svm.getAccount(toAddress(key));
    if (!a.exists) return null;
    return {
      data: Buffer.from(a.data),
      owner: new PublicKey(a.programAddress),
      lamports: BigInt(a.lamports),
      executable: a.executable,
    };
  }

  /** Writes an account as-is, bypassing the runtime: forged accounts for attack tests. */
  putAccount(key: PublicKey, account: { data: Uint8Array; owner: PublicKey; lamports: bigint }): void {
    this.svm.setAccount({
      address: toAddress(key),
      data: account.data,
      executable: false,
      lamports: account.lamports as never,
      programAddress: toAddress(account.owner),
      space: BigInt(account.data.length),
    });
  }

  /** Moves the Clock sysvar; the program reads time only from it. */
  setClock(unixTimestamp: bigint, slot?: bigint): void {
    const c = this.svm.getClock();
    this.svm.setClock(new Clock(slot ?? c.slot, c.epochStartTimestamp, c.epoch, c.leaderScheduleEpoch, unixTimestamp));
  }

  nextSlot(): void {
    this.svm.warpToSlot(this.svm.getClock().slot + 1n);
  }

  /**
   * Deploys an ELF through the real upgradeable loader (InitializeBuffer, Write, DeployWithMaxDataLen), which runs
   * the strict deploy-time ELF checks that addProgram skips. Returns the failed step's result on failure.
   */
  deploy(
    elf: Buffer,
    programKeypair = Keypair.generate(),
  ): { ok: true; programId: PublicKey } | { ok: false; step: string; result: TxResult } {
    const steps = programDeploySteps({
      elf,
      payer: this.payer.publicKey,
      program: programKeypair,
      buffer: Keypair.generate(),
      rentExempt: (n) => Number(this.svm.minimumBalanceForRentExemption(BigInt(n))),
    });
    for (const step of steps) {
      const r = this.send(step.instructions, [this.payer, ...step.signers]);
      if (!r.ok) return { ok: false, step: step.label, result: r };
    }
    this.nextSlot(); // a deployed program becomes callable in the next slot
    return { ok: true, programId: programKeypair.publicKey };
  }
}
