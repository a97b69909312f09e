// Validation of JSON-RPC parameters: each reader either returns a typed value or throws "invalid params".
import { PublicKey } from "@solana/web3.js";
import { utils } from "@coral-xyz/anchor";
import { invalidParams } from "./rpcError";

const bs58 = utils.bytes.bs58;

export function pubkeyParam(params: unknown[], index: number, name: string): PublicKey {
  const v = params[index];
  if (typeof v !== "string") throw invalidParams(`${name} (param ${index}) must be a base-58 public key string`);
  try {
    return new PublicKey(v);
  } catch {
    throw invalidParams(`${name} is not a valid public key: ${v.slice(0, 64)}`);
  }
}

/** A public key parameter in its normalized base-58 form. */
export function addressParam(params: unknown[], index: number, name: string): string {
  return pubkeyParam(params, index, name).toBase58();
}

/**
 * An array of at most `max` items (and at least `min`), each read with `read` (e.g. addressParam); anything else is
 * refused with `refusal`.
 */
export function arrayParam<T>(
  params: unknown[],
  index: number,
  refusal: string,
  read: (items: unknown[], i: number) => T,
  { min = 0, max = Infinity }: { min?: number; max?: number } = {},
): T[] {
  const v = params[index];
  if (!Array.isArray(v) || v.length < min || v.length > max) throw invalidParams(refusal);
  return v.map((_, i) => read(v, i));
}

export function stringParam(params: unknown[], index: number, name: string): string {
  const v = params[index];
  if (typeof v !== "string") throw invalidParams(`${name} (param ${index}) must be a string`);
  return v;
}

export function integerParam(params: unknown[], index: number, name: string): number {
  const v = params[index];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
    throw invalidParams(`${name} (param ${index}) must be a non-negative integer`);
  return v;
}

/** The optional configuration object most methods take as their last parameter. */
export function configParam(params: unknown[], index: number): Record<string, unknown> {
  const v = params[index];
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) throw invalidParams(`param ${index} must be a configuration object`);
  return v as Record<string, unknown>;
}

/** Decodes transaction or filter bytes given in base58 or base64. */
export function decodeBytes(value: string, encoding: unknown, what: string): Buffer {
  if (encoding === undefined || encoding === "base58") {
    try {
      return Buffer.from(bs58.decode(value));
    } catch {
      throw invalidParams(`${what} is not valid base-58`);
    }
  }
  if (encoding === "base64") {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw invalidParams(`${what} is not valid base-64`);
    return Buffer.from(value, "base64");
  }
  throw invalidParams(`unsupported encoding ${String(encoding)} for ${what}`);
}
