import { sha256 } from "@noble/hashes/sha256";

/** Anchor's namespaces: `global:<instruction>`, `account:<Account>`, `event:<Event>`. */
export type DiscriminatorNamespace = "global" | "account" | "event";

/** First 8 bytes of sha256("<namespace>:<name>"), the tag Anchor puts in front of instruction data, accounts and events. */
export function anchorDiscriminator(namespace: DiscriminatorNamespace, name: string): Uint8Array {
  return sha256(new TextEncoder().encode(`${namespace}:${name}`)).subarray(0, 8);
}
