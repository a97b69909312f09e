// `concord relay`: lets members that accept no inbound connections take part in a run (DESIGN.md, "Processes"). A
// member keeps a control connection here, registered with a signed message; a peer dials the member at
// /relay/<member>, says hello, and the relay asks the member over control to dial /accept/<session> back, then pipes
// the two connections together. Stateless: registrations and sessions are sockets, and die with them, so a relay that
// is killed and restarted loses nothing: members register again and their peers dial again; several relays may serve
// one run. Untrusted: it checks every frame it forwards (size, a canonical peer message, hello and announce
// signatures, the member's own hello on its side) and cuts off a session that breaks the rules, but members check
// everything end to end (signed hellos and announces, update bytes against the on-chain receipt), so a relay that
// alters bytes is caught by them.
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { PublicKey } from "@solana/web3.js";
import type { RawData, WebSocket } from "ws";
import { WebSocketServer } from "ws";
import { ConcordError, isConcordError } from "../../sdk/errors/concordError";
import {
  CONCORD_ERROR__PEER__HANDSHAKE_FAILED,
  CONCORD_ERROR__PEER__LISTEN_FAILED,
  CONCORD_ERROR__PEER__MALFORMED_MESSAGE,
  CONCORD_ERROR__PEER__MESSAGE_TOO_LARGE,
  CONCORD_ERROR__PEER__NOT_A_MEMBER,
  CONCORD_ERROR__PEER__RELAY_NOT_REGISTERED,
  CONCORD_ERROR__PEER__RELAY_REGISTRATION_REFUSED,
  CONCORD_ERROR__PEER__RELAY_SESSION_FAILED,
  CONCORD_ERROR__PEER__RUN_MISMATCH,
  CONCORD_ERROR__PEER__UNEXPECTED_MESSAGE,
} from "../../sdk/errors/codes";
import type { FrameRateLimits } from "../../sdk/net/frameRate";
import { FrameRate } from "../../sdk/net/frameRate";
import { DEFAULT_PEER_LIMITS, closeCode, closeReason } from "../../sdk/net/peerSocket";
import { isRelayEndpoint } from "../../sdk/net/relayUrls";
import type { PeerMessage } from "../../sdk/peer/peerMessages";
import {
  MAX_MESSAGE_BYTES,
  RELAY_SESSION_BYTES,
  decodePeerMessage,
  decodeRelayMessage,
  encodeRelayMessage,
} from "../../sdk/peer/peerMessages";
import { requireValidSignature, verifyRegister } from "../../sdk/peer/peerSignatures";
import { parseRelayRoute } from "./relayRoutes";

export interface RelayLimits {
  /** A control connection must register, and a dialer say hello, within this. */
  readonly handshakeMs: number;
  /** How long a dialer waits for the member to dial its session back. */
  readonly openTimeoutMs: number;
  /** How far a registration's timestamp may be from the relay's clock: bounds replays of a captured one. */
  readonly skewMs: number;
  /** Sessions waiting for one member to dial back: bounds what hellos from fresh keys can make it do. */
  readonly pendingPerMember: number;
  /**
   * What one side of a session may send, charged before the frame is decoded. The members' own limits by default:
   * honest traffic passes both, and a flood is cut here before it costs the relay a decode and a signature check.
   */
  readonly frames: FrameRateLimits;
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  handshakeMs: 10_000,
  openTimeoutMs: 10_000,
  skewMs: 60_000,
  pendingPerMember: 64,
  frames: DEFAULT_PEER_LIMITS,
};

export interface RelayOptions {
  readonly host: string;
  readonly port: number;
  /** Serve this run only. */
  readonly run?: PublicKey;
  /** Whether `member` is in `run`'s member table: when given, registrations and dialers of non-members are refused. */
  readonly isMember?: (run: PublicKey, member: PublicKey) => Promise<boolean>;
  readonly limits?: Partial<RelayLimits>;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

interface Registration {
  readonly control: WebSocket;
  readonly timestamp: number;
  /** Sessions opened for this member that it has not dialed back yet. */
  readonly pending: Set<Session>;
}

/** One peer's connection to one member: the dialer's socket, then the member's once it dials back. */
interface Session {
  readonly id: string;
  readonly dialer: WebSocket;
  member: WebSocket | null;
  readonly memberKey: PublicKey;
  readonly run: PublicKey;
  /** The dialer's hello, passed on once the member dials back. */
  readonly hello: Buffer;
  readonly timer: NodeJS.Timeout;
  readonly registration: Registration;
}

const regKey = (run: PublicKey, member: PublicKey) => `${run.toBase58()}/${member.toBase58()}`;
const wsUrl = (host: string, port: number) => `ws://${host.includes(":") ? `[${host}]` : host}:${port}`;
// A close code the other end of a session can be given as is; others (1005, 1006: none or abnormal) become 1001.
const passable = (code: number) => code === 1000 || (code >= 3000 && code <= 4999);

function closeWith(ws: WebSocket, e: ConcordError): void {
  if (ws.readyState === ws.OPEN) ws.close(closeCode(e), closeReason(e.message));
  else if (ws.readyState === ws.CONNECTING) ws.terminate();
}

/** A frame as a peer message the relay may forward: binary, canonical, within size, its signature valid if signed. */
function checkFrame(data: RawData, isBinary: boolean): PeerMessage {
  if (!isBinary) throw new ConcordError(CONCORD_ERROR__PEER__MALFORMED_MESSAGE, { reason: "a text frame" });
  const m = decodePeerMessage(data as Buffer);
  if (m.kind === "hello" || m.kind === "announce") requireValidSignature(m);
  return m;
}

/** ws closes an oversized or broken frame's connection itself; these say why to the other end. */
function wsFrameError(e: Error & { code?: string }): ConcordError | null {
  if (e.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH")
    return new ConcordError(CONCORD_ERROR__PEER__MESSAGE_TOO_LARGE, { size: "more", limit: MAX_MESSAGE_BYTES });
  if (e.code?.startsWith("WS_ERR_"))
    return new ConcordError(CONCORD_ERROR__PEER__MALFORMED_MESSAGE, { reason: e.message });
  return null;
}

export class RelayServer {
  private readonly limits: RelayLimits;
  private readonly registrations = new Map<string, Registration>();
  /** Sessions waiting for their member to dial back, by id. */
  private readonly waiting = new Map<string, Session>();
  private wss!: WebSocketServer;
  /** ws://host:port as bound; members advertise `${url}/relay`. */
  url = "";
  /** Sessions paired and frames forwarded since start. */
  readonly stats = { sessions: 0, frames: 0 };

  private constructor(private readonly options: RelayOptions) {
    this.limits = { ...DEFAULT_RELAY_LIMITS, ...options.limits };
  }

  static start(options: RelayOptions): Promise<RelayServer> {
    const relay = new RelayServer(options);
    const { host, port } = options;
    return new Promise((resolve, reject) => {
      const wss = new WebSocketServer({ host, port, maxPayload: MAX_MESSAGE_BYTES });
      relay.wss = wss;
      wss.on("connection", (ws, req) => relay.connected(ws, req));
      wss.once("error", (e) =>
        reject(new ConcordError(CONCORD_ERROR__PEER__LISTEN_FAILED, { host, port, reason: e.message })),
      );
      wss.once("listening", () => {
        wss.on("error", (e) => relay.log(`relay ${host}:${port}: ${e.message}`));
        relay.url = wsUrl(host, (wss.address() as AddressInfo).port);
        resolve(relay);
      });
    });
  }

  /** Members registered now. */
  get registered(): number {
    return this.registrations.size;
  }

  /** Stops listening and drops every connection: registrations and sessions with them. */
  close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private connected(ws: WebSocket, req: IncomingMessage): void {
    ws.binaryType = "nodebuffer";
    ws.on("error", (e) => this.log(`${req.url}: ${e.message}`));
    try {
      const route = parseRelayRoute(req.url ?? "");
      if (route.kind === "control") this.control(ws, req.headers.host ?? "");
      else if (route.kind === "dial") this.dial(ws, route.member);
      else this.accept(ws, route.session);
    } catch (e) {
      if (!isConcordError(e)) throw e;
      closeWith(ws, e);
    }
  }

  /** A member's control connection: one signed registration, then the relay only talks. */
  private control(ws: WebSocket, host: string): void {
    const timer = this.handshakeTimer(ws, "no registration");
    let registering = false;
    ws.on("message", (data: Buffer) => {
      if (registering)
        return closeWith(
          ws,
          new ConcordError(CONCORD_ERROR__PEER__UNEXPECTED_MESSAGE, {
            peer: "control",
            kind: "frame",
            reason: "a member sends one registration",
          }),
        );
      registering = true;
      clearTimeout(timer);
      this.register(ws, host, data).catch((e: unknown) => this.refuse(ws, e));
    });
    ws.once("close", () => clearTimeout(timer));
  }

  private async register(ws: WebSocket, host: string, data: Buffer): Promise<void> {
    const m = decodeRelayMessage(data);
    if (m.kind !== "register")
      throw new ConcordError(CONCORD_ERROR__PEER__UNEXPECTED_MESSAGE, {
        peer: "control",
        kind: m.kind,
        reason: "a control connection starts with register",
      });
    const refused = (reason: string) =>
      new ConcordError(CONCORD_ERROR__PEER__RELAY_REGISTRATION_REFUSED, { member: m.member.toBase58(), reason });
    if (!verifyRegister(m)) throw refused("bad signature");
    if (!isRelayEndpoint(m.relay) || new URL(m.relay).host !== host)
      throw refused(`signed for relay ${m.relay}, this is ${host}`);
    const skew = m.timestamp - (this.options.now ?? Date.now)();
    if (Math.abs(skew) > this.limits.skewMs) throw refused(`its timestamp is ${skew} ms off the relay's clock`);
    await this.checkRunMember("register", m.run, m.member);
    const key = regKey(m.run, m.member);
    const current = this.registrations.get(key);
    if (current && current.timestamp >= m.timestamp) throw refused("a newer registration is open");
    if (ws.readyState !== ws.OPEN) return;
    if (current) this.unregister(key, current, "replaced by a newer registration");
    const registration: Registration = { control: ws, timestamp: m.timestamp, pending: new Set() };
    this.registrations.set(key, registration);
    ws.once("close", () => this.unregister(key, registration, "the member's control connection closed"));
    ws.send(encodeRelayMessage({ kind: "registered" }));
    this.log(`registered ${m.member.toBase58()} for run ${m.run.toBase58()}`);
  }

  private unregister(key: string, registration: Registration, reason: string): void {
    if (this.registrations.get(key) !== registration) return;
    this.registrations.delete(key);
    registration.control.close(1000, reason);
    for (const session of registration.pending) this.fail(session, this.sessionFailed(session, reason));
  }

  /** Refuses a key outside the relay's run, or (with a chain view) outside the run's members. */
  private async checkRunMember(kind: string, run: PublicKey, member: PublicKey): Promise<void> {
    const only = this.options.run;
    if (only && !run.equals(only))
      throw new ConcordError(CONCORD_ERROR__PEER__RUN_MISMATCH, {
        kind,
        got: run.toBase58(),
        expected: only.toBase58(),
      });
    if (this.options.isMember && !(await this.options.isMember(run, member)))
      throw new ConcordError(CONCORD_ERROR__PEER__NOT_A_MEMBER, { member: member.toBase58(), run: run.toBase58() });
  }

  /** A peer dialing `member`: its hello names the run; the member is asked to dial the session back. */
  private dial(ws: WebSocket, memberKey: PublicKey): void {
    const timer = this.handshakeTimer(ws, "no hello");
    let session: Session | null = null;
    let helloSeen = false;
    const end = (e: ConcordError) => (session ? this.fail(session, e) : closeWith(ws, e));
    const rate = new FrameRate(this.limits.frames, this.options.now);
    ws.on("message", (data: Buffer, isBinary) => {
      try {
        rate.charge("dialer", data.length);
        const m = checkFrame(data, isBinary);
        if (session?.member) return this.forward(session.member, data);
        // A peer speaks after the member's hello reached it, and that comes once the member dialed back
        if (helloSeen || m.kind !== "hello")
          throw new ConcordError(CONCORD_ERROR__PEER__HANDSHAKE_FAILED, {
            peer: "dialer",
            reason: `${m.kind} before the member's hello (the first message must be hello)`,
          });
        helloSeen = true;
        clearTimeout(timer);
        this.open(ws, memberKey, m.run, m.member, data).then(
          (s) => (session = s),
          (e: unknown) => this.refuse(ws, e),
        );
      } catch (e) {
        if (!isConcordError(e)) throw e;
        end(e);
      }
    });
    ws.on("error", (e) => {
      const why = wsFrameError(e);
      if (why) end(why);
    });
    ws.once("close", (code, reason) => {
      clearTimeout(timer);
      if (session) this.ended(session, session.member, code, reason.toString());
    });
  }

  private async open(
    dialer: WebSocket,
    memberKey: PublicKey,
    run: PublicKey,
    from: PublicKey,
    hello: Buffer,
  ): Promise<Session | null> {
    await this.checkRunMember("hello", run, from);
    const registration = this.registrations.get(regKey(run, memberKey));
    if (!registration)
      throw new ConcordError(CONCORD_ERROR__PEER__RELAY_NOT_REGISTERED, {
        member: memberKey.toBase58(),
        run: run.toBase58(),
      });
    if (dialer.readyState !== dialer.OPEN) return null;
    if (registration.pending.size >= this.limits.pendingPerMember)
      throw new ConcordError(CONCORD_ERROR__PEER__RELAY_SESSION_FAILED, {
        member: memberKey.toBase58(),
        reason: `${registration.pending.size} sessions already wait for it`,
      });
    const id = randomBytes(RELAY_SESSION_BYTES);
    const timeoutMs = this.limits.openTimeoutMs;
    const session: Session = {
      id: id.toString("hex"),
      dialer,
      member: null,
      memberKey,
      run,
      hello,
      registration,
      timer: setTimeout(
        () => this.fail(session, this.sessionFailed(session, `it did not dial back within ${timeoutMs} ms`)),
        timeoutMs,
      ),
    };
    registration.pending.add(session);
    this.waiting.set(session.id, session);
    registration.control.send(encodeRelayMessage({ kind: "open", session: id }));
    return session;
  }

  /** The member dialing a session back: its first frame must be its own hello for the session's run. */
  private accept(ws: WebSocket, id: string): void {
    const session = this.waiting.get(id);
    if (!session)
      return closeWith(
        ws,
        new ConcordError(CONCORD_ERROR__PEER__RELAY_SESSION_FAILED, {
          member: "?",
          reason: `no session ${id} waits here (it timed out or never was)`,
        }),
      );
    this.waiting.delete(id);
    session.registration.pending.delete(session);
    clearTimeout(session.timer);
    session.member = ws;
    this.stats.sessions++;
    this.log(`session ${id}: a peer to ${session.memberKey.toBase58()}`);
    this.forward(ws, session.hello);
    let helloSeen = false;
    const rate = new FrameRate(this.limits.frames, this.options.now);
    ws.on("message", (data: Buffer, isBinary) => {
      try {
        rate.charge(`member ${session.memberKey.toBase58()}`, data.length);
        const m = checkFrame(data, isBinary);
        if (!helloSeen && (m.kind !== "hello" || !m.member.equals(session.memberKey) || !m.run.equals(session.run)))
          throw this.sessionFailed(session, "answered without the member's own hello");
        helloSeen = true;
        this.forward(session.dialer, data);
      } catch (e) {
        if (!isConcordError(e)) throw e;
        this.fail(session, e);
      }
    });
    ws.on("error", (e) => {
      const why = wsFrameError(e);
      if (why) this.fail(session, why);
    });
    ws.once("close", (code, reason) => this.ended(session, session.dialer, code, reason.toString()));
  }

  /** Closes `ws` with a refusal's code; anything else (a chain view that failed) is logged and closes it with 1011. */
  private refuse(ws: WebSocket, e: unknown): void {
    this.log(String(e));
    if (isConcordError(e)) closeWith(ws, e);
    else ws.close(1011, "internal error");
  }

  private forward(to: WebSocket, frame: Buffer): void {
    if (to.readyState !== to.OPEN) return;
    to.send(frame);
    this.stats.frames++;
  }

  /** One side closed: the other follows with the same code when it can be passed on. */
  private ended(session: Session, other: WebSocket | null, code: number, reason: string): void {
    this.forget(session);
    if (!other) return;
    if (other.readyState === other.OPEN) other.close(passable(code) ? code : 1001, closeReason(reason));
    else other.terminate();
  }

  /** Ends a session on both sides with `e`'s code. */
  private fail(session: Session, e: ConcordError): void {
    this.log(`session ${session.id} to ${session.memberKey.toBase58()}: ${e.message}`);
    this.forget(session);
    closeWith(session.dialer, e);
    if (session.member) closeWith(session.member, e);
  }

  private forget(session: Session): void {
    clearTimeout(session.timer);
    this.waiting.delete(session.id);
    session.registration.pending.delete(session);
  }

  private sessionFailed(session: Session, reason: string): ConcordError {
    return new ConcordError(CONCORD_ERROR__PEER__RELAY_SESSION_FAILED, {
      member: session.memberKey.toBase58(),
      reason,
    });
  }

  private handshakeTimer(ws: WebSocket, what: string): NodeJS.Timeout {
    const ms = this.limits.handshakeMs;
    const timer = setTimeout(
      () =>
        closeWith(
          ws,
          new ConcordError(CONCORD_ERROR__PEER__HANDSHAKE_FAILED, { peer: "?", reason: `${what} within ${ms} ms` }),
        ),
      ms,
    );
    timer.unref();
    return timer;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}
