// The embedded local chain for a test file: started on a free port before its tests with the coordinator deployed,
// stopped after them (once web3.js's websocket has gone idle).
import { Connection } from "@solana/web3.js";
import { coordinatorProgram } from "../../coordinator/localnet/coordinatorProgram";
import type { Latency } from "../../coordinator/localnet/latency";
import type { Localnet } from "../../coordinator/localnet/localnet";
import { startLocalnet } from "../../coordinator/localnet/localnet";
import { waitForIdleWebsocket } from "../../coordinator/localnet/localnetClient";

export interface TestLocalnet {
  readonly net: Localnet;
  readonly rpcUrl: string;
  /** A "confirmed" Connection to it. */
  readonly connection: Connection;
}

export function useTestLocalnet(options: { latency?: Latency } = {}): TestLocalnet {
  let net: Localnet | undefined;
  let connection: Connection | undefined;
  beforeAll(async () => {
    net = await startLocalnet({ port: 0, programs: [coordinatorProgram()], latency: options.latency });
    connection = new Connection(net.rpcUrl, "confirmed");
  });
  afterAll(async () => {
    await waitForIdleWebsocket();
    await net?.close();
  });
  const started = () => {
    if (!net || !connection) throw new Error("useTestLocalnet: the chain is used before beforeAll started it");
    return { net, connection };
  };
  return {
    get net() {
      return started().net;
    },
    get rpcUrl() {
      return started().net.rpcUrl;
    },
    get connection() {
      return started().connection;
    },
  };
}
