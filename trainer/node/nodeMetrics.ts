// A trainer node's Prometheus metrics, fed from the events it reports (NodeEvent) and, at each scrape, from its peer
// layer's totals: inner step time, tokens per second, round phase durations (train, commit, witness, apply),
// receipts committed and accepted, bytes in and out, peers connected. The chain RPC's metrics come from the
// Connection (coordinator/metrics/rpcMetrics.ts); `concord train --metrics-port` serves them all.
import type { Registry } from "prom-client";
import { Counter, Gauge, Histogram } from "prom-client";
import { counterOf } from "../../sdk/metricCounters";
import type { NodeEvent } from "./trainerNode";

export interface NodeMetricsSource {
  /** Tokens per row trained (the model's context length): rows x inner steps x this = a round's tokens. */
  readonly contextLength: number;
  /** The node's peer layer now (TrainerNode.peerStats). */
  readonly peerStats: () => { bytesSent: number; bytesReceived: number; peers: number };
}

const SECONDS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** Registers the node's metrics in `registry`; returns what to call with each of its events. */
export function nodeMetrics(registry: Registry, source: NodeMetricsSource): (event: NodeEvent) => void {
  const registers = [registry];
  const stepSeconds = new Histogram({
    name: "concord_trainer_step_seconds",
    help: "Compute time of one inner training step (a round's compute over its inner steps)",
    buckets: SECONDS,
    registers,
  });
  const tokensPerSecond = new Gauge({
    name: "concord_trainer_tokens_per_second",
    help: "Tokens trained per second of compute in the last round trained",
    registers,
  });
  const tokens = new Counter({ name: "concord_trainer_tokens_total", help: "Tokens trained", registers });
  const loss = new Gauge({ name: "concord_trainer_loss", help: "Training loss of the last round trained", registers });
  const phaseSeconds = new Histogram({
    name: "concord_trainer_phase_seconds",
    help: "Round phases: train (compute and compression), commit (the receipt's transaction), witness (waiting for updates and the transaction), apply (fetching the accepted updates)",
    labelNames: ["phase"],
    buckets: SECONDS,
    registers,
  });
  const committed = new Counter({
    name: "concord_trainer_receipts_committed_total",
    help: "Receipts this member committed on-chain",
    registers,
  });
  const accepted = new Counter({
    name: "concord_trainer_receipts_accepted_total",
    help: "Receipts of this member the witnesses accepted (in rounds the node applied)",
    registers,
  });
  const applied = new Counter({
    name: "concord_trainer_rounds_applied_total",
    help: "Decided rounds the node applied to its parameters",
    registers,
  });
  const appliedStep = new Gauge({ name: "concord_trainer_applied_step", help: "Last step applied", registers });
  const warnings = new Counter({
    name: "concord_trainer_warnings_total",
    help: "Warnings the node reported",
    registers,
  });
  counterOf(registry, "concord_peer_bytes_sent_total", "Bytes sent to peers", () => source.peerStats().bytesSent);
  counterOf(
    registry,
    "concord_peer_bytes_received_total",
    "Bytes received from peers",
    () => source.peerStats().bytesReceived,
  );
  new Gauge({
    name: "concord_peer_connected",
    help: "Other members connected now",
    registers,
    collect() {
      this.set(source.peerStats().peers);
    },
  });
  const phase = (name: string, ms: number) => phaseSeconds.observe({ phase: name }, ms / 1000);
  let slot = -1;

  return (e) => {
    switch (e.kind) {
      case "joined":
        slot = e.slot;
        return;
      case "trained": {
        const computeSeconds = e.computeMs / 1000;
        const trainedTokens = e.rows * e.innerSteps * source.contextLength;
        stepSeconds.observe(computeSeconds / Math.max(1, e.innerSteps));
        if (computeSeconds > 0) tokensPerSecond.set(trainedTokens / computeSeconds);
        tokens.inc(trainedTokens);
        loss.set(e.loss);
        return phase("train", e.computeMs + e.compressMs);
      }
      case "committed":
        committed.inc();
        return phase("commit", e.chainMs);
      case "witnessed":
        return phase("witness", e.waitMs + e.chainMs);
      case "applied":
        applied.inc();
        appliedStep.set(e.step);
        if (e.slots.includes(slot)) accepted.inc();
        return phase("apply", e.fetchMs);
      case "warning":
        return warnings.inc();
    }
  };
}
