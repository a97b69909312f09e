import type { ConcordErrorCode, ConcordErrorContext } from "../../sdk/errors/concordError";
import { ConcordError } from "../../sdk/errors/concordError";
import * as codes from "../../sdk/errors/codes";

/** JSON-RPC 2.0 error codes, plus the ones Solana's validator uses for transactions. */
const JSON_RPC_CODE: Partial<Record<ConcordErrorCode, number>> = {
  [codes.CONCORD_ERROR__RPC__MALFORMED_JSON]: -32700,
  [codes.CONCORD_ERROR__RPC__INVALID_REQUEST]: -32600,
  [codes.CONCORD_ERROR__RPC__REQUEST_TOO_LARGE]: -32600,
  [codes.CONCORD_ERROR__RPC__METHOD_NOT_FOUND]: -32601,
  [codes.CONCORD_ERROR__RPC__INVALID_PARAMS]: -32602,
  [codes.CONCORD_ERROR__RPC__MALFORMED_TRANSACTION]: -32602,
  [codes.CONCORD_ERROR__RPC__AIRDROP_TOO_LARGE]: -32602,
  [codes.CONCORD_ERROR__RPC__TRANSACTION_SIMULATION_FAILED]: -32002,
  [codes.CONCORD_ERROR__RPC__TRANSACTION_REJECTED]: -32002,
  [codes.CONCORD_ERROR__RPC__SIGNATURE_VERIFICATION_FAILED]: -32003,
};

/** A ConcordError that also carries what JSON-RPC puts in `error.code` and `error.data`. */
export class RpcError extends ConcordError {
  readonly rpcCode: number;

  constructor(
    code: ConcordErrorCode,
    context: ConcordErrorContext = {},
    readonly data?: unknown,
  ) {
    super(code, context);
    this.rpcCode = JSON_RPC_CODE[code] ?? -32603;
  }
}

export const invalidParams = (reason: string) => new RpcError(codes.CONCORD_ERROR__RPC__INVALID_PARAMS, { reason });
