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
  [codes.CONCORD_ERROR__CLIENT__KEYPAIR_NOT_FOUND]:
    "keypair file $path not found (pass --keypair, or create one with `concord keygen`)",
  [codes.CONCORD_ERROR__CLIENT__KEYPAIR_EXISTS]: "keypair file $path already exists (pass --force to replace it)",
  [codes.CONCORD_ERROR__CLIENT__AIRDROP_FAILED]: "airdrop of $sol SOL to $to from $url failed: $reason",
  [codes.CONCORD_ERROR__CLIENT__RUN_FILE_NOT_FOUND]: "$path not found: pass a run config file (see examples/run.toml)",
  [codes.CONCORD_ERROR__CLIENT__MALFORMED_RUN_FILE]: "$path is not valid TOML: $reason",
  [codes.CONCORD_ERROR__CLIENT__RUN_FILE_UNKNOWN_KEY]: "$path: unknown key $key (known here: $known)",
  [codes.CONCORD_ERROR__CLIENT__RUN_FILE_MISSING_KEY]: "$path: $key is missing$reason",
  [codes.CONCORD_ERROR__CLIENT__RUN_FILE_INVALID_TYPE]: "$path: $key = $value has the wrong type: expected $expected",
  [codes.CONCORD_ERROR__CLIENT__RUN_FILE_OUT_OF_RANGE]: "$path: $key = $value is out of range: $rule",
  [codes.CONCORD_ERROR__CLIENT__RUN_FILE_DATASET_NOT_FOUND]:
    "$path: [dataset] path = $dir holds no prepared dataset ($manifest not found): prepare one with `npm run prepare-dataset`",
  [codes.CONCORD_ERROR__CLIENT__NOT_RUN_AUTHORITY]:
    "$wallet is not the authority of run $run (its authority is $authority): pass the authority's keypair with --keypair",
  [codes.CONCORD_ERROR__CLIENT__INVALID_ARGUMENT]: "$name $value is not valid: $reason",
  [codes.CONCORD_ERROR__CLIENT__INVALID_RUN_STATE]: "run $run is $state: $reason",
  [codes.CONCORD_ERROR__CLIENT__USAGE]: "$reason (see $command --help)",
  [codes.CONCORD_ERROR__CLIENT__PROGRAM_NOT_DEPLOYED]:
    "no program $program is deployed at $url (no ProgramData account): check --url and --program-id",
  [codes.CONCORD_ERROR__CLIENT__BUILD_MISMATCH]:
    "the program deployed at $url hashes to $deployed, this build to $built: the deployed program is not this source",
  [codes.CONCORD_ERROR__CLIENT__UNKNOWN_CLUSTER]:
    'unknown cluster "$cluster": use localnet, devnet, testnet, mainnet or an http(s) URL',
  [codes.CONCORD_ERROR__CLIENT__ANCHOR_TOML_NOT_FOUND]: "$path not found: pass --config FILE, or --url and --keypair",
  [codes.CONCORD_ERROR__CLIENT__MALFORMED_ANCHOR_TOML]: "$path is not valid TOML: $reason",
  [codes.CONCORD_ERROR__CLIENT__MALFORMED_KEYPAIR]:
    "keypair file $path is not a Solana CLI keypair (a JSON array of the 64 secret-key bytes): $reason",
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
  [codes.CONCORD_ERROR__CODEC__MALFORMED_CHECKPOINT]: "checkpoint is malformed: $reason",
  [codes.CONCORD_ERROR__CODEC__CHECKPOINT_MISMATCH]: "checkpoint does not belong here: $reason",
  [codes.CONCORD_ERROR__CODEC__RECEIPT_METADATA_BAD_SIGNATURE]:
    "receipt metadata of $member at step $step is not signed by that member",
  [codes.CONCORD_ERROR__DATASET__MALFORMED_MANIFEST]: "dataset manifest is malformed: $reason",
  [codes.CONCORD_ERROR__DATASET__SHARD_HASH_MISMATCH]: "shard $shard has sha256 $actual, the manifest says $expected",
  [codes.CONCORD_ERROR__DATASET__MALFORMED_SHARD]: "shard $shard is malformed: $reason",
  [codes.CONCORD_ERROR__DATASET__BATCH_OUT_OF_RANGE]: "batch request out of range: $reason",
  [codes.CONCORD_ERROR__DATASET__UNKNOWN_TOKEN]: "the $tokenizer tokenizer cannot encode $what",
  [codes.CONCORD_ERROR__DATASET__INVALID_SPEC]: "invalid dataset request: $reason",
  [codes.CONCORD_ERROR__DATASET__SOURCE_NOT_FOUND]: "dataset source not found: $path",
  [codes.CONCORD_ERROR__DATASET__DATASET_HASH_MISMATCH]: "dataset hash is $actual, the run expects $expected",
  [codes.CONCORD_ERROR__DATASET__DOWNLOAD_FAILED]: "no server gave $what of dataset $dataset: $failures",
  [codes.CONCORD_ERROR__PEER__MALFORMED_MESSAGE]: "peer message is malformed: $reason",
  [codes.CONCORD_ERROR__PEER__MESSAGE_TOO_LARGE]: "peer message is $size bytes (limit $limit)",
  [codes.CONCORD_ERROR__PEER__UNSUPPORTED_VERSION]:
    "peer message version $version is not supported (this code speaks $supported)",
  [codes.CONCORD_ERROR__PEER__INVALID_FIELD]: "peer $kind message: field $field $reason",
  [codes.CONCORD_ERROR__PEER__BAD_SIGNATURE]: "peer $kind message from $member has a bad signature",
  [codes.CONCORD_ERROR__PEER__RATE_LIMITED]: "peer $peer sent more than $limit $what per second",
  [codes.CONCORD_ERROR__PEER__BANNED]: "peer $peer is banned for another $remainingMs ms",
  [codes.CONCORD_ERROR__PEER__HANDSHAKE_FAILED]: "handshake with peer $peer failed: $reason",
  [codes.CONCORD_ERROR__PEER__NOT_A_MEMBER]: "$member is not a member of run $run",
  [codes.CONCORD_ERROR__PEER__STALE]: "$kind for step $step is stale (oldest live step $oldest)",
  [codes.CONCORD_ERROR__PEER__RECEIPT_MISMATCH]:
    "update of $member at step $step does not match its on-chain receipt: $reason",
  [codes.CONCORD_ERROR__PEER__RUN_MISMATCH]: "peer $kind message is for run $got, this node is in run $expected",
  [codes.CONCORD_ERROR__PEER__UNEXPECTED_MESSAGE]: "peer $peer sent an unexpected $kind message: $reason",
  [codes.CONCORD_ERROR__PEER__RECEIPT_NOT_FOUND]: "no on-chain receipt of $member at step $step",
  [codes.CONCORD_ERROR__PEER__FETCH_ABORTED]: "fetch of the update of $member at step $step stopped: $reason",
  [codes.CONCORD_ERROR__PEER__EXCHANGE_CLOSED]: "the update exchange is closed",
  [codes.CONCORD_ERROR__PEER__LISTEN_FAILED]: "cannot accept peers on $host:$port: $reason",
  [codes.CONCORD_ERROR__PEER__INVALID_BLOB_HASH]: "not a blob hash (64 lowercase hex digits): $name",
  [codes.CONCORD_ERROR__PEER__BLOB_HASH_MISMATCH]: "bytes hash to $actual, not $expected",
  [codes.CONCORD_ERROR__PEER__BLOB_TOO_LARGE]: "blob over $limit bytes",
  [codes.CONCORD_ERROR__PEER__BLOB_UNAVAILABLE]: "no server gave blob $hash: $failures",
  [codes.CONCORD_ERROR__PEER__METADATA_MISMATCH]: "receipt metadata filed as $name does not belong there: $reason",
  [codes.CONCORD_ERROR__PEER__METADATA_CONFLICT]:
    "other receipt metadata is already filed as $name (its member signed two for one receipt: the first stays)",
  [codes.CONCORD_ERROR__PEER__METADATA_UNAVAILABLE]:
    "no server gave the receipt metadata of $member at step $step: $failures",
  [codes.CONCORD_ERROR__PEER__RELAY_NOT_REGISTERED]: "$member is not registered at this relay for run $run",
  [codes.CONCORD_ERROR__PEER__RELAY_BAD_PATH]: "no relay route $path: $reason",
  [codes.CONCORD_ERROR__PEER__RELAY_REGISTRATION_REFUSED]: "relay registration of $member refused: $reason",
  [codes.CONCORD_ERROR__PEER__RELAY_SESSION_FAILED]: "relay session to $member failed: $reason",
  [codes.CONCORD_ERROR__PEER__INVALID_RELAY_URL]: "relay URL $url: $reason",
  [codes.CONCORD_ERROR__PEER__NO_ENDPOINT]: "peers cannot reach this node: give it a listen address or a relay",
  [codes.CONCORD_ERROR__PEER__BLOB_OUT_OF_RANGE]: "want-blob $hash at offset $offset: the blob has $total bytes",
  [codes.CONCORD_ERROR__PEER__BLOB_ANSWER_MISMATCH]: "blob $hash from $peer: $reason",
  [codes.CONCORD_ERROR__PEER__BLOB_NOT_HELD]: "no peer gave blob $hash: $failures",
  [codes.CONCORD_ERROR__TRAINER__INVALID_CONFIG]: "invalid $what configuration: $reason",
  [codes.CONCORD_ERROR__TRAINER__NON_FINITE]: "non-finite $what: $reason",
  [codes.CONCORD_ERROR__TRAINER__BACKEND_UNAVAILABLE]: "no tfjs backend could be started: $reason",
  [codes.CONCORD_ERROR__TRAINER__NATIVE_ARGUMENT]: "native kernel call rejected: $reason",
  [codes.CONCORD_ERROR__TRAINER__WASM_INTERNALS_CHANGED]:
    "the tfjs wasm backend differs from the one the native kernels were written for: $reason",
  [codes.CONCORD_ERROR__TRAINER__UPDATE_STORE_CORRUPT]: "update store $dir: $file $reason",
  [codes.CONCORD_ERROR__TRAINER__RECIPE_MISMATCH]: "the training recipe does not match the run on-chain: $reason",
  [codes.CONCORD_ERROR__TRAINER__NOT_A_MEMBER]: "$member is not a member of run $run: $reason",
  [codes.CONCORD_ERROR__TRAINER__ROUND_UNDECIDABLE]: "the accepted set of step $step cannot be read: $reason",
  [codes.CONCORD_ERROR__TRAINER__ALREADY_LEAVING]:
    "$member already left run $run in epoch $epoch; its stake unbonds $unbonds",
  [codes.CONCORD_ERROR__TRAINER__NOT_LEAVING]:
    "$member has not left run $run: `concord leave` first, then withdraw once the stake unbonds",
  [codes.CONCORD_ERROR__TRAINER__STILL_UNBONDING]:
    "the stake of $member in run $run is still unbonding: it unbonds $unbonds",
  [codes.CONCORD_ERROR__TRAINER__CHALLENGE_PENDING]:
    "$member has $count open challenge(s) in run $run: withdraw waits until they are resolved",
  [codes.CONCORD_ERROR__TRAINER__ENDPOINT_REQUIRED]:
    "$member is not a member of run $run yet: a first join publishes the endpoint peers dial; pass --endpoint ws://HOST:PORT (what concord train --advertise will use), or join with concord train",
  [codes.CONCORD_ERROR__TRAINER__INVALID_ENDPOINT]: "--endpoint $endpoint: $reason",
  [codes.CONCORD_ERROR__TRAINER__STAKE_TOO_LOW]:
    "a stake of $stake lamports is below run $run's min_stake of $minStake lamports: pass --stake $minSol or more",
  [codes.CONCORD_ERROR__TRAINER__INSUFFICIENT_BALANCE]:
    "wallet $member holds $balance lamports, joining needs $needed (the stake, the member account's rent and fees): fund it first",
  [codes.CONCORD_ERROR__TRAINER__RUN_FINISHED]: "run $run has finished: it takes no new members or stake",
  [codes.CONCORD_ERROR__TRAINER__NOTHING_TO_CLAIM]:
    "nothing to claim: $member is owed no rewards in run $run ($reason)",
  [codes.CONCORD_ERROR__TRAINER__CLAIM_CHALLENGED]:
    "$member has $count open challenge(s) in run $run: claim waits until they are resolved",
  [codes.CONCORD_ERROR__TRAINER__FILE_NOT_FOUND]: "$what $path not found",
  [codes.CONCORD_ERROR__TRAINER__INVALID_LISTEN]: "--listen $value: expected HOST:PORT, e.g. 127.0.0.1:7700",
  [codes.CONCORD_ERROR__TRAINER__INVALID_SERVER]:
    "--server $value: expected an http(s) URL of a concord serve, e.g. http://127.0.0.1:8900",
  [codes.CONCORD_ERROR__TRAINER__DATASET_UNAVAILABLE]:
    "no data server answered and no peer held $what of dataset $dataset: $failures",
  [codes.CONCORD_ERROR__TRAINER__CHECKPOINT_UNAVAILABLE]:
    "no data server answered and no peer held the recorded checkpoint $hash: $failures",
  [codes.CONCORD_ERROR__TRAINER__RECIPE_UNAVAILABLE]:
    "no data server gave the run's recipe (its model_hash $hash): $failures; pass --recipe FILE, or a --server that holds it (concord serve --recipe)",
  [codes.CONCORD_ERROR__AUDIT__MALFORMED_EVIDENCE]: "challenge evidence $source is malformed: $reason",
  [codes.CONCORD_ERROR__AUDIT__EVIDENCE_TOO_LARGE]: "challenge evidence $source is $size bytes (limit $limit)",
  [codes.CONCORD_ERROR__AUDIT__EVIDENCE_HASH_MISMATCH]:
    "challenge evidence $source hashes to $actual, but the challenge records $expected",
  [codes.CONCORD_ERROR__AUDIT__EVIDENCE_NOT_FOUND]: "challenge evidence $hash is not in $dir",
  [codes.CONCORD_ERROR__AUDIT__EVIDENCE_MISMATCH]: "challenge evidence $source is about another receipt: $reason",
  [codes.CONCORD_ERROR__AUDIT__NOTHING_TO_CHALLENGE]:
    "the audit finds nothing wrong with the receipt of $member at step $step: no challenge sent",
  [codes.CONCORD_ERROR__AUDIT__RECEIPT_NOT_ACCEPTED]: "$member has no accepted receipt at step $step: $reason",
  [codes.CONCORD_ERROR__AUDIT__CHALLENGE_NOT_OPEN]: "the challenge of $member at step $step is $status: no vote sent",
  [codes.CONCORD_ERROR__AUDIT__ALREADY_CHALLENGED]:
    "the receipt of $member at step $step was challenged already ($status; one challenge per receipt): none sent",
  [codes.CONCORD_ERROR__TRANSACTION__PROGRAM_ERROR]:
    "instruction $instruction failed with custom program error $code ($name); $outcome",
  [codes.CONCORD_ERROR__TRANSACTION__FAILED]: "transaction failed: $err; $outcome",
  [codes.CONCORD_ERROR__TRANSACTION__BLOCKHASH_EXPIRED]:
    "transaction did not land in $attempts attempts, each under a fresh blockhash (last: $reason)",
  [codes.CONCORD_ERROR__TRANSACTION__CONFIRMATION_TIMEOUT]:
    "transaction $signature was not $commitment within $timeoutMs ms",
  [codes.CONCORD_ERROR__TRANSACTION__RPC_FAILED]: "$method failed: $reason",
  [codes.CONCORD_ERROR__METRICS__LISTEN_FAILED]: "cannot serve metrics on $host:$port: $reason",
  [codes.CONCORD_ERROR__METRICS__HOST_WITHOUT_PORT]:
    "--metrics-host $host needs --metrics-port PORT (metrics are served only when a port is given)",
  [codes.CONCORD_ERROR__DASHBOARD__LISTEN_FAILED]: "the dashboard cannot listen on $host:$port: $reason",
  [codes.CONCORD_ERROR__DASHBOARD__BUNDLE_FAILED]: "the dashboard page does not build: $reason",
};
