// The relay over loopback sockets: members register over a control connection (RelayLink, as nodes do), peers dial
// them through it, and every rule it enforces closes the offending connection with its own code.
import { Keypair } from "@solana/web3.js";
import { WebSocket } from "ws";
import { randomBytes } from "node:crypto";
import * as codes from "../../sdk/errors/codes";
import { ConcordError } from "../../sdk/errors/concordError";
import { BanList } from "../../sdk/net/banList";
import type { PeerPayload } from "../../sdk/net/peerSocket";
import { PeerSocket, closeErrorCode, memberBanKey } from "../../sdk/net/peerSocket";
import { RelayLink } from "../../sdk/net/relayLink";
import { RELAY_PATH, peerDialUrl } from "../../sdk/net/relayUrls";
import type { RegisterFields, RelayMessage } from "../../sdk/peer/peerMessages";
import {
  MAX_MESSAGE_BYTES,
  decodeRelayMessage,
  encodePeerMessage,
  encodeRelayMessage,
} from "../../sdk/peer/peerMessages";
import { signAnnounce, signHello, signRegister } from "../../sdk/peer/peerSignatures";
import { RawPeer } from "../../tests/helpers/rawPeer";
import { eventually, within } from "../../tests/helpers/within";
import { RelayServer } from "./relayServer";

const run = Keypair.generate().publicKey;
const FAST = { initialMs: 20, maxMs: 200 };

let relay: RelayServer;
let endpoint: string;
const stops: (() => void)[] = [];

beforeEach(async () => {
  relay = await RelayServer.start({ host: "127.0.0.1", port: 0, limits: { openTimeoutMs: 2_000 } });
  endpoint = `${relay.url}${RELAY_PATH}`;
});
afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  await relay.close();
});

/** A member behind the relay, as a node runs it: RelayLink, and a PeerSocket for each connection it dials back. */
function member(keypair = Keypair.generate(), relayEndpoint = endpoint) {
  const m = {
    keypair,
    ready: [] as PeerSocket[],
    received: [] as PeerPayload[],
    closes: [] as number[],
    bans: new BanList(),
    link: null as unknown as RelayLink,
  };
  m.link = new RelayLink(relayEndpoint, {
    run,
    keypair,
    bans: new BanList(),
    backoff: FAST,
    onAccept: (ws, origin) => {
      ws.once("close", (code) => m.closes.push(closeErrorCode(code)));
      new PeerSocket(ws, origin, {
        run,
        keypair,
        bans: m.bans,
        relayed: true,
        onReady: (p) => m.ready.push(p),
        onMessage: (_, msg) => m.received.push(msg),
      });
    },
  });
  stops.push(() => m.link.stop());
  return m;
}

const registered = (n = 1) => eventually(() => relay.registered === n, `${n} registration(s) at the relay`);

/** A raw control connection sending `message` (a registration by default, with `fields` over the valid ones). */
function control(message?: RelayMessage, fields: Partial<RegisterFields> = {}, keypair = Keypair.generate()) {
  const ws = new WebSocket(`${relay.url}/control`);
  ws.on("error", () => {});
  const closed = new Promise<{ code: number; reason: string }>((ok) =>
    ws.once("close", (code, reason) => ok({ code: closeErrorCode(code), reason: reason.toString() })),
  );
  const valid = { run, member: keypair.publicKey, relay: endpoint, timestamp: Date.now(), nonce: randomBytes(32) };
  ws.once("open", () =>
    ws.send(encodeRelayMessage(message ?? signRegister({ ...valid, ...fields }, keypair.secretKey))),
  );
  return within(closed, "the relay to close the control connection");
}

async function session() {
  const m = member();
  await registered();
  const dialerKey = Keypair.generate();
  const dialer = await RawPeer.hello(peerDialUrl(endpoint, m.keypair.publicKey), dialerKey, run);
  await eventually(() => m.ready.length === 1, "the member to accept the dialer's hello");
  await eventually(() => dialer.received.some((x) => x.kind === "hello"), "the member's hello at the dialer");
  return { m, dialer, dialerKey };
}

describe("relay", () => {
  it("forwards a peer's connection to a registered member, signed messages both ways", async () => {
    // Given a member registered at the relay and a peer that dials it there
    const { m, dialer, dialerKey } = await session();
    // Then each side saw the other's signed hello
    expect(m.ready[0].member!.equals(dialerKey.publicKey)).toBe(true);
    const hello = dialer.received.find((x) => x.kind === "hello")!;
    expect(hello.kind === "hello" && hello.member.equals(m.keypair.publicKey)).toBe(true);
    // When the dialer announces and the member asks for the update
    const fields = { run, step: 3, member: dialerKey.publicKey, updateHash: randomBytes(32), size: 100 };
    dialer.send(encodePeerMessage(signAnnounce(fields, dialerKey.secretKey)));
    await eventually(() => m.received.some((x) => x.kind === "announce"), "the announce at the member");
    m.ready[0].send({ kind: "want", updateHash: fields.updateHash });
    // Then both arrive unchanged
    await eventually(() => dialer.received.some((x) => x.kind === "want"), "the want at the dialer");
    expect(m.received[0]).toMatchObject({ kind: "announce", step: 3 });
    expect(relay.stats.sessions).toBe(1);
  });

  it("a fault seen through the relay bans that route to the peer, not the peer itself (the relay may be at fault)", async () => {
    // Given a session, when the member catches a fault on it (bytes that do not match a receipt, say)
    const { m, dialer, dialerKey } = await session();
    m.ready[0].fail(
      new ConcordError(codes.CONCORD_ERROR__PEER__RECEIPT_MISMATCH, { member: "x", step: 0, reason: "test" }),
    );
    expect((await dialer.closeCode()).code).toBe(codes.CONCORD_ERROR__PEER__RECEIPT_MISMATCH);
    // Then the member key itself is not banned, but the same peer through this relay is refused for a while
    expect(m.bans.isBanned(memberBanKey(dialerKey.publicKey))).toBe(false);
    const again = await RawPeer.hello(peerDialUrl(endpoint, m.keypair.publicKey), dialerKey, run);
    expect((await again.closeCode()).code).toBe(codes.CONCORD_ERROR__PEER__BANNED);
  });

  it("several relays may serve one member: it registers at each and is reachable through either", async () => {
    const other = await RelayServer.start({ host: "127.0.0.1", port: 0 });
    stops.push(() => void other.close());
    const keypair = Keypair.generate();
    member(keypair);
    member(keypair, `${other.url}${RELAY_PATH}`);
    await registered();
    await eventually(() => other.registered === 1, "the registration at the second relay");
    for (const via of [endpoint, `${other.url}${RELAY_PATH}`]) {
      const dialer = await RawPeer.hello(peerDialUrl(via, keypair.publicKey), Keypair.generate(), run);
      await eventually(() => dialer.received.some((x) => x.kind === "hello"), `the member's hello through ${via}`);
    }
  });

  it("holds nothing: restarted on the same port, it sees its members register again and forwards again", async () => {
    const m = member();
    await registered();
    const port = Number(new URL(relay.url).port);
    await relay.close();
    relay = await RelayServer.start({ host: "127.0.0.1", port });
    expect(relay.registered).toBe(0);
    await registered();
    const dialer = await RawPeer.hello(peerDialUrl(endpoint, m.keypair.publicKey), Keypair.generate(), run);
    await eventually(() => dialer.received.some((x) => x.kind === "hello"), "the member's hello after the restart");
  });

  it.each([
    ["a path it does not serve", "/nope", codes.CONCORD_ERROR__PEER__RELAY_BAD_PATH, /no relay route \/nope/],
    ["a member that is not a key", "/relay/not-a-key", codes.CONCORD_ERROR__PEER__RELAY_BAD_PATH, /base58/],
    ["a session that is not hex", "/accept/xyz", codes.CONCORD_ERROR__PEER__RELAY_BAD_PATH, /hex digits/],
    [
      "a session nobody opened",
      `/accept/${"0".repeat(32)}`,
      codes.CONCORD_ERROR__PEER__RELAY_SESSION_FAILED,
      /no session/,
    ],
  ])("refuses %s with its code", async (_, path, code, why) => {
    const peer = new RawPeer(`${relay.url}${path}`);
    const closed = await peer.closeCode();
    expect(closed.code).toBe(code);
    expect(closed.reason).toMatch(why);
  });

  it("refuses a dialer for a member that is not registered", async () => {
    const peer = await RawPeer.hello(peerDialUrl(endpoint, Keypair.generate().publicKey), Keypair.generate(), run);
    const closed = await peer.closeCode();
    expect(closed.code).toBe(codes.CONCORD_ERROR__PEER__RELAY_NOT_REGISTERED);
    expect(closed.reason).toMatch(/is not registered at this relay/);
  });

  it.each([
    ["a hello with a bad signature", "badSignature", codes.CONCORD_ERROR__PEER__BAD_SIGNATURE],
    ["a want before hello", "want", codes.CONCORD_ERROR__PEER__HANDSHAKE_FAILED],
    ["bytes that are no message", "garbage", codes.CONCORD_ERROR__PEER__MALFORMED_MESSAGE],
  ])("closes a dialer that sends %s, before the member hears of it", async (_, what, code) => {
    const m = member();
    await registered();
    const key = Keypair.generate();
    const peer = new RawPeer(peerDialUrl(endpoint, m.keypair.publicKey));
    await within(peer.opened, "the connection");
    const hello = signHello(
      { run, member: key.publicKey, timestamp: Date.now(), nonce: randomBytes(32) },
      key.secretKey,
    );
    const frames: Record<string, Uint8Array> = {
      badSignature: encodePeerMessage({ ...hello, signature: randomBytes(64) }),
      want: encodePeerMessage({ kind: "want", updateHash: randomBytes(32) }),
      garbage: randomBytes(40),
    };
    peer.send(frames[what]);
    expect((await peer.closeCode()).code).toBe(code);
    expect(m.closes).toEqual([]);
  });

  it("cuts a session on both ends when a frame breaks the rules: oversized, malformed", async () => {
    const first = await session();
    first.dialer.send(Buffer.alloc(MAX_MESSAGE_BYTES + 1));
    expect((await first.dialer.closeCode()).code).toBe(1009); // ws refuses the frame itself
    await eventually(() => first.m.closes.length === 1, "the member's side to close");
    expect(first.m.closes).toEqual([codes.CONCORD_ERROR__PEER__MESSAGE_TOO_LARGE]);

    const second = await session();
    second.dialer.send(Buffer.from([0x93, 0x01, 0xa4]));
    expect((await second.dialer.closeCode()).code).toBe(codes.CONCORD_ERROR__PEER__MALFORMED_MESSAGE);
    await eventually(() => second.m.closes.length === 1, "the member's side to close");
    expect(second.m.closes).toEqual([codes.CONCORD_ERROR__PEER__MALFORMED_MESSAGE]);
  });

  it.each([
    ["messages", { messagesPerSecond: 5, messageBurst: 10, bytesPerSecond: 2 ** 30, byteBurst: 2 ** 30 }],
    ["bytes", { messagesPerSecond: 1_000, messageBurst: 1_000, bytesPerSecond: 100, byteBurst: 1_000 }],
  ])("cuts a session whose dialer floods %s, before decoding; the member stays registered", async (what, frames) => {
    // Given a relay whose frame limits are low enough to reach quickly
    await relay.close();
    relay = await RelayServer.start({ host: "127.0.0.1", port: 0, limits: { frames } });
    endpoint = `${relay.url}${RELAY_PATH}`;
    const { m, dialer } = await session();
    // When the dialer sends well-formed wants far faster than that
    const want = encodePeerMessage({ kind: "want", updateHash: randomBytes(32) });
    for (let i = 0; i < 40; i++) dialer.send(want);
    // Then the relay ends the session on both ends with RATE_LIMITED, and the member's registration is untouched
    const closed = await dialer.closeCode();
    expect(closed.code).toBe(codes.CONCORD_ERROR__PEER__RATE_LIMITED);
    expect(closed.reason).toContain(what);
    await eventually(() => m.closes.length === 1, "the member's side to close");
    expect(m.closes).toEqual([codes.CONCORD_ERROR__PEER__RATE_LIMITED]);
    expect(relay.registered).toBe(1);
    expect(m.received.length).toBeLessThan(40);
  });

  it("refuses a session answered by another key than the member's", async () => {
    // Given a control connection registered for `victim` whose dial-backs say hello as someone else
    const victim = Keypair.generate();
    const impostor = Keypair.generate();
    const ws = new WebSocket(`${relay.url}/control`);
    stops.push(() => ws.terminate());
    const fields = { run, member: victim.publicKey, relay: endpoint, timestamp: Date.now(), nonce: randomBytes(32) };
    ws.once("open", () => ws.send(encodeRelayMessage(signRegister(fields, victim.secretKey))));
    ws.on("message", (data) => {
      const m = decodeRelayMessage(data as Buffer);
      if (m.kind === "open")
        void RawPeer.hello(`${relay.url}/accept/${Buffer.from(m.session).toString("hex")}`, impostor, run);
    });
    await registered();
    // When a peer dials the victim
    const dialer = await RawPeer.hello(peerDialUrl(endpoint, victim.publicKey), Keypair.generate(), run);
    // Then the relay ends the session rather than forward the impostor
    const closed = await dialer.closeCode();
    expect(closed.code).toBe(codes.CONCORD_ERROR__PEER__RELAY_SESSION_FAILED);
    expect(closed.reason).toMatch(/answered without the member's own hello/);
    expect(dialer.received).toEqual([]);
  });

  it.each([
    ["a bad signature", { kind: "register", signature: "flip" }, /bad signature/],
    ["a registration for another relay", { relay: "ws://127.0.0.1:1/relay" }, /signed for relay/],
    ["a registration naming no relay URL", { relay: "not a url" }, /signed for relay not a url/],
    ["a stale registration", { timestamp: Date.now() - 120_000 }, /timestamp is -\d+ ms off/],
  ])("refuses %s with REGISTRATION_REFUSED", async (_, change, why) => {
    const keypair = Keypair.generate();
    let message: RelayMessage | undefined;
    if ("signature" in change) {
      const fields = { run, member: keypair.publicKey, relay: endpoint, timestamp: Date.now(), nonce: randomBytes(32) };
      const signed = signRegister(fields, keypair.secretKey);
      message = { ...signed, signature: randomBytes(64) };
    }
    const closed = await control(message, "signature" in change ? {} : (change as Partial<RegisterFields>), keypair);
    expect(closed.code).toBe(codes.CONCORD_ERROR__PEER__RELAY_REGISTRATION_REFUSED);
    expect(closed.reason).toMatch(why);
    expect(relay.registered).toBe(0);
  });

  it("refuses a control connection that does not start with a registration", async () => {
    const closed = await control({ kind: "registered" });
    expect(closed.code).toBe(codes.CONCORD_ERROR__PEER__UNEXPECTED_MESSAGE);
  });

  it("serving one run, refuses other runs and keys that are not its members", async () => {
    await relay.close();
    const allowed = Keypair.generate();
    relay = await RelayServer.start({
      host: "127.0.0.1",
      port: 0,
      run,
      isMember: (_, key) => Promise.resolve(key.equals(allowed.publicKey)),
    });
    endpoint = `${relay.url}${RELAY_PATH}`;
    expect((await control(undefined, { run: Keypair.generate().publicKey })).code).toBe(
      codes.CONCORD_ERROR__PEER__RUN_MISMATCH,
    );
    expect((await control()).code).toBe(codes.CONCORD_ERROR__PEER__NOT_A_MEMBER);
    member(allowed);
    await registered();
    const outsider = await RawPeer.hello(peerDialUrl(endpoint, allowed.publicKey), Keypair.generate(), run);
    expect((await outsider.closeCode()).code).toBe(codes.CONCORD_ERROR__PEER__NOT_A_MEMBER);
  });
});
