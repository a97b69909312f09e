// Chain RPC latency and errors, from the Connection's own requests (sdk/rpcConnection.ts onRequest): what a
// trainer or crank waits on the chain for, per JSON-RPC method.
import type { Registry } from "prom-client";
import { Counter, Histogram } from "prom-client";
import type { RpcCall } from "../../sdk/rpcConnection";

export function rpcMetrics(registry: Registry): (call: RpcCall) => void {
  const seconds = new Histogram({
    name: "concord_rpc_request_seconds",
    help: "Time of each answered JSON-RPC request to the chain, by method",
    labelNames: ["method"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const errors = new Counter({
    name: "concord_rpc_errors_total",
    help: "JSON-RPC requests that failed, by method and kind (transport: no answer, http: bad status, rpc: an error answer)",
    labelNames: ["method", "kind"],
    registers: [registry],
  });
  return (call) => {
    if (call.error) errors.inc({ method: call.method, kind: call.error });
    if (call.error !== "transport") seconds.observe({ method: call.method }, call.seconds);
  };
}
