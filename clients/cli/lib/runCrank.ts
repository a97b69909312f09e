// `concord crank`: resolves cluster and wallet (flags, else Anchor.toml), checks the run exists, then ticks it until
// it is Finished (exit 0) or the process is interrupted, one line per transition.
import { Crank } from "../../../coordinator/crank/crank";
import { providerFor } from "../../../coordinator/localnet/localnetClient";
import { rpcMetrics } from "../../../coordinator/metrics/rpcMetrics";
import { crankMetrics } from "../../../coordinator/metrics/serviceMetrics";
import { coordinatorProgram } from "../../../sdk/coordinatorProgram";
import { rpcConnection } from "../../../sdk/rpcConnection";
import { RunState } from "../../../sdk/runState";
import { TransactionSender } from "../../../sdk/transactionSender";
import { rpcUrlOf, walletOf } from "./clusterArgs";
import { metricsEndpoint } from "./metricsEndpoint";
import { runAddress } from "./runAddress";

export async function runCrank(args: {
  anchorToml?: string;
  url?: string;
  keypair?: string;
  run: string;
  pollMs: number;
  metricsPort?: number;
  metricsHost?: string;
}): Promise<void> {
  const metrics = metricsEndpoint(args);
  const run = runAddress(args.run);
  const url = await rpcUrlOf(args);
  const payer = await walletOf(args);
  const connection = rpcConnection(url, {
    onOutage: (message) => console.error(`${new Date().toISOString()} ${message}`),
    onRequest: metrics ? rpcMetrics(metrics.registry) : undefined,
  });
  const crank = new Crank(
    coordinatorProgram(providerFor(connection, payer)),
    run,
    new TransactionSender(connection, payer),
  );
  const start = await crank.view(); // a typed error, before any loop, for a run that does not exist
  const counted = metrics && crankMetrics(metrics.registry);
  const metricsServer = await metrics?.start((line) => console.log(line));
  console.log(`cranking run ${run.toBase58()} on ${url} as ${payer.publicKey.toBase58()}: ${RunState[start.state]}`);

  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const outcome = await crank.runUntilFinished(stop.signal, {
      pollMs: args.pollMs,
      onTransition: (move) => {
        counted?.onTransition(move);
        console.log(`${new Date().toISOString()} ${RunState[move.from]} -> ${RunState[move.to]}`);
      },
      onError: (e) => {
        counted?.onError();
        console.error(`${new Date().toISOString()} will retry: ${e.message}`);
      },
    });
    console.log(outcome === "finished" ? "run finished" : "stopped");
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await metricsServer?.close();
  }
}
