// A relay that alters what it forwards: a ws proxy in front of a real relay (every route, the Host header kept so
// registrations signed for the proxy's address hold) that flips one byte of the body of every update message passing
// it, re-encoded canonically, so that only the receipt hash can tell the bytes are not the committer's.
import type { AddressInfo } from "node:net";
import type { RawData } from "ws";
import { WebSocket, WebSocketServer } from "ws";
import { MAX_MESSAGE_BYTES, decodePeerMessage, encodePeerMessage } from "../../sdk/peer/peerMessages";

export interface TamperingRelay {
  /** ws://127.0.0.1:PORT: members advertise `${url}/relay`. */
  readonly url: string;
  /** Update messages altered so far. */
  tampered(): number;
  close(): Promise<void>;
}

const passable = (code: number) => code === 1000 || (code >= 3000 && code <= 4999);

export function startTamperingRelay(target: string): Promise<TamperingRelay> {
  let tampered = 0;
  const alter = (data: RawData): Buffer => {
    const frame = data as Buffer;
    let m;
    try {
      m = decodePeerMessage(frame);
    } catch {
      return frame; // control messages and anything else pass as they are
    }
    if (m.kind !== "update" || m.bytes.length === 0) return frame;
    const bytes = Uint8Array.from(m.bytes);
    bytes[bytes.length >> 1] ^= 0x01;
    tampered++;
    return Buffer.from(encodePeerMessage({ ...m, bytes }));
  };
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, maxPayload: MAX_MESSAGE_BYTES });
  wss.on("connection", (client, req) => {
    const upstream = new WebSocket(`${target}${req.url}`, {
      headers: { host: req.headers.host ?? "" },
      maxPayload: MAX_MESSAGE_BYTES,
    });
    const early: Buffer[] = [];
    upstream.on("open", () => early.splice(0).forEach((f) => upstream.send(f)));
    client.on("message", (data) => {
      const frame = alter(data);
      if (upstream.readyState === upstream.OPEN) upstream.send(frame);
      else early.push(frame);
    });
    upstream.on("message", (data) => client.readyState === client.OPEN && client.send(alter(data)));
    const pass = (to: WebSocket) => (code: number, reason: Buffer) => {
      if (to.readyState === to.OPEN) to.close(passable(code) ? code : 1001, reason.toString());
      else to.terminate();
    };
    client.on("close", pass(upstream));
    upstream.on("close", pass(client));
    client.on("error", () => {});
    upstream.on("error", () => {});
  });
  return new Promise((resolve) =>
    wss.once("listening", () =>
      resolve({
        url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
        tampered: () => tampered,
        close: () => {
          for (const ws of wss.clients) ws.terminate();
          return new Promise<void>((done) => wss.close(() => done()));
        },
      }),
    ),
  );
}
