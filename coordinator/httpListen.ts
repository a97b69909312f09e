// How a concord service's HTTP server starts and stops (the data server, the dashboard, /metrics): listen on
// host:port (0 picks a free port), fail as the service says, report the base URL as bound, and on close end the
// connections still open too, so a stop never waits on an idle keep-alive.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ListeningHttp {
  /** http://host:port as bound, without a trailing slash. */
  readonly url: string;
  close(): Promise<void>;
}

export async function listenHttp(
  server: Server,
  host: string,
  port: number,
  /** The service's error for a listen that failed (a port in use, an address not on this machine). */
  failed: (e: Error) => Error = (e) => e,
): Promise<ListeningHttp> {
  await new Promise<void>((ok, bad) => {
    server.once("error", (e) => bad(failed(e)));
    server.listen(port, host, () => ok());
  });
  const { address, port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(":") ? `[${address}]` : address}:${bound}`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
