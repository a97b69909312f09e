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
};
