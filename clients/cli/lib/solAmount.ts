// SOL amounts on the command line: lamports shown as SOL, and a `--sol` value checked before it is sent.
import { LAMPORTS_PER_SOL } from "@solana/web3.js";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";
import { lamportsOf } from "../../../sdk/runPlan";

/** Lamports as SOL, exact (no float rounding): 1500000000 → "1.5 SOL". */
export function solText(lamports: bigint): string {
  const per = BigInt(LAMPORTS_PER_SOL);
  const fraction = (lamports % per).toString().padStart(9, "0").replace(/0+$/, "");
  return `${lamports / per}${fraction ? `.${fraction}` : ""} SOL`;
}

/** A positive amount of SOL given as `name`, in lamports; INVALID_ARGUMENT otherwise. */
export function solArgument(name: string, sol: number): bigint {
  const lamports = Number.isFinite(sol) && sol > 0 ? lamportsOf(sol) : 0n;
  if (lamports <= 0n)
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__INVALID_ARGUMENT, {
      name,
      value: String(sol),
      reason: "expected a positive amount of SOL (at least one lamport, 1e-9)",
    });
  return lamports;
}
