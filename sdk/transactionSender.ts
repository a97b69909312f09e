// The one way Concord sends a transaction, on any cluster: sign with a fresh blockhash, send with preflight, wait for
// the commitment (bounded), and say what happened with a typed error. A blockhash that expires before the transaction
// lands is replaced and the transaction sent again, up to maxAttempts.
//
// Identical instructions signed by the same keys under one blockhash are one transaction (one signature): the
// cluster drops the second as already processed, so two ticks or two transfers would silently become one. The
// sender remembers what it signed under each blockhash still valid and, only when a message would repeat one, waits
// for the next blockhash. So a transaction the cluster calls already processed is this very one, landed (sent again
// after its answer was lost to an RPC node that died mid-request, see rpcConnection.ts; or sent by another process
// with this payer, which signed the same bytes): it is confirmed, never signed anew, so it cannot land twice.
import type {
  BlockhashWithExpiryBlockHeight,
  Commitment,
  Connection,
  Keypair,
  Signer,
  TransactionInstruction,
} from "@solana/web3.js";
import { SendTransactionError, Transaction } from "@solana/web3.js";
import { utils } from "@coral-xyz/anchor";
import { coordinatorErrorName } from "./coordinatorErrors";
import * as codes from "./errors/codes";
import { ConcordError, isConcordError } from "./errors/concordError";
import { rpcFailed } from "./errors/rpcFailed";
import { confirmSignature } from "./signatureConfirmation";
import type { TransactionErrorJson } from "./transactionError";
import { customErrorCode, instructionError, preflightProgramError } from "./transactionError";

export { programErrorCode } from "./transactionError";

export interface TransactionSenderOptions {
  commitment?: Commitment; // default "confirmed"
  /** longest wait for one send's confirmation; the bytes are sent again, or a typed error thrown after maxAttempts */
  confirmTimeoutMs?: number; // default 30_000
  /** attempts with a fresh blockhash when the previous one expired before landing, and sends of one signed transaction */
  maxAttempts?: number; // default 3
}

/** A blockhash is usable for 150 blocks after the one it names (MAX_PROCESSING_AGE); see forgetExpired. */
const MAX_PROCESSING_AGE = 150;
/** How often to look for the next blockhash while a message would repeat one already sent (a slot is ~400 ms). */
const NEXT_BLOCKHASH_POLL_MS = 100;

const PREFLIGHT_EXPIRED = /Blockhash not found|BlockhashNotFound/;
const PREFLIGHT_ALREADY_PROCESSED = /AlreadyProcessed|already been processed/;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function programError(code: number, instruction: number, outcome: string, signature?: string, cause?: unknown) {
  return new ConcordError(
    codes.CONCORD_ERROR__TRANSACTION__PROGRAM_ERROR,
    { code, name: coordinatorErrorName(code) ?? "not a coordinator error", instruction, outcome, signature },
    { cause },
  );
}

/** The typed error for a transaction that landed with `err` (its fee paid, nothing else changed). */
function landedFailure(err: TransactionErrorJson, signature: string): ConcordError {
  const outcome = `landed failed as ${signature}`;
  const code = customErrorCode(err);
  if (code !== undefined) return programError(code, instructionError(err)![0], outcome, signature);
  return new ConcordError(codes.CONCORD_ERROR__TRANSACTION__FAILED, { err: JSON.stringify(err), outcome, signature });
}

export class TransactionSender {
  private readonly commitment: Commitment;
  private readonly confirmTimeoutMs: number;
  private readonly maxAttempts: number;
  /** Signatures this sender has sent, with the last block height their blockhash is valid for. */
  private readonly sent = new Map<string, number>();

  constructor(
    readonly connection: Connection,
    readonly payer: Keypair,
    options: TransactionSenderOptions = {},
  ) {
    this.commitment = options.commitment ?? "confirmed";
    this.confirmTimeoutMs = options.confirmTimeoutMs ?? 30_000;
    this.maxAttempts = options.maxAttempts ?? 3;
  }

  /** Sends the instructions as one transaction (fee payer = payer, plus extra signers), waits for the commitment; resends with a fresh blockhash when the blockhash expires; resolves to the signature. Throws a ConcordError on failure. */
  async send(instructions: TransactionInstruction[], extraSigners: Signer[] = []): Promise<string> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const { tx, blockhash, signature } = await this.signUnique(instructions, extraSigners);
      const outcome = await this.sendAndConfirm(tx, blockhash, signature);
      if (outcome === "expired") continue;
      if (outcome.err !== null) throw landedFailure(outcome.err, signature);
      return signature;
    }
    throw new ConcordError(codes.CONCORD_ERROR__TRANSACTION__BLOCKHASH_EXPIRED, {
      attempts: this.maxAttempts,
      reason: "blockhash expired",
    });
  }

  /** Signs under the latest blockhash, waiting for the next one while the message would repeat one already sent. */
  private async signUnique(instructions: TransactionInstruction[], signers: Signer[]) {
    const started = Date.now();
    for (;;) {
      let blockhash: BlockhashWithExpiryBlockHeight;
      try {
        blockhash = await this.connection.getLatestBlockhash(this.commitment);
      } catch (e) {
        throw rpcFailed("getLatestBlockhash", e);
      }
      this.forgetExpired(blockhash.lastValidBlockHeight);
      const tx = new Transaction({ ...blockhash, feePayer: this.payer.publicKey }).add(...instructions);
      tx.sign(this.payer, ...signers);
      const signature = utils.bytes.bs58.encode(tx.signature!);
      // Recorded before any await, so concurrent sends of one message cannot both pass this check.
      if (!this.sent.has(signature)) {
        this.sent.set(signature, blockhash.lastValidBlockHeight);
        return { tx, blockhash, signature };
      }
      if (Date.now() - started > this.confirmTimeoutMs)
        throw rpcFailed("getLatestBlockhash", `the blockhash has not changed in ${this.confirmTimeoutMs} ms`);
      await sleep(NEXT_BLOCKHASH_POLL_MS);
    }
  }

  /** Drops signatures whose blockhash expired before the newest one's window began: no message can repeat them. */
  private forgetExpired(newestLastValid: number): void {
    for (const [signature, lastValid] of this.sent)
      if (lastValid < newestLastValid - MAX_PROCESSING_AGE) this.sent.delete(signature);
  }

  /**
   * Sends the signed bytes and waits for them; a confirmation that times out with the transaction nowhere on the
   * chain and its blockhash still valid means it was dropped on the way (an RPC node or leader that restarted), so
   * the same bytes go again, which can land at most once: up to maxAttempts sends before CONFIRMATION_TIMEOUT.
   */
  private async sendAndConfirm(tx: Transaction, blockhash: BlockhashWithExpiryBlockHeight, signature: string) {
    const wire = tx.serialize();
    for (let sends = 1; ; sends++) {
      if ((await this.sendOnce(wire)) === "expired") return "expired" as const;
      try {
        return await confirmSignature(this.connection, signature, blockhash, {
          commitment: this.commitment,
          timeoutMs: this.confirmTimeoutMs,
        });
      } catch (e) {
        if (!isConcordError(e, codes.CONCORD_ERROR__TRANSACTION__CONFIRMATION_TIMEOUT) || sends >= this.maxAttempts)
          throw e;
      }
    }
  }

  /** Sends the bytes with preflight: "expired" when their blockhash is, "sent" when taken or landed already. */
  private async sendOnce(wire: Buffer): Promise<"expired" | "sent"> {
    try {
      await this.connection.sendRawTransaction(wire, { preflightCommitment: this.commitment });
    } catch (e) {
      if (!(e instanceof SendTransactionError)) throw rpcFailed("sendTransaction", e);
      const message = e.transactionError.message ?? e.message;
      if (PREFLIGHT_EXPIRED.test(message)) return "expired";
      // Landed already (see the header): what remains is to confirm it
      if (PREFLIGHT_ALREADY_PROCESSED.test(message)) return "sent";
      const failed = preflightProgramError(e);
      if (failed) throw programError(failed.code, failed.instruction, "refused at preflight", undefined, e);
      throw new ConcordError(
        codes.CONCORD_ERROR__TRANSACTION__FAILED,
        { err: message, outcome: "refused at preflight" },
        { cause: e },
      );
    }
    return "sent";
  }
}
