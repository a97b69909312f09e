// The services' own metrics, fed from what each already reports: the crank's transitions and retried failures, the
// relay's registrations, sessions and frames, the data server's answers.
import type { Registry } from "prom-client";
import { Counter, Gauge } from "prom-client";
import { counterOf } from "../../sdk/metricCounters";
import { RunState } from "../../sdk/runState";
import type { CrankResult } from "../crank/crank";
import type { RelayServer } from "../relay/relayServer";

export function crankMetrics(registry: Registry): { onTransition: (move: CrankResult) => void; onError: () => void } {
  const transitions = new Counter({
    name: "concord_crank_transitions_total",
    help: "Run state transitions this crank's ticks made, by the state entered",
    labelNames: ["to"],
    registers: [registry],
  });
  const errors = new Counter({
    name: "concord_crank_errors_total",
    help: "Passes that failed transiently (RPC, confirmation, expiry) and were tried again",
    registers: [registry],
  });
  return { onTransition: (move) => transitions.inc({ to: RunState[move.to] }), onError: () => errors.inc() };
}

export function relayMetrics(registry: Registry, relay: RelayServer): void {
  new Gauge({
    name: "concord_relay_members_registered",
    help: "Members registered with the relay now",
    registers: [registry],
    collect() {
      this.set(relay.registered);
    },
  });
  counterOf(registry, "concord_relay_sessions_total", "Peer sessions the relay paired", () => relay.stats.sessions);
  counterOf(registry, "concord_relay_frames_total", "Frames the relay forwarded", () => relay.stats.frames);
}

/** What `startBlobServer`'s onResponse reports: answers by method and status. */
export function blobServerMetrics(registry: Registry): (method: string, status: number) => void {
  const requests = new Counter({
    name: "concord_blob_requests_total",
    help: "Requests the data server answered, by method and status",
    labelNames: ["method", "status"],
    registers: [registry],
  });
  // a client names the method: any other than the server's own is one label, so labels stay few
  const methods = ["GET", "HEAD", "PUT"];
  return (method, status) =>
    requests.inc({ method: methods.includes(method) ? method : "other", status: String(status) });
}
