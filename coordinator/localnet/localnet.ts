// Starts the embedded chain behind Solana's JSON-RPC (HTTP on `port`) and its websocket subscriptions (port + 1),
// so an unmodified `new Connection("http://127.0.0.1:<port>")` works against it.
import type { Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { LocalChainOptions } from "./localChain";
import { LocalChain } from "./localChain";
import { createRpcHttpServer } from "./httpServer";
import { createRpcMethods } from "./rpcMethods";
import { attachSubscriptions } from "./subscriptions";

export const DEFAULT_RPC_PORT = 8899;

export interface LocalnetOptions extends LocalChainOptions {
  /** HTTP port; websockets listen on port + 1. 0 picks a free pair. */
  port?: number;
  host?: string;
}

export interface Localnet {
  chain: LocalChain;
  rpcUrl: string;
  wsUrl: string;
  /** Stops serving and saves the state (landing any transaction still waiting for its slot). */
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** Binds HTTP on `port` and websockets on `port + 1`, retrying random pairs when port is 0. */
async function bindPair(http: Server, ws: Server, port: number, host: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const p = port || 20_000 + Math.floor(Math.random() * 40_000);
    try {
      await listen(http, p, host);
    } catch (e) {
      if (port || attempt > 50) throw e;
      continue;
    }
    try {
      await listen(ws, p + 1, host);
      return (http.address() as AddressInfo).port;
    } catch (e) {
      await closeServer(http);
      if (port || attempt > 50) throw e;
    }
  }
}

export async function startLocalnet(options: LocalnetOptions = {}): Promise<Localnet> {
  const chain = LocalChain.open(options);
  const host = options.host ?? "127.0.0.1";
  const http = createRpcHttpServer(createRpcMethods(chain), () => chain.syncClock());
  const wsHttp = createServer((_, res) => res.writeHead(426).end("websocket only"));
  let port: number;
  try {
    port = await bindPair(http, wsHttp, options.port ?? DEFAULT_RPC_PORT, host);
  } catch (e) {
    chain.close();
    throw e;
  }
  // Attached once bound: a WebSocketServer re-emits its server's errors, and a port in use would then be an
  // unhandled 'error' (a crash) rather than bindPair's rejection or retry
  const wss = attachSubscriptions(wsHttp, chain);
  // Slots and the Clock sysvar follow wall time even when nobody calls; woken just after each slot boundary (timers
  // may fire a millisecond short), since under cluster latency this is what lands and confirms transactions.
  let clock: NodeJS.Timeout;
  const tick = () => {
    chain.syncClock();
    clock = setTimeout(tick, chain.msToNextSlot() + 1);
    clock.unref();
  };
  tick();
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    chain,
    rpcUrl: `http://${urlHost}:${port}`,
    wsUrl: `ws://${urlHost}:${port + 1}`,
    async close() {
      clearTimeout(clock);
      for (const client of wss.clients) client.terminate();
      wss.close();
      http.closeAllConnections();
      await Promise.all([closeServer(http), closeServer(wsHttp)]);
      chain.close();
    },
  };
}
