// --metrics-port / --metrics-host of the long-running commands (train, crank, relay, serve): checked before the
// command does anything, then one registry for the process, with Node's process metrics (CPU, memory, event loop)
// and the command's own, served at /metrics (coordinator/metrics/metricsServer.ts) until the command ends.
import { collectDefaultMetrics, Registry } from "prom-client";
import type { MetricsServer } from "../../../coordinator/metrics/metricsServer";
import { startMetricsServer } from "../../../coordinator/metrics/metricsServer";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";

export interface MetricsArgs {
  metricsPort?: number;
  metricsHost?: string;
}

export interface MetricsEndpoint {
  readonly registry: Registry;
  /** Listens (a port taken or a bad host: METRICS__LISTEN_FAILED), then tells `print` the URL. */
  start(print: (line: string) => void): Promise<MetricsServer>;
}

/** The endpoint the flags ask for, its registry ready to fill; null when metrics are off (no --metrics-port). */
export function metricsEndpoint(args: MetricsArgs): MetricsEndpoint | null {
  const { metricsPort: port, metricsHost: host } = args;
  if (port === undefined) {
    if (host !== undefined) throw new ConcordError(codes.CONCORD_ERROR__METRICS__HOST_WITHOUT_PORT, { host });
    return null;
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__VALUE_OUT_OF_RANGE, {
      name: "--metrics-port",
      value: String(port),
      range: "an integer from 0 to 65535",
    });
  // an empty host would bind every address: never by accident
  if (host === "")
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__VALUE_OUT_OF_RANGE, {
      name: "--metrics-host",
      value: '""',
      range: "an address to listen on, e.g. 127.0.0.1",
    });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    async start(print) {
      const server = await startMetricsServer(registry, host ?? "127.0.0.1", port);
      print(`metrics: ${server.url}`);
      return server;
    },
  };
}
