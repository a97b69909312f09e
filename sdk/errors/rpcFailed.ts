import * as codes from "./codes";
import { ConcordError } from "./concordError";

/** The typed error for a JSON-RPC call that failed in transport or answered with an error. */
export const rpcFailed = (method: string, e: unknown) =>
  new ConcordError(
    codes.CONCORD_ERROR__TRANSACTION__RPC_FAILED,
    { method, reason: e instanceof Error ? e.message : String(e) },
    { cause: e },
  );
