// The typed client of the coordinator program: Anchor's Program over the generated IDL.
import { Program } from "@coral-xyz/anchor";
import type { Provider } from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import { CONCORD_COORDINATOR_IDL } from "./generated/concordCoordinator";
import type { ConcordCoordinator } from "./generated/concordCoordinator";

export const COORDINATOR_PROGRAM_ID = new PublicKey(CONCORD_COORDINATOR_IDL.address);
export const COORDINATOR_IDL = CONCORD_COORDINATOR_IDL as ConcordCoordinator;

export type CoordinatorProgram = Program<ConcordCoordinator>;

/** A Program for the coordinator at `programId` (the IDL's address by default). */
export function coordinatorProgram(
  provider: Provider,
  programId: PublicKey = COORDINATOR_PROGRAM_ID,
): CoordinatorProgram {
  return new Program<ConcordCoordinator>({ ...COORDINATOR_IDL, address: programId.toBase58() }, provider);
}
