// `/metrics` for Prometheus, served by a long-running concord process that is asked to (--metrics-port): one
// registry per process, read-only, nothing else on the port. It binds 127.0.0.1 unless told otherwise.
import { createServer } from "node:http";
import type { Registry } from "prom-client";
import { CONCORD_ERROR__METRICS__LISTEN_FAILED } from "../../sdk/errors/codes";
import { ConcordError } from "../../sdk/errors/concordError";
import { listenHttp } from "../httpListen";

export interface MetricsServer {
  /** http://host:port/metrics as bound (port 0 picks a free one). */
  readonly url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(registry: Registry, host: string, port: number): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const text = (status: number, body: string) => {
      res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" });
      res.end(body);
    };
    if (req.url?.split("?")[0] !== "/metrics") return text(404, "not found: the metrics are at /metrics\n");
    if (req.method !== "GET" && req.method !== "HEAD") return text(405, `method ${req.method} not allowed\n`);
    registry.metrics().then(
      (body) => {
        res.writeHead(200, { "Content-Type": registry.contentType });
        res.end(req.method === "HEAD" ? undefined : body);
      },
      (e: Error) => text(500, `metrics not collected: ${e.message}\n`),
    );
  });
  const { url, close } = await listenHttp(
    server,
    host,
    port,
    (e) => new ConcordError(CONCORD_ERROR__METRICS__LISTEN_FAILED, { host, port, reason: e.message }),
  );
  return { url: `${url}/metrics`, close };
}
