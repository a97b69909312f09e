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

// 2000-2999 update codec (DeMo sparse updates)
export const CONCORD_ERROR__CODEC__MALFORMED_UPDATE = 2000;
export const CONCORD_ERROR__CODEC__UNSUPPORTED_VERSION = 2001;
export const CONCORD_ERROR__CODEC__UPDATE_TOO_LARGE = 2002;
export const CONCORD_ERROR__CODEC__INVALID_SHAPE = 2003;
export const CONCORD_ERROR__CODEC__INVALID_INDEX = 2004;
export const CONCORD_ERROR__CODEC__INVALID_VALUE = 2005;
export const CONCORD_ERROR__CODEC__LAYOUT_MISMATCH = 2006;
export const CONCORD_ERROR__CODEC__NONCANONICAL = 2007;

// 3000-3999 datasets and token shards
export const CONCORD_ERROR__DATASET__MALFORMED_MANIFEST = 3000;
export const CONCORD_ERROR__DATASET__SHARD_HASH_MISMATCH = 3001;
export const CONCORD_ERROR__DATASET__MALFORMED_SHARD = 3002;
export const CONCORD_ERROR__DATASET__BATCH_OUT_OF_RANGE = 3003;
export const CONCORD_ERROR__DATASET__UNKNOWN_TOKEN = 3004;
export const CONCORD_ERROR__DATASET__INVALID_SPEC = 3005;
export const CONCORD_ERROR__DATASET__SOURCE_NOT_FOUND = 3006;
export const CONCORD_ERROR__DATASET__DATASET_HASH_MISMATCH = 3007;

// 5000-5999 local chain and JSON-RPC
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

// 6000-6999 trainer
export const CONCORD_ERROR__TRAINER__INVALID_CONFIG = 6000;
export const CONCORD_ERROR__TRAINER__NON_FINITE = 6001;
export const CONCORD_ERROR__TRAINER__BACKEND_UNAVAILABLE = 6002;
