// Generates the C header of discriminators from the IDL, so the program and its clients cannot disagree on them.
import { anchorDiscriminator } from "../sdk/anchorDiscriminator";

interface IdlNamed {
  name: string;
  discriminator: number[];
}
export interface IdlDiscriminators {
  instructions: IdlNamed[];
  accounts?: IdlNamed[];
  events?: IdlNamed[];
}

const macro = (prefix: string, name: string) =>
  `${prefix}_${name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()}`;
const asU64 = (bytes: Uint8Array) => `0x${Buffer.from(bytes).reverse().toString("hex")}ULL`;

function lines(prefix: string, namespace: "global" | "account" | "event", items: IdlNamed[] = []): string[] {
  return items.map((item) => {
    const expected = anchorDiscriminator(namespace, item.name);
    if (Buffer.compare(Buffer.from(expected), Buffer.from(item.discriminator)) !== 0) {
      throw new Error(`IDL discriminator of ${namespace}:${item.name} is not sha256("${namespace}:${item.name}")[..8]`);
    }
    return `#define ${macro(prefix, item.name)} ${asU64(expected)} /* ${namespace}:${item.name} */`;
  });
}

/** The header text: little-endian u64 constants, compared against the first 8 bytes of data. */
export function discriminatorHeader(idl: IdlDiscriminators): string {
  return [
    "/* Generated from programs/coordinator/idl.json by scripts/discriminatorHeader.ts. DO NOT EDIT. */",
    "#pragma once",
    "",
    ...lines("IX", "global", idl.instructions),
    ...lines("ACCOUNT", "account", idl.accounts),
    ...lines("EVENT", "event", idl.events),
    "",
  ].join("\n");
}
