// JSON-RPC over HTTP POST, with a body limit and CORS so the browser dashboard can call it.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer } from "node:http";
import * as codes from "../../sdk/errors/codes";
import type { RpcMethods } from "./jsonRpc";
import { errorResponse, handleJsonRpc } from "./jsonRpc";
import { RpcError } from "./rpcError";

/** Solana's validator caps request bodies at 50 KiB (MAX_REQUEST_BODY_SIZE). */
export const MAX_REQUEST_BYTES = 50 * 1024;

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, OPTIONS",
  "access-control-allow-headers": "content-type, solana-client",
};

function reply(res: ServerResponse, status: number, body: string | undefined, close = false): void {
  res.writeHead(status, { ...CORS, "content-type": "application/json", ...(close ? { connection: "close" } : {}) });
  res.end(body);
}

/**
 * Longer than any client keeps an idle connection (undici, under fetch and web3.js, closes after 4 s): with Node's
 * default 5 s, a process whose event loop was busy (training, evaluating) found both timers due at once and could
 * send its next request on a socket the server was closing (ECONNRESET, seen once at the end of bench:network).
 */
const KEEP_ALIVE_MS = 65_000;

export function createRpcHttpServer(methods: RpcMethods, beforeRequest: () => void): Server {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === "OPTIONS") return reply(res, 204, undefined);
    if (req.method !== "POST") {
      const e = new RpcError(codes.CONCORD_ERROR__RPC__INVALID_REQUEST, {
        reason: `HTTP ${req.method} not allowed; POST JSON-RPC`,
      });
      return reply(res, 405, JSON.stringify(errorResponse(null, e)));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        tooLarge = true;
        const e = new RpcError(codes.CONCORD_ERROR__RPC__REQUEST_TOO_LARGE, {
          size: `more than ${MAX_REQUEST_BYTES}`,
          limit: MAX_REQUEST_BYTES,
        });
        reply(res, 413, JSON.stringify(errorResponse(null, e)), true);
        res.on("finish", () => req.destroy());
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (tooLarge) return;
      beforeRequest();
      handleJsonRpc(methods, Buffer.concat(chunks).toString("utf8")).then(
        (body) => reply(res, 200, body ?? ""),
        (e) => reply(res, 500, JSON.stringify(errorResponse(null, e))),
      );
    });
    req.on("error", () => res.destroy());
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
  return server;
}
