import { SendTransactionError } from "@solana/web3.js";
import * as codes from "./errors/codes";
import { ConcordError } from "./errors/concordError";
import { customErrorCode, instructionError, programErrorCode } from "./transactionError";

describe("transaction errors", () => {
  test("instructionError and customErrorCode read an InstructionError and nothing else", () => {
    expect(instructionError({ InstructionError: [1, { Custom: 6025 }] })).toEqual([1, { Custom: 6025 }]);
    expect(customErrorCode({ InstructionError: [1, { Custom: 6025 }] })).toBe(6025);
    expect(customErrorCode({ InstructionError: [0, "InvalidArgument"] })).toBeUndefined();
    for (const other of ["AccountNotFound", { InsufficientFundsForRent: { account_index: 1 } }, null, [1, 2]]) {
      expect(instructionError(other)).toBeUndefined();
      expect(customErrorCode(other)).toBeUndefined();
    }
  });

  test("programErrorCode reads a refused preflight, a landed error, and the sender's typed error", () => {
    const preflight = new SendTransactionError({
      action: "simulate",
      signature: "",
      transactionMessage: "Transaction simulation failed: Error processing Instruction 1: custom program error: 0x1771",
      logs: [],
    });
    expect(programErrorCode(preflight)).toBe(0x1771);
    expect(programErrorCode({ InstructionError: [0, { Custom: 7 }] })).toBe(7);
    const typed = new ConcordError(codes.CONCORD_ERROR__TRANSACTION__PROGRAM_ERROR, { code: 6003, instruction: 0 });
    expect(programErrorCode(typed)).toBe(6003);
    for (const none of [
      new SendTransactionError({ action: "simulate", signature: "", transactionMessage: "Blockhash not found" }),
      new ConcordError(codes.CONCORD_ERROR__TRANSACTION__FAILED, { err: '"AccountNotFound"' }),
      new Error("custom program error: 0x1"),
      undefined,
    ])
      expect(programErrorCode(none)).toBeUndefined();
  });
});
