// JSON-RPC 2.0 over any transport: parses a request body (single or batch), dispatches each call, and renders
// results and errors in the standard shape. Malformed input yields an error response, never an exception.
import * as codes from "../../sdk/errors/codes";
import { RpcError } from "./rpcError";

export type RpcId = string | number | null;
export type RpcMethod = (params: unknown[]) => unknown;
export type RpcMethods = Record<string, RpcMethod>;

export interface RpcErrorBody {
  code: number;
  message: string;
  data?: unknown;
}
export type RpcResponse = { jsonrpc: "2.0"; id: RpcId } & ({ result: unknown } | { error: RpcErrorBody });

/** A batch may not hold more calls than this, as on Solana's RPC. */
export const MAX_BATCH_SIZE = 1000;

export function errorResponse(id: RpcId, e: unknown): RpcResponse {
  const error =
    e instanceof RpcError
      ? { code: e.rpcCode, message: e.message, ...(e.data === undefined ? {} : { data: e.data }) }
      : { code: -32603, message: `internal error: ${(e as Error)?.message ?? String(e)}` };
  return { jsonrpc: "2.0", id, error };
}

const isValidId = (id: unknown): id is RpcId => id === null || typeof id === "string" || typeof id === "number";

async function call(methods: RpcMethods, request: unknown): Promise<RpcResponse | undefined> {
  if (typeof request !== "object" || request === null || Array.isArray(request)) {
    return errorResponse(null, new RpcError(codes.CONCORD_ERROR__RPC__INVALID_REQUEST, { reason: "not an object" }));
  }
  const r = request as Record<string, unknown>;
  const hasId = "id" in r;
  const id = isValidId(r.id) ? r.id : null;
  if (r.jsonrpc !== "2.0" || typeof r.method !== "string" || (hasId && !isValidId(r.id))) {
    return errorResponse(
      id,
      new RpcError(codes.CONCORD_ERROR__RPC__INVALID_REQUEST, {
        reason: 'expected jsonrpc "2.0", a string method and a string, number or null id',
      }),
    );
  }
  if (r.params !== undefined && !Array.isArray(r.params)) {
    return errorResponse(
      id,
      new RpcError(codes.CONCORD_ERROR__RPC__INVALID_PARAMS, { reason: "params must be an array" }),
    );
  }
  const method = Object.prototype.hasOwnProperty.call(methods, r.method) ? methods[r.method] : undefined;
  let response: RpcResponse;
  if (!method)
    response = errorResponse(id, new RpcError(codes.CONCORD_ERROR__RPC__METHOD_NOT_FOUND, { method: r.method }));
  else {
    try {
      response = { jsonrpc: "2.0", id, result: await method((r.params as unknown[]) ?? []) };
    } catch (e) {
      response = errorResponse(id, e);
    }
  }
  return hasId ? response : undefined; // notifications get no answer
}

/** Handles one request body; returns the response text, or undefined when nothing is owed (notifications only). */
export async function handleJsonRpc(methods: RpcMethods, body: string): Promise<string | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return JSON.stringify(errorResponse(null, new RpcError(codes.CONCORD_ERROR__RPC__MALFORMED_JSON)));
  }
  if (!Array.isArray(parsed)) {
    const response = await call(methods, parsed);
    return response && JSON.stringify(response);
  }
  if (parsed.length === 0 || parsed.length > MAX_BATCH_SIZE) {
    const reason = parsed.length === 0 ? "empty batch" : `batch of ${parsed.length} calls exceeds ${MAX_BATCH_SIZE}`;
    return JSON.stringify(errorResponse(null, new RpcError(codes.CONCORD_ERROR__RPC__INVALID_REQUEST, { reason })));
  }
  const responses: RpcResponse[] = [];
  for (const request of parsed) {
    const response = await call(methods, request);
    if (response) responses.push(response);
  }
  return responses.length ? JSON.stringify(responses) : undefined;
}
