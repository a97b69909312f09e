// An error as the CLI, --json output and logs show it: one number and one line. A ConcordError shows its code
// (11000-18999); a program error the program's own code (6000 up) and name, with the IDL's message, so a number names
// one thing wherever it appears. Anything else has no code.
import { CONCORD_COORDINATOR_IDL } from "../generated/concordCoordinator";
import * as codes from "./codes";
import { isConcordError } from "./concordError";

export interface ErrorReport {
  readonly code: number | null;
  readonly message: string;
}

/** The report, its message on one line (a message may quote another error's lines, e.g. a child process's tail). */
export function errorReport(e: unknown): ErrorReport {
  const r = rawReport(e);
  return { code: r.code, message: r.message.replace(/\s*\n\s*/g, " | ") };
}

function rawReport(e: unknown): ErrorReport {
  if (isConcordError(e, codes.CONCORD_ERROR__TRANSACTION__PROGRAM_ERROR)) {
    const { code, instruction, outcome } = e.context;
    const idl = CONCORD_COORDINATOR_IDL.errors.find((x) => x.code === code);
    // The IDL's own spelling (PascalCase, as Anchor logs it); the generated module camel-cases it
    const name = (n: string) => n.charAt(0).toUpperCase() + n.slice(1);
    if (idl)
      return { code: idl.code, message: `${name(idl.name)}: ${idl.msg} (instruction ${instruction}, ${outcome})` };
    return { code: Number(code), message: e.message };
  }
  if (isConcordError(e)) return { code: e.code, message: e.message };
  return { code: null, message: e instanceof Error ? e.message : String(e) };
}

/** The one line: `error 13006: dataset source not found: /nonexistent`. */
export const errorLine = (r: ErrorReport): string =>
  r.code === null ? `error: ${r.message}` : `error ${r.code}: ${r.message}`;
