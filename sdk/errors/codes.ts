// Every error Concord's TypeScript raises has one of these codes. Append only: never renumber, remove or reuse a
// code; clients match on them. Blocks by domain, names CONCORD_ERROR__<DOMAIN>__<CONDITION>, with the prefixes
// MALFORMED_ (bytes that do not parse), INVALID_ (parsed but not allowed), ..._MISMATCH (two things that must agree),
// ..._TOO_LARGE / _OUT_OF_RANGE (limits).
//
//   1000-1999  program client (accounts, PDAs, instructions)
//   2000-2999  update codec (DeMo sparse updates)
//   3000-3999  datasets and token shards
//   4000-4999  peer wire messages and transport
//   5000-5999  local chain and JSON-RPC
//   6000-6999  trainer
//   7000-7999  audit

export const CONCORD_ERROR__CLIENT__ACCOUNT_NOT_FOUND = 1000;
export const CONCORD_ERROR__CLIENT__MALFORMED_ACCOUNT = 1001;
export const CONCORD_ERROR__CLIENT__UNSUPPORTED_ACCOUNT_VERSION = 1002;
export const CONCORD_ERROR__CLIENT__INVALID_RUN_CONFIG = 1003;
export const CONCORD_ERROR__CLIENT__UNSUPPORTED_IDL_TYPE = 1004;
export const CONCORD_ERROR__CLIENT__VALUE_OUT_OF_RANGE = 1005;

export const CONCORD_ERROR__RPC__MALFORMED_JSON = 5000;
export const CONCORD_ERROR__RPC__INVALID_REQUEST = 5001;
export const CONCORD_ERROR__RPC__METHOD_NOT_FOUND = 5002;
export const CONCORD_ERROR__RPC__INVALID_PARAMS = 5003;
export const CONCORD_ERROR__RPC__REQUEST_TOO_LARGE = 5004;
export const CONCORD_ERROR__RPC__TRANSACTION_SIMULATION_FAILED = 5005;
export const CONCORD_ERROR__RPC__SIGNATURE_VERIFICATION_FAILED = 5006;
export const CONCORD_ERROR__RPC__AIRDROP_TOO_LARGE = 5007;
export const CONCORD_ERROR__RPC__MALFORMED_TRANSACTION = 5008;
export const CONCORD_ERROR__RPC__TRANSACTION_REJECTED = 5009;
export const CONCORD_ERROR__LOCALNET__MALFORMED_STATE = 5010;
export const CONCORD_ERROR__RPC__RPC_ERROR_RESPONSE = 5011;
