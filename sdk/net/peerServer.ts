// Accepts peer connections on host:port (port 0: any free port). `ws` refuses frames above MAX_MESSAGE_BYTES itself
// (close 1009) before buffering them, and an address banned for misbehaving before hello is refused at the HTTP
// upgrade. Only new connections are refused: those that already said hello from that address keep running.
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { ConcordError } from "../errors/concordError";
import { CONCORD_ERROR__PEER__LISTEN_FAILED } from "../errors/codes";
import { MAX_MESSAGE_BYTES } from "../peer/peerMessages";
import type { PeerSocketOptions } from "./peerSocket";
import { PeerSocket } from "./peerSocket";

const addressOrigin = (address: string | undefined) => `address:${address ?? "unknown"}`;
const wsUrl = (host: string, port: number) => `ws://${host.includes(":") ? `[${host}]` : host}:${port}`;

export class PeerServer {
  private constructor(
    private readonly wss: WebSocketServer,
    /** ws://host:port as bound. */
    readonly url: string,
  ) {}

  static start(host: string, port: number, options: PeerSocketOptions): Promise<PeerServer> {
    return new Promise((resolve, reject) => {
      const wss = new WebSocketServer({
        host,
        port,
        maxPayload: MAX_MESSAGE_BYTES,
        verifyClient: ({ req }: { req: IncomingMessage }) =>
          !options.bans.isBanned(addressOrigin(req.socket.remoteAddress)),
      });
      wss.on("connection", (ws, req) => new PeerSocket(ws, addressOrigin(req.socket.remoteAddress), options));
      wss.once("error", (e) =>
        reject(new ConcordError(CONCORD_ERROR__PEER__LISTEN_FAILED, { host, port, reason: e.message })),
      );
      wss.once("listening", () => {
        wss.on("error", (e) => options.log?.(`peer server ${host}:${port}: ${e.message}`));
        resolve(new PeerServer(wss, wsUrl(host, (wss.address() as AddressInfo).port)));
      });
    });
  }

  /** Stops listening and drops every connection. */
  close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}
