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
  [codes.CONCORD_ERROR__CLIENT__INVALID_ADDRESS]: '$what "$value" is not a base58 public key',
  [codes.CONCORD_ERROR__CLIENT__KEYPAIR_NOT_FOUND]: "keypair file $path not found (pass --keypair)",
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
  [codes.CONCORD_ERROR__CODEC__MALFORMED_UPDATE]: "update bytes are malformed: $reason",
  [codes.CONCORD_ERROR__CODEC__UNSUPPORTED_VERSION]:
    "update version $version is not supported (this code reads $supported)",
  [codes.CONCORD_ERROR__CODEC__UPDATE_TOO_LARGE]: "update exceeds a size limit: $reason",
  [codes.CONCORD_ERROR__CODEC__INVALID_SHAPE]: "tensor $tensor has an invalid shape or chunking: $reason",
  [codes.CONCORD_ERROR__CODEC__INVALID_INDEX]:
    "tensor $tensor, chunk $chunk: index $index is out of range or not increasing",
  [codes.CONCORD_ERROR__CODEC__INVALID_VALUE]:
    "tensor $tensor, entry $entry: value $value is not a finite $format value",
  [codes.CONCORD_ERROR__CODEC__LAYOUT_MISMATCH]: "update does not match the expected layout: $reason",
  [codes.CONCORD_ERROR__CODEC__NONCANONICAL]: "update bytes are not in canonical form: $reason",
  [codes.CONCORD_ERROR__CODEC__MALFORMED_RECEIPT_METADATA]: "receipt metadata is malformed: $reason",
  [codes.CONCORD_ERROR__CODEC__RECEIPT_METADATA_MISMATCH]: "receipt metadata does not match the receipt: $reason",
  [codes.CONCORD_ERROR__DATASET__MALFORMED_MANIFEST]: "dataset manifest is malformed: $reason",
  [codes.CONCORD_ERROR__DATASET__SHARD_HASH_MISMATCH]: "shard $shard has sha256 $actual, the manifest says $expected",
  [codes.CONCORD_ERROR__DATASET__MALFORMED_SHARD]: "shard $shard is malformed: $reason",
  [codes.CONCORD_ERROR__DATASET__BATCH_OUT_OF_RANGE]: "batch request out of range: $reason",
  [codes.CONCORD_ERROR__DATASET__UNKNOWN_TOKEN]: "the $tokenizer tokenizer cannot encode $what",
  [codes.CONCORD_ERROR__DATASET__INVALID_SPEC]: "invalid dataset request: $reason",
  [codes.CONCORD_ERROR__DATASET__SOURCE_NOT_FOUND]: "dataset source not found: $path",
  [codes.CONCORD_ERROR__DATASET__DATASET_HASH_MISMATCH]: "dataset hash is $actual, the run expects $expected",
  [codes.CONCORD_ERROR__PEER__MALFORMED_MESSAGE]: "peer message is malformed: $reason",
  [codes.CONCORD_ERROR__PEER__MESSAGE_TOO_LARGE]: "peer message is $size bytes (limit $limit)",
  [codes.CONCORD_ERROR__PEER__UNSUPPORTED_VERSION]:
    "peer message version $version is not supported (this code speaks $supported)",
  [codes.CONCORD_ERROR__PEER__INVALID_FIELD]: "peer $kind message: field $field $reason",
  [codes.CONCORD_ERROR__PEER__BAD_SIGNATURE]: "peer $kind message from $member has a bad signature",
  [codes.CONCORD_ERROR__TRAINER__INVALID_CONFIG]: "invalid $what configuration: $reason",
  [codes.CONCORD_ERROR__TRAINER__NON_FINITE]: "non-finite $what: $reason",
  [codes.CONCORD_ERROR__TRAINER__BACKEND_UNAVAILABLE]: "no tfjs backend could be started: $reason",
  [codes.CONCORD_ERROR__TRAINER__NATIVE_ARGUMENT]: "native kernel call rejected: $reason",
  [codes.CONCORD_ERROR__TRAINER__WASM_INTERNALS_CHANGED]:
    "the tfjs wasm backend differs from the one the native kernels were written for: $reason",
  [codes.CONCORD_ERROR__TRANSACTION__PROGRAM_ERROR]:
    "instruction $instruction failed with custom program error $code ($name); $outcome",
  [codes.CONCORD_ERROR__TRANSACTION__FAILED]: "transaction failed: $err; $outcome",
  [codes.CONCORD_ERROR__TRANSACTION__BLOCKHASH_EXPIRED]:
    "transaction did not land in $attempts attempts, each under a fresh blockhash (last: $reason)",
  [codes.CONCORD_ERROR__TRANSACTION__CONFIRMATION_TIMEOUT]:
    "transaction $signature was not $commitment within $timeoutMs ms",
  [codes.CONCORD_ERROR__TRANSACTION__RPC_FAILED]: "$method failed: $reason",
};
