// `concord crank`: resolves cluster and wallet (flags, else Anchor.toml), checks the run exists, then ticks it until
// it is Finished (exit 0) or the process is interrupted, one line per transition.
import { Crank } from "../../../coordinator/crank/crank";
import { providerFor } from "../../../coordinator/localnet/localnetClient";
import { coordinatorProgram } from "../../../sdk/coordinatorProgram";
import { rpcConnection } from "../../../sdk/rpcConnection";
import { RunState } from "../../../sdk/runState";
import { TransactionSender } from "../../../sdk/transactionSender";
import { rpcUrlOf, walletOf } from "./clusterArgs";
import { runAddress } from "./runAddress";

export async function runCrank(args: {
  anchorToml?: string;
  url?: string;
  keypair?: string;
  run: string;
  pollMs: number;
}): Promise<void> {
  const run = runAddress(args.run);
  const url = await rpcUrlOf(args);
  const payer = await walletOf(args);
  const connection = rpcConnection(url, {
    onOutage: (message) => console.error(`${new Date().toISOString()} ${message}`),
  });
  const crank = new Crank(
    coordinatorProgram(providerFor(connection, payer)),
    run,
    new TransactionSender(connection, payer),
  );
  const start = await crank.view(); // a typed error, before any loop, for a run that does not exist
  console.log(`cranking run ${run.toBase58()} on ${url} as ${payer.publicKey.toBase58()}: ${RunState[start.state]}`);

  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const outcome = await crank.runUntilFinished(stop.signal, {
      pollMs: args.pollMs,
      onTransition: ({ from, to }) => console.log(`${new Date().toISOString()} ${RunState[from]} -> ${RunState[to]}`),
      onError: (e) => console.error(`${new Date().toISOString()} will retry: ${e.message}`),
    });
    console.log(outcome === "finished" ? "run finished" : "stopped");
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
