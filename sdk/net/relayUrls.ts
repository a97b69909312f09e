// Where a relay (coordinator/relay) takes each kind of connection. A member that accepts no inbound connections
// advertises a relay endpoint on-chain, ws://HOST:PORT/relay, short enough for the chain's 64 bytes; peers dial it at
// ENDPOINT/<member base58>, and the member keeps a control connection at BASE/control and dials BASE/accept/<session>
// back for each peer the relay holds for it (BASE: the endpoint without /relay).
import type { PublicKey } from "@solana/web3.js";
import { ConcordError } from "../errors/concordError";
import { CONCORD_ERROR__PEER__INVALID_RELAY_URL } from "../errors/codes";
import { MAX_ENDPOINT_BYTES } from "../peer/peerMessages";

export const RELAY_PATH = "/relay";

function relayUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "not a URL";
  }
  if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:") return "must start with ws:// or wss://";
  if (!parsed.pathname.endsWith(RELAY_PATH) || url.endsWith("/")) return `its path must end with ${RELAY_PATH}`;
  if (parsed.search || parsed.hash) return "must have no query or fragment";
  if (Buffer.byteLength(url) > MAX_ENDPOINT_BYTES)
    return `longer than the on-chain endpoint's ${MAX_ENDPOINT_BYTES} bytes`;
  return null;
}

export const isRelayEndpoint = (endpoint: string): boolean => relayUrlProblem(endpoint) === null;

/** `url` if it can be advertised as a relay endpoint; else INVALID_RELAY_URL saying why. */
export function parseRelayEndpoint(url: string): string {
  const reason = relayUrlProblem(url);
  if (reason) throw new ConcordError(CONCORD_ERROR__PEER__INVALID_RELAY_URL, { url, reason });
  return url;
}

/** The URL that reaches `member` at its on-chain `endpoint`: through the relay it names, or the endpoint itself. */
export const peerDialUrl = (endpoint: string, member: PublicKey): string =>
  isRelayEndpoint(endpoint) ? `${endpoint}/${member.toBase58()}` : endpoint;

/** Whether a dialed URL reaches its member through a relay (peerDialUrl's form), which may alter unsigned bytes. */
export function isRelayDialUrl(url: string): boolean {
  const cut = url.lastIndexOf("/");
  return cut > 0 && isRelayEndpoint(url.slice(0, cut));
}

const relayBase = (endpoint: string) => endpoint.slice(0, -RELAY_PATH.length);
export const relayControlUrl = (endpoint: string) => `${relayBase(endpoint)}/control`;
export const relayAcceptUrl = (endpoint: string, session: Uint8Array) =>
  `${relayBase(endpoint)}/accept/${Buffer.from(session).toString("hex")}`;
