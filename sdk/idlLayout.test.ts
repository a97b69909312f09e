import { CONCORD_ERROR__CLIENT__UNSUPPORTED_IDL_TYPE } from "./errors/codes";
import { expectConcordError } from "../tests/helpers/expectConcordError";
import { COORDINATOR_IDL } from "./coordinatorProgram";
import { idlFieldLayout, idlFieldLayouts, idlTypeSize } from "./idlLayout";

describe("idlLayout", () => {
  test("sizes of the coordinator's fixed types", () => {
    expect(idlTypeSize(COORDINATOR_IDL, { defined: { name: "run" } })).toBe(31376 - 8);
    expect(idlTypeSize(COORDINATOR_IDL, { defined: { name: "runConfig" } })).toBe(160);
    expect(idlTypeSize(COORDINATOR_IDL, { defined: { name: "runState" } })).toBe(1);
  });

  test("flattened offsets reach into nested structs and arrays of structs", () => {
    expect(idlFieldLayout(COORDINATOR_IDL, "run", "config.warmupTime", 8)).toEqual({
      path: "config.warmupTime",
      offset: 56 + 96,
      size: 4,
    });
    expect(idlFieldLayout(COORDINATOR_IDL, "run", "members[0].stake", 8).offset).toBe(1680 + 32);
    const vec = idlFieldLayout(COORDINATOR_IDL, "epochReceipts", "receipts", 8);
    expect(vec).toEqual({ path: "receipts", offset: 92, size: 4, vecElementSize: 56 });
    expect(idlFieldLayouts(COORDINATOR_IDL, "epochReceipts", 8).at(-1)?.path).toBe("receipts[0].padding");
  });

  test("variable-size types are refused with a ConcordError", () => {
    expectConcordError(() => idlTypeSize(COORDINATOR_IDL, "string"), CONCORD_ERROR__CLIENT__UNSUPPORTED_IDL_TYPE);
  });
});
