import { Keypair } from "@solana/web3.js";
import { CONCORD_ERROR__PEER__INVALID_RELAY_URL } from "../errors/codes";
import { expectConcordError } from "../../tests/helpers/expectConcordError";
import { isRelayDialUrl, parseRelayEndpoint, peerDialUrl, relayAcceptUrl, relayControlUrl } from "./relayUrls";

const member = Keypair.generate().publicKey;

test("a member behind a relay is dialed at the relay endpoint plus its key; other endpoints as they are", () => {
  const endpoint = "ws://10.0.0.1:7700/relay";
  expect(peerDialUrl(endpoint, member)).toBe(`${endpoint}/${member.toBase58()}`);
  expect(isRelayDialUrl(peerDialUrl(endpoint, member))).toBe(true);
  expect(peerDialUrl("ws://10.0.0.2:7701", member)).toBe("ws://10.0.0.2:7701");
  expect(isRelayDialUrl("ws://10.0.0.2:7701")).toBe(false);
  expect(relayControlUrl("wss://relay.example/x/relay")).toBe("wss://relay.example/x/control");
  expect(relayAcceptUrl(endpoint, Uint8Array.of(1, 255))).toBe("ws://10.0.0.1:7700/accept/01ff");
});

test.each([
  ["not a url", /not a URL/],
  ["http://h:1/relay", /ws:\/\/ or wss:\/\//],
  ["ws://h:1", /path must end with \/relay/],
  ["ws://h:1/relay/", /path must end with \/relay/],
  ["ws://h:1/relay?x=1", /no query/],
  [`ws://${"h".repeat(60)}:1/relay`, /64 bytes/],
])("refuses %s as a relay endpoint", (url, why) => {
  expect(expectConcordError(() => parseRelayEndpoint(url), CONCORD_ERROR__PEER__INVALID_RELAY_URL).message).toMatch(
    why,
  );
});
