import type { ConcordErrorCode } from "./concordError";
import * as codes from "./codes";

/** Human-readable messages; `$name` is replaced by the error's context value of that name. */
export const CONCORD_ERROR_MESSAGES: Record<ConcordErrorCode, string> = {
  [codes.CONCORD_ERROR__CLIENT__ACCOUNT_NOT_FOUND]: "account $address does not exist",
  [codes.CONCORD_ERROR__CLIENT__MALFORMED_ACCOUNT]: "account $address is not a valid $kind: $reason",
  [codes.CONCORD_ERROR__CLIENT__UNSUPPORTED_ACCOUNT_VERSION]:
    "account $address is a $kind of layout version $version; this client reads version $expected",
  [codes.CONCORD_ERROR__CLIENT__INVALID_RUN_CONFIG]: "invalid run configuration: $rule",
  [codes.CONCORD_ERROR__CLIENT__UNSUPPORTED_IDL_TYPE]: "IDL type $type has no fixed size ($reason)",
  [codes.CONCORD_ERROR__CLIENT__VALUE_OUT_OF_RANGE]: "$name = $value is out of range: $range",
  [codes.CONCORD_ERROR__RPC__MALFORMED_JSON]: "parse error: the request body is not valid JSON",
  [codes.CONCORD_ERROR__RPC__INVALID_REQUEST]: "invalid request: $reason",
  [codes.CONCORD_ERROR__RPC__METHOD_NOT_FOUND]: "method not found: $method",
  [codes.CONCORD_ERROR__RPC__INVALID_PARAMS]: "invalid params: $reason",
  [codes.CONCORD_ERROR__RPC__REQUEST_TOO_LARGE]: "request body too large: $size bytes (limit $limit)",
  [codes.CONCORD_ERROR__RPC__TRANSACTION_SIMULATION_FAILED]: "Transaction simulation failed: $reason",
  [codes.CONCORD_ERROR__RPC__SIGNATURE_VERIFICATION_FAILED]: "Transaction signature verification failure",
  [codes.CONCORD_ERROR__RPC__AIRDROP_TOO_LARGE]: "airdrop of $lamports lamports exceeds the faucet limit of $limit",
  [codes.CONCORD_ERROR__RPC__MALFORMED_TRANSACTION]: "failed to deserialize the transaction: $reason",
  [codes.CONCORD_ERROR__RPC__TRANSACTION_REJECTED]: "transaction rejected: $reason",
  [codes.CONCORD_ERROR__LOCALNET__MALFORMED_STATE]: "local chain state in $dir is unreadable: $reason",
  [codes.CONCORD_ERROR__RPC__RPC_ERROR_RESPONSE]: "$url answered $method with error $rpcCode: $reason",
};
