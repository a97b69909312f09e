// `concord relay`: a relay for members that accept no inbound connections, until interrupted. With --run it serves
// that run's on-chain members only.
import { Connection } from "@solana/web3.js";
import { relayMetrics } from "../../../coordinator/metrics/serviceMetrics";
import { RelayServer } from "../../../coordinator/relay/relayServer";
import { runMembership } from "../../../coordinator/relay/runMembership";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";
import { RELAY_PATH } from "../../../sdk/net/relayUrls";
import { rpcUrlOf } from "./clusterArgs";
import { metricsEndpoint } from "./metricsEndpoint";
import { runAddress } from "./runAddress";

export async function runRelay(args: {
  anchorToml?: string;
  url?: string;
  host: string;
  port: number;
  run?: string;
  metricsPort?: number;
  metricsHost?: string;
}): Promise<void> {
  const metrics = metricsEndpoint(args);
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535)
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__VALUE_OUT_OF_RANGE, {
      name: "--port",
      value: String(args.port),
      range: "an integer from 0 to 65535",
    });
  const run = args.run === undefined ? undefined : runAddress(args.run);
  let isMember: ReturnType<typeof runMembership> | undefined;
  if (run) {
    const connection = new Connection(await rpcUrlOf(args), "confirmed");
    if (!(await connection.getAccountInfo(run, "confirmed")))
      throw new ConcordError(codes.CONCORD_ERROR__CLIENT__ACCOUNT_NOT_FOUND, { address: run.toBase58() });
    isMember = runMembership(connection);
  }
  const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
  const relay = await RelayServer.start({ host: args.host, port: args.port, run, isMember, log });
  if (metrics) relayMetrics(metrics.registry, relay);
  const metricsServer = await metrics
    ?.start((line) => console.log(line))
    .catch(async (e: unknown) => {
      await relay.close();
      throw e;
    });
  console.log(`concord relay: ${run ? `run ${run.toBase58()}, its members only` : "any run"}`);
  console.log(`endpoint: ${relay.url}${RELAY_PATH}`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      void Promise.all([relay.close(), metricsServer?.close()]).then(() => {
        console.log("stopped");
        done();
      });
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
