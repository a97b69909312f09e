import * as codes from "./codes";
import { ConcordError } from "./concordError";
import { errorLine, errorReport } from "./errorReport";

describe("errorReport", () => {
  test("a ConcordError: its code and message", () => {
    const e = new ConcordError(codes.CONCORD_ERROR__DATASET__SOURCE_NOT_FOUND, { path: "/x" });
    expect(errorReport(e)).toEqual({ code: 13006, message: "dataset source not found: /x" });
    expect(errorLine(errorReport(e))).toBe("error 13006: dataset source not found: /x");
  });

  test("a program error: the program's own code and name, with the IDL's message", () => {
    const e = new ConcordError(codes.CONCORD_ERROR__TRANSACTION__PROGRAM_ERROR, {
      code: 6027,
      name: "StakeTooLow",
      instruction: 0,
      outcome: "refused at preflight",
    });
    expect(errorLine(errorReport(e))).toBe(
      "error 6027: StakeTooLow: the stake is below the run's minimum (instruction 0, refused at preflight)",
    );
  });

  test("another program's custom error keeps its number", () => {
    const e = new ConcordError(codes.CONCORD_ERROR__TRANSACTION__PROGRAM_ERROR, {
      code: 1,
      name: "not a coordinator error",
      instruction: 2,
      outcome: "landed failed as sig",
    });
    expect(errorReport(e).code).toBe(1);
  });

  test("anything else has no code; every message is one line", () => {
    expect(errorLine(errorReport(new Error("member-1 died; its last lines:\n  a\n  b")))).toBe(
      "error: member-1 died; its last lines: | a | b",
    );
    expect(errorReport("text")).toEqual({ code: null, message: "text" });
  });
});
