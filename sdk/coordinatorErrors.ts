// The coordinator program's custom error codes by name (programs/coordinator/src/error.h, mirrored by the IDL),
// in the camelCase form Anchor's client reports them.
import { CONCORD_COORDINATOR_IDL } from "./generated/concordCoordinator";

export type CoordinatorErrorName = (typeof CONCORD_COORDINATOR_IDL.errors)[number]["name"];

export const COORDINATOR_ERROR_CODES = Object.fromEntries(
  CONCORD_COORDINATOR_IDL.errors.map((e) => [e.name, e.code]),
) as Readonly<Record<CoordinatorErrorName, number>>;

/** Anchor's code for an unknown instruction discriminator, which the program also returns. */
export const INSTRUCTION_FALLBACK_NOT_FOUND = 101;

/** The error's name for a custom program error code, or undefined when the code is not the coordinator's. */
export function coordinatorErrorName(code: number | undefined): CoordinatorErrorName | undefined {
  return CONCORD_COORDINATOR_IDL.errors.find((e) => e.code === code)?.name;
}
