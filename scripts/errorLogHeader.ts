// Generates the C table of error log lines from the IDL's errors. The program logs a failing instruction's error in
// Anchor's format ("AnchorError occurred. Error Code: X. Error Number: N. Error Message: M."), so Anchor's client
// turns it into an AnchorError on any RPC, as it does for programs written with Anchor.
import { INSTRUCTION_FALLBACK_NOT_FOUND } from "../sdk/coordinatorErrors";

export interface IdlErrors {
  errors?: { code: number; name: string; msg?: string }[];
}

/** Anchor's own error for an unknown instruction, which the program returns too. */
const FALLBACK = {
  code: INSTRUCTION_FALLBACK_NOT_FOUND,
  name: "InstructionFallbackNotFound",
  msg: "Fallback functions are not supported",
};

const cString = (s: string) => JSON.stringify(s); // the messages are ASCII without C-specific escapes

export function errorLogHeader(idl: IdlErrors): string {
  const entries = [FALLBACK, ...(idl.errors ?? [])].map((e) => {
    const line = `AnchorError occurred. Error Code: ${e.name}. Error Number: ${e.code}. Error Message: ${e.msg ?? e.name}.`;
    if (!/^[\x20-\x7e]*$/.test(line) || line.includes("\\"))
      throw new Error(`error ${e.name}: message must be printable ASCII`);
    return `    {${e.code}, ${cString(line)}, ${line.length}},`;
  });
  return [
    "/* Generated from programs/coordinator/idl.json by scripts/errorLogHeader.ts. DO NOT EDIT. */",
    "#pragma once",
    '#include "../sol/types.h"',
    "",
    "typedef struct {",
    "  uint32_t code;",
    "  const char *line;",
    "  uint64_t len;",
    "} ErrorLogLine;",
    "",
    "static const ErrorLogLine ERROR_LOG_LINES[] = {",
    ...entries,
    "};",
    "",
  ].join("\n");
}
