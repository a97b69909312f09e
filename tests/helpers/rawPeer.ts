// A bare ws client speaking raw bytes to a peer server, so tests can send what a real peer never would.
import type { Keypair, PublicKey } from "@solana/web3.js";
import { WebSocket } from "ws";
import { closeErrorCode } from "../../sdk/net/peerSocket";
import type { PeerMessage } from "../../sdk/peer/peerMessages";
import { decodePeerMessage, encodePeerMessage } from "../../sdk/peer/peerMessages";
import { signHello } from "../../sdk/peer/peerSignatures";
import { within } from "./within";

export class RawPeer {
  readonly ws: WebSocket;
  readonly received: PeerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on("error", () => {}); // a refused upgrade errors, then closes: tests read the close
    this.opened = new Promise((resolve) => this.ws.once("open", () => resolve()));
    this.closed = new Promise((resolve) =>
      this.ws.once("close", (code, reason) => resolve({ code: closeErrorCode(code), reason: reason.toString() })),
    );
    this.ws.on("message", (data) => this.received.push(decodePeerMessage(data as Buffer)));
  }

  /** Connects and sends a hello signed by `keypair` for `run`. */
  static async hello(url: string, keypair: Keypair, run: PublicKey): Promise<RawPeer> {
    const peer = new RawPeer(url);
    await within(peer.opened, "the connection to open");
    const fields = { run, member: keypair.publicKey, timestamp: Date.now(), nonce: new Uint8Array(32) };
    peer.send(encodePeerMessage(signHello(fields, keypair.secretKey)));
    return peer;
  }

  send(bytes: Uint8Array | string): void {
    this.ws.send(bytes);
  }

  /** Waits for the close the other side sends. */
  closeCode(): Promise<{ code: number; reason: string }> {
    return within(this.closed, "the peer to close the connection");
  }
}
