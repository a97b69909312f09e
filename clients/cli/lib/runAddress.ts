// The --run argument, or another address option: web3.js pads short base58 strings to 32 bytes, so only a string
// that round-trips is an address.
import { PublicKey } from "@solana/web3.js";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";

export function runAddress(value: string, what = "--run"): PublicKey {
  let key: PublicKey | undefined;
  try {
    key = new PublicKey(value);
  } catch {
    key = undefined;
  }
  if (key?.toBase58() !== value) throw new ConcordError(codes.CONCORD_ERROR__CLIENT__INVALID_ADDRESS, { what, value });
  return key;
}
