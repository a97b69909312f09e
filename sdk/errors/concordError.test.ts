import { CONCORD_ERROR__CLIENT__ACCOUNT_NOT_FOUND, CONCORD_ERROR__CLIENT__MALFORMED_ACCOUNT } from "./codes";
import * as codes from "./codes";
import { ConcordError, isConcordError } from "./concordError";
import { CONCORD_COORDINATOR_IDL } from "../generated/concordCoordinator";
import { CONCORD_ERROR_MESSAGES } from "./messages";

describe("ConcordError", () => {
  test("renders its message from the context and keeps code and context", () => {
    const e = new ConcordError(CONCORD_ERROR__CLIENT__MALFORMED_ACCOUNT, {
      address: "abc",
      kind: "Run",
      reason: "short",
    });
    expect(e.message).toBe("account abc is not a valid Run: short");
    expect(e.code).toBe(11001);
    expect(e.context.kind).toBe("Run");
  });

  test("isConcordError narrows by code", () => {
    const e: unknown = new ConcordError(CONCORD_ERROR__CLIENT__ACCOUNT_NOT_FOUND, { address: "x" });
    expect(isConcordError(e)).toBe(true);
    expect(isConcordError(e, CONCORD_ERROR__CLIENT__ACCOUNT_NOT_FOUND)).toBe(true);
    expect(isConcordError(e, CONCORD_ERROR__CLIENT__MALFORMED_ACCOUNT)).toBe(false);
    expect(isConcordError(new Error("plain"))).toBe(false);
  });

  test("codes are unique, and every code has a message", () => {
    const values = Object.values(codes);
    expect(new Set(values).size).toBe(values.length);
    for (const code of values) expect(CONCORD_ERROR_MESSAGES[code]).toEqual(expect.any(String));
  });

  test("no code is one the program or Anchor's framework can raise: a number names one thing everywhere", () => {
    // Anchor's framework errors are 100-5999; the program's own start at 6000 and are listed in its IDL
    const programCodes = CONCORD_COORDINATOR_IDL.errors.map((e) => e.code);
    expect(Math.min(...programCodes)).toBe(6000);
    for (const code of Object.values(codes)) {
      expect(code).toBeGreaterThanOrEqual(11000);
      expect(code).toBeGreaterThan(Math.max(...programCodes));
    }
  });
});
