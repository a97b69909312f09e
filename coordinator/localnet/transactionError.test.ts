import { debugToJson, transactionErrorFromFailure } from "./transactionError";

describe("transaction errors in JSON-RPC form", () => {
  test.each([
    ["AccountNotFound", "AccountNotFound"],
    ["InstructionError(0, Custom(101))", { InstructionError: [0, { Custom: 101 }] }],
    ["InstructionError(2, InvalidArgument)", { InstructionError: [2, "InvalidArgument"] }],
    ["InsufficientFundsForRent { account_index: 1 }", { InsufficientFundsForRent: { account_index: 1 } }],
    ["DuplicateInstruction(3)", { DuplicateInstruction: 3 }],
    ['InstructionError(0, BorshIoError("bad \\"x\\""))', { InstructionError: [0, { BorshIoError: 'bad "x"' }] }],
  ])("%s", (debug, json) => {
    expect(debugToJson(debug)).toEqual(json);
  });

  test("reads the error out of a litesvm failure description and stops at its end", () => {
    const text =
      "FailedTransactionMetadata(FailedTransactionMetadata { err: InstructionError(0, Custom(6000)), meta: " +
      'TransactionMetadata { signature: 4RYH, logs: ["Program log: x"], fee: 5000 } })';
    expect(transactionErrorFromFailure(text)).toEqual({ InstructionError: [0, { Custom: 6000 }] });
  });
});
