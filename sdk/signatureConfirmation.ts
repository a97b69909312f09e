// Waiting for a sent transaction, bounded: web3.js's confirmTransaction waits on a websocket notification until the
// blockhash expires (150 slots, a minute or more), so a lost notification or a stalled cluster costs that minute.
// Here the wait is capped, and before any "not landed" verdict the signature's status is asked once over HTTP.
import type { BlockhashWithExpiryBlockHeight, Commitment, Connection, SignatureStatus } from "@solana/web3.js";
import { TransactionExpiredBlockheightExceededError } from "@solana/web3.js";
import * as codes from "./errors/codes";
import { ConcordError } from "./errors/concordError";
import { rpcFailed } from "./errors/rpcFailed";
import type { TransactionErrorJson } from "./transactionError";

/** A landed transaction's error (null when it succeeded), or "expired": its blockhash expired before it landed. */
export type Confirmation = { err: TransactionErrorJson | null } | "expired";

const REACHED: Record<string, readonly string[]> = {
  processed: ["processed", "confirmed", "finalized"],
  confirmed: ["confirmed", "finalized"],
  finalized: ["finalized"],
};

/** Whether a status has reached `commitment` (older validators report confirmations only: then any status counts). */
function reached(status: SignatureStatus, commitment: Commitment): boolean {
  const wanted = REACHED[commitment] ?? REACHED.finalized;
  return status.confirmationStatus === undefined || wanted.includes(status.confirmationStatus);
}

/** A transaction error as JSON-RPC reports it (a variant name or a tagged object), not an exception. */
const isErrorValue = (e: unknown): e is TransactionErrorJson =>
  typeof e === "string" || (typeof e === "object" && e !== null && !("message" in e));

/** The signature's outcome if it has landed at `commitment`, asked over HTTP; undefined when it has not. */
async function landed(connection: Connection, signature: string, commitment: Commitment) {
  let status: SignatureStatus | null;
  try {
    ({ value: status } = await connection.getSignatureStatus(signature));
  } catch (e) {
    throw rpcFailed("getSignatureStatus", e);
  }
  return status && reached(status, commitment) ? { err: status.err as TransactionErrorJson | null } : undefined;
}

/**
 * Waits until `signature` (sent under `blockhash`) reaches `commitment`, its blockhash expires, or `timeoutMs`
 * passes; throws CONFIRMATION_TIMEOUT in the last case.
 */
export async function confirmSignature(
  connection: Connection,
  signature: string,
  blockhash: BlockhashWithExpiryBlockHeight,
  options: { commitment: Commitment; timeoutMs: number },
): Promise<Confirmation> {
  const abortSignal = AbortSignal.timeout(options.timeoutMs);
  try {
    const { value } = await connection.confirmTransaction({ signature, ...blockhash, abortSignal }, options.commitment);
    return { err: value.err as TransactionErrorJson | null };
  } catch (e) {
    const expired = e instanceof TransactionExpiredBlockheightExceededError;
    if (!expired && !abortSignal.aborted) {
      // web3.js rejects with the status's bare error value when its one status check finds the transaction failed
      if (isErrorValue(e)) return { err: e };
      throw rpcFailed("confirmTransaction", e);
    }
    const outcome = await landed(connection, signature, options.commitment);
    if (outcome) return outcome;
    if (expired) return "expired";
    throw new ConcordError(codes.CONCORD_ERROR__TRANSACTION__CONFIRMATION_TIMEOUT, {
      signature,
      commitment: options.commitment,
      timeoutMs: options.timeoutMs,
    });
  }
}
