// Account data in the encodings Solana's RPC offers. jsonParsed falls back to base64, as validators do for
// accounts they have no parser for; base64+zstd is refused rather than silently sent uncompressed.
import { utils } from "@coral-xyz/anchor";
import type { AccountView } from "./localChain";
import { invalidParams } from "./rpcError";

const bs58 = utils.bytes.bs58;

export interface DataSlice {
  offset: number;
  length: number;
}

export function parseDataSlice(value: unknown): DataSlice | undefined {
  if (value === undefined || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (
    typeof v !== "object" ||
    !Number.isSafeInteger(v.offset) ||
    !Number.isSafeInteger(v.length) ||
    (v.offset as number) < 0 ||
    (v.length as number) < 0
  ) {
    throw invalidParams("dataSlice must be { offset, length } with non-negative integers");
  }
  return { offset: v.offset as number, length: v.length as number };
}

export function encodeAccount(account: AccountView, encoding: unknown, slice?: DataSlice) {
  const data = slice ? account.data.subarray(slice.offset, slice.offset + slice.length) : account.data;
  let encoded: unknown;
  if (encoding === "base64" || encoding === "jsonParsed") encoded = [data.toString("base64"), "base64"];
  else if (encoding === "base58") encoded = [bs58.encode(data), "base58"];
  else if (encoding === undefined || encoding === "binary") encoded = bs58.encode(data);
  else throw invalidParams(`unsupported account encoding ${String(encoding)}`);
  return {
    data: encoded,
    executable: account.executable,
    lamports: account.lamports,
    owner: account.owner,
    rentEpoch: 0,
    space: account.space,
  };
}
