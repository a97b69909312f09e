import type { Options } from "yargs";

/** `/metrics` for Prometheus on a long-running command (clients/cli/lib/metricsEndpoint.ts): off unless a port is given. */
export const METRICS_OPTIONS = {
  "metrics-port": {
    type: "number",
    describe: "serve Prometheus metrics at http://HOST:PORT/metrics (0: any free port, printed at start)",
  },
  "metrics-host": { type: "string", describe: "address the metrics endpoint listens on (default 127.0.0.1)" },
} satisfies Record<string, Options>;
