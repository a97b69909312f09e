// `concord dashboard`'s HTTP server: read-only, and it serves only the assets it is handed, held in memory under
// fixed paths (an allow-list). No part of a request becomes a file name, so no `..`, encoded or not, and no keypair
// or any other file of the machine can be reached through it; anything else is 404, any method but GET/HEAD 405.
import { createServer, type Server, type ServerResponse } from "node:http";
import { listenHttp } from "../httpListen";
import * as codes from "../../sdk/errors/codes";
import { ConcordError } from "../../sdk/errors/concordError";

export interface DashboardAsset {
  readonly contentType: string;
  readonly body: string | Uint8Array;
}

export interface DashboardServerOptions {
  /** Path (as requested, e.g. "/index.html") to asset; "/" serves "/index.html". */
  assets: ReadonlyMap<string, DashboardAsset>;
  host?: string;
  port?: number;
}

export interface DashboardServer {
  url: string;
  close(): Promise<void>;
}

function refuse(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", ...headers });
  res.end(message + "\n");
}

/** Starts serving `o.assets`; resolves once listening (port 0 picks a free port, read back from `url`). */
export async function startDashboardServer(o: DashboardServerOptions): Promise<DashboardServer> {
  const host = o.host ?? "127.0.0.1";
  const server: Server = createServer((req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD")
      return refuse(res, 405, `method ${req.method} not allowed: the dashboard is read-only`, { Allow: "GET, HEAD" });
    // The raw path up to the query, looked up as is: only the exact names of the allow-list match.
    const path = (req.url ?? "").split("?")[0];
    const asset = o.assets.get(path === "/" ? "/index.html" : path);
    if (!asset) return refuse(res, 404, `no such path: ${path.slice(0, 200)}`);
    const body = typeof asset.body === "string" ? Buffer.from(asset.body, "utf8") : asset.body;
    res.writeHead(200, {
      "Content-Type": asset.contentType,
      "Content-Length": body.byteLength,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  const port = o.port ?? 0;
  return listenHttp(
    server,
    host,
    port,
    (e) => new ConcordError(codes.CONCORD_ERROR__DASHBOARD__LISTEN_FAILED, { host, port, reason: e.message }),
  );
}
