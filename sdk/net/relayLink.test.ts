// RelayLink against a bare ws server standing in for a relay that went silent: it accepts the control connection and
// then answers nothing, not even pings.
import type { AddressInfo } from "node:net";
import { Keypair } from "@solana/web3.js";
import { WebSocketServer } from "ws";
import { decodeRelayMessage } from "../peer/peerMessages";
import { eventually } from "../../tests/helpers/within";
import { BanList } from "./banList";
import { RelayLink } from "./relayLink";

test("a relay that stops answering pings is dropped and dialed again, registering anew each time", async () => {
  const silent = new WebSocketServer({ host: "127.0.0.1", port: 0, autoPong: false });
  const registrations: string[] = [];
  silent.on("connection", (ws) => ws.on("message", (d) => registrations.push(decodeRelayMessage(d as Buffer).kind)));
  await new Promise((ok) => silent.once("listening", ok));
  const endpoint = `ws://127.0.0.1:${(silent.address() as AddressInfo).port}/relay`;
  const link = new RelayLink(endpoint, {
    run: Keypair.generate().publicKey,
    keypair: Keypair.generate(),
    bans: new BanList(),
    backoff: { initialMs: 10, maxMs: 50 },
    heartbeatMs: 100,
    onAccept: () => {},
  });
  try {
    await eventually(() => registrations.length >= 3, "three registrations, each after a missed pong");
    expect(new Set(registrations)).toEqual(new Set(["register"]));
  } finally {
    link.stop();
    for (const ws of silent.clients) ws.terminate();
    await new Promise((ok) => silent.close(ok));
  }
});
