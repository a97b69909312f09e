import { Keypair } from "@solana/web3.js";
import { Packr } from "msgpackr";
import { RawPeer } from "../../tests/helpers/rawPeer";
import { eventually, within } from "../../tests/helpers/within";
import {
  CONCORD_ERROR__PEER__BAD_SIGNATURE,
  CONCORD_ERROR__PEER__HANDSHAKE_FAILED,
  CONCORD_ERROR__PEER__MALFORMED_MESSAGE,
  CONCORD_ERROR__PEER__NOT_A_MEMBER,
  CONCORD_ERROR__PEER__RATE_LIMITED,
  CONCORD_ERROR__PEER__RUN_MISMATCH,
  CONCORD_ERROR__PEER__UNSUPPORTED_VERSION,
} from "../errors/codes";
import { ConcordError } from "../errors/concordError";
import type { PeerMessage } from "../peer/peerMessages";
import { MAX_MESSAGE_BYTES, encodePeerMessage } from "../peer/peerMessages";
import { signHello } from "../peer/peerSignatures";
import { BanList } from "./banList";
import { PeerServer } from "./peerServer";
import type { PeerPayload, PeerSocket } from "./peerSocket";
import { DEFAULT_PEER_LIMITS, memberBanKey } from "./peerSocket";

const run = Keypair.generate().publicKey;
const server = Keypair.generate();
const alice = Keypair.generate();
const bob = Keypair.generate();
const outsider = Keypair.generate();
const want: PeerMessage = { kind: "want", updateHash: new Uint8Array(32).fill(7) };

describe("peer server", () => {
  let bans: BanList;
  let peerServer: PeerServer;
  let ready: PeerSocket[];
  let messages: { from: string; message: PeerPayload }[];
  const clients: RawPeer[] = [];

  const connect = async (keypair: Keypair) => {
    const peer = await RawPeer.hello(peerServer.url, keypair, run);
    clients.push(peer);
    await eventually(() => ready.some((p) => p.member?.equals(keypair.publicKey)), "the server to accept the hello");
    return peer;
  };
  const raw = async () => {
    const peer = new RawPeer(peerServer.url);
    clients.push(peer);
    await within(peer.opened, "the connection to open");
    return peer;
  };
  const closeOf = (peer: RawPeer) => peer.closeCode();
  /** Alice's connection still delivers messages. */
  const stillWorks = async (peer: RawPeer, keypair: Keypair) => {
    const before = messages.length;
    peer.send(encodePeerMessage(want));
    await eventually(() => messages.length > before, "a message over the surviving connection");
    expect(messages.at(-1)?.from).toBe(keypair.publicKey.toBase58());
  };

  beforeEach(async () => {
    bans = new BanList();
    ready = [];
    messages = [];
    peerServer = await PeerServer.start("127.0.0.1", 0, {
      run,
      keypair: server,
      bans,
      limits: { ...DEFAULT_PEER_LIMITS, messagesPerSecond: 20, messageBurst: 20 },
      admit: (member) => {
        if (member.equals(outsider.publicKey))
          throw new ConcordError(CONCORD_ERROR__PEER__NOT_A_MEMBER, { member: member.toBase58(), run: "test" });
      },
      onReady: (peer) => ready.push(peer),
      onMessage: (peer, message) => messages.push({ from: peer.name, message }),
    });
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.ws.terminate();
    await peerServer.close();
  });

  it("binds port 0 to a free port, says hello first and delivers valid messages", async () => {
    expect(peerServer.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(peerServer.url.endsWith(":0")).toBe(false);
    const peer = await connect(alice);
    await eventually(() => peer.received.length > 0, "the server's hello");
    expect(peer.received[0]).toMatchObject({ kind: "hello", run, member: server.publicKey });
    await stillWorks(peer, alice);
    expect(messages[0].message).toEqual(want);
  });

  it("malformed msgpack before hello: closed, the address banned for new connections, authenticated ones kept", async () => {
    const honest = await connect(alice);
    const attacker = await raw();
    attacker.send(Uint8Array.of(0xc1));
    expect((await closeOf(attacker)).code).toBe(CONCORD_ERROR__PEER__MALFORMED_MESSAGE);
    expect(bans.isBanned("address:127.0.0.1")).toBe(true);
    await stillWorks(honest, alice);
    const refused = new RawPeer(peerServer.url);
    clients.push(refused);
    expect((await closeOf(refused)).code).toBe(1006); // refused at the upgrade: no websocket was opened
  });

  it("malformed msgpack after hello bans the member key, not the address", async () => {
    const bad = await connect(alice);
    bad.send(Uint8Array.of(0x92, 0x01)); // an array of two with one element
    expect((await closeOf(bad)).code).toBe(CONCORD_ERROR__PEER__MALFORMED_MESSAGE);
    expect(bans.isBanned(memberBanKey(alice.publicKey))).toBe(true);
    expect(bans.isBanned("address:127.0.0.1")).toBe(false);
    await stillWorks(await connect(bob), bob);
  });

  it("an unknown protocol version closes the connection with UNSUPPORTED_VERSION", async () => {
    const peer = await connect(alice);
    peer.send(new Packr({ useRecords: false }).pack([2, "want", new Uint8Array(32)]));
    expect((await closeOf(peer)).code).toBe(CONCORD_ERROR__PEER__UNSUPPORTED_VERSION);
    expect(bans.isBanned(memberBanKey(alice.publicKey))).toBe(true);
  });

  it("a frame above maxPayload is refused by ws (1009) and bans the sender; others keep working", async () => {
    const honest = await connect(bob);
    const peer = await connect(alice);
    peer.send(new Uint8Array(MAX_MESSAGE_BYTES + 1));
    expect((await closeOf(peer)).code).toBe(1009);
    await eventually(() => bans.isBanned(memberBanKey(alice.publicKey)), "the ban");
    await stillWorks(honest, bob);
  });

  it("a flood from one peer closes and bans it while another peer's connection keeps working", async () => {
    const honest = await connect(bob);
    const flooder = await connect(alice);
    for (let i = 0; i < 100; i++) flooder.send(encodePeerMessage(want));
    const { code, reason } = await closeOf(flooder);
    expect(code).toBe(CONCORD_ERROR__PEER__RATE_LIMITED);
    expect(reason).toContain("messages per second");
    expect(bans.isBanned(memberBanKey(alice.publicKey))).toBe(true);
    expect(messages.filter((m) => m.from === alice.publicKey.toBase58()).length).toBeLessThanOrEqual(20);
    await stillWorks(honest, bob);
    // the banned member cannot come back on a new connection
    const again = await RawPeer.hello(peerServer.url, alice, run);
    clients.push(again);
    expect((await closeOf(again)).reason).toContain("banned");
  });

  const signedBy = (signer: Keypair, claimed: Keypair) => {
    const fields = { run, member: signer.publicKey, timestamp: Date.now(), nonce: new Uint8Array(32) };
    return encodePeerMessage({ ...signHello(fields, signer.secretKey), member: claimed.publicKey });
  };
  it.each([
    ["a text frame", "hello", CONCORD_ERROR__PEER__MALFORMED_MESSAGE],
    ["a want before hello", encodePeerMessage(want), CONCORD_ERROR__PEER__HANDSHAKE_FAILED],
    ["a hello with a bad signature", signedBy(alice, bob), CONCORD_ERROR__PEER__BAD_SIGNATURE],
  ])("handshake: %s closes the connection and bans the address", async (_, first, code) => {
    const peer = await raw();
    peer.send(first);
    expect((await closeOf(peer)).code).toBe(code);
    expect(bans.isBanned("address:127.0.0.1")).toBe(true);
  });

  it("a valid hello for another run, or from a non-member, is refused without a ban", async () => {
    const other = await RawPeer.hello(peerServer.url, alice, Keypair.generate().publicKey);
    clients.push(other);
    expect((await closeOf(other)).code).toBe(CONCORD_ERROR__PEER__RUN_MISMATCH);
    const stranger = await RawPeer.hello(peerServer.url, outsider, run);
    clients.push(stranger);
    expect((await closeOf(stranger)).code).toBe(CONCORD_ERROR__PEER__NOT_A_MEMBER);
    expect(bans.isBanned(memberBanKey(alice.publicKey)) || bans.isBanned("address:127.0.0.1")).toBe(false);
  });
});
