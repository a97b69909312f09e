// A transaction's error in the JSON form Solana's RPC reports it (serde's externally tagged enum, e.g.
// `{"InstructionError":[0,{"Custom":101}]}`), and the custom program error code a failure carries, wherever it shows
// up: a landed transaction's status, a refused preflight (web3.js keeps only its message), or a TransactionSender error.
import { SendTransactionError } from "@solana/web3.js";
import * as codes from "./errors/codes";
import { isConcordError } from "./errors/concordError";

export type TransactionErrorJson = string | number | { [variant: string]: unknown } | unknown[];

/** The failing instruction's index and its error when `err` is an InstructionError; undefined for any other error. */
export function instructionError(err: unknown): [index: number, error: unknown] | undefined {
  if (typeof err !== "object" || err === null || Array.isArray(err) || !("InstructionError" in err)) return undefined;
  return (err as { InstructionError: [number, unknown] }).InstructionError;
}

/** The program's own error code when `err` is `{ InstructionError: [i, { Custom: code }] }`. */
export function customErrorCode(err: unknown): number | undefined {
  const inner = instructionError(err)?.[1];
  return typeof inner === "object" && inner !== null && "Custom" in inner
    ? Number((inner as { Custom: unknown }).Custom)
    : undefined;
}

/**
 * The instruction and custom code in a refused preflight's message. Validators (and the local chain) phrase a
 * custom error as `Error processing Instruction <i>: custom program error: 0x<code>`; web3.js keeps only that text.
 */
export function preflightProgramError(e: SendTransactionError): { instruction: number; code: number } | undefined {
  const m = /Instruction (\d+): custom program error: 0x([0-9a-f]+)/i.exec(e.transactionError.message ?? e.message);
  return m ? { instruction: Number(m[1]), code: parseInt(m[2], 16) } : undefined;
}

/** The custom program error code carried by an error from send() / SendTransactionError / a transaction error JSON value; undefined when there is none. */
export function programErrorCode(e: unknown): number | undefined {
  if (isConcordError(e, codes.CONCORD_ERROR__TRANSACTION__PROGRAM_ERROR)) return Number(e.context.code);
  if (e instanceof SendTransactionError) return preflightProgramError(e)?.code;
  return customErrorCode(e);
}
