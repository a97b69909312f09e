// The relay's three routes (sdk/net/relayUrls.ts builds them on the members' side): /relay/<member base58> for a peer
// dialing a member, /control for a member's registration, /accept/<session hex> for the member dialing a session back.
import { PublicKey } from "@solana/web3.js";
import { ConcordError } from "../../sdk/errors/concordError";
import { CONCORD_ERROR__PEER__RELAY_BAD_PATH } from "../../sdk/errors/codes";
import { RELAY_SESSION_BYTES } from "../../sdk/peer/peerMessages";
import { RELAY_PATH } from "../../sdk/net/relayUrls";

export type RelayRoute =
  | { readonly kind: "dial"; readonly member: PublicKey }
  | { readonly kind: "control" }
  | { readonly kind: "accept"; readonly session: string };

const SESSION = new RegExp(`^[0-9a-f]{${2 * RELAY_SESSION_BYTES}}$`);
const BASE58_KEY = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

export function parseRelayRoute(path: string): RelayRoute {
  const bad = (reason: string) => new ConcordError(CONCORD_ERROR__PEER__RELAY_BAD_PATH, { path, reason });
  if (path === "/control") return { kind: "control" };
  const [, head, arg, ...rest] = path.split("/");
  if (rest.length > 0 || arg === undefined) throw bad(`expected ${RELAY_PATH}/<member>, /control or /accept/<session>`);
  if (`/${head}` === RELAY_PATH) {
    if (!BASE58_KEY.test(arg)) throw bad("the member must be a base58 public key");
    try {
      return { kind: "dial", member: new PublicKey(arg) };
    } catch {
      throw bad("the member must be a base58 public key");
    }
  }
  if (head === "accept") {
    if (!SESSION.test(arg)) throw bad(`the session must be ${2 * RELAY_SESSION_BYTES} lowercase hex digits`);
    return { kind: "accept", session: arg };
  }
  throw bad(`expected ${RELAY_PATH}/<member>, /control or /accept/<session>`);
}
