import type { ConcordErrorCode } from "./concordError";
import * as codes from "./codes";

/** Human-readable messages; `$name` is replaced by the error's context value of that name. */
export const CONCORD_ERROR_MESSAGES: Record<ConcordErrorCode, string> = {
  [codes.CONCORD_ERROR__CLIENT__ACCOUNT_NOT_FOUND]: "account $address does not exist",
  [codes.CONCORD_ERROR__CLIENT__MALFORMED_ACCOUNT]: "account $address is not a valid $kind: $reason",
};
