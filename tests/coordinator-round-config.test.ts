// The configuration of rounds of H inner steps (inner_steps, value_bits, outer_learning_rate, outer_momentum) against
// the program: every invalid value is refused by initialize_run and by update_config with its own error and logged
// rule, leaving the Run as it was, and the boundary values are accepted and stored as written.
import { decodeRun } from "../sdk/coordinatorAccounts";
import type { RunConfig } from "../sdk/coordinatorAccounts";
import { COORDINATOR_ERROR_CODES } from "../sdk/coordinatorErrors";
import type { CoordinatorErrorName } from "../sdk/coordinatorErrors";
import * as ix from "../sdk/coordinatorInstructions";
import { runConfigViolation } from "../sdk/runConfig";
import { CoordinatorHarness, runConfig } from "./helpers/coordinatorHarness";

/** f32 neighbours of the bounds: 16 + one ulp, 1 - one ulp, the smallest positive and negative subnormals. */
const ABOVE_16 = 16 + 2 ** -19;
const BELOW_1 = 1 - 2 ** -24;
const TINY = 2 ** -149;

interface Rule {
  field: keyof RunConfig;
  invalid: RunConfig[keyof RunConfig][];
  valid: RunConfig[keyof RunConfig][];
  error: CoordinatorErrorName;
  rule: string;
}

const RULES: Rule[] = [
  {
    field: "innerSteps",
    invalid: [0, 1025, 65535],
    valid: [1, 2, 1024],
    error: "invalidConfigInnerSteps",
    rule: "inner_steps must be in [1, 1024]",
  },
  {
    field: "valueBits",
    invalid: [0, 3, 4, 8, 15, 17, 31, 33, 64, 255],
    valid: [1, 2, 16, 32],
    error: "invalidConfigValueBits",
    rule: "value_bits must be 1, 2, 16 or 32",
  },
  {
    field: "padding",
    invalid: [
      [1, 0, 0],
      [0, 0, 255],
    ],
    valid: [[0, 0, 0]],
    error: "invalidConfigValueBits",
    rule: "the padding after value_bits must be zero",
  },
  {
    field: "outerLearningRate",
    invalid: [0, -0, -TINY, -1, ABOVE_16, 17, NaN, Infinity, -Infinity],
    valid: [TINY, 0.7, 1, 16],
    error: "invalidConfigOuterOptimizer",
    rule: "outer_learning_rate must be in (0, 16]",
  },
  {
    field: "outerMomentum",
    invalid: [1, 1.5, -TINY, -0.5, NaN, Infinity, -Infinity],
    valid: [0, -0, TINY, 0.9, BELOW_1],
    error: "invalidConfigOuterOptimizer",
    rule: "outer_momentum must be in [0, 1)",
  },
];

const label = (v: unknown) => (Array.isArray(v) ? JSON.stringify(v) : Object.is(v, -0) ? "-0" : String(v));
const cases = (kind: "invalid" | "valid") =>
  RULES.flatMap((r) => r[kind].map((value) => [r.field, label(value), value, r] as const));

describe("coordinator round configuration (rounds of H inner steps)", () => {
  let h: CoordinatorHarness;
  let nextRunId = 100;
  /** initialize_run (with its extend_run) of a new run id, on the shared chain. */
  const initialize = async (config: RunConfig) => {
    const runId = nextRunId++;
    const r = h.send(await ix.createRunInstructions(h.program, { authority: h.authority.publicKey, runId, config }));
    return { r, run: ix.runAddresses(h.program, runId).run };
  };

  beforeAll(async () => {
    h = await CoordinatorHarness.create(); // run 1, WaitingForMembers: update_config is allowed
  });

  test.each(cases("invalid"))("%s = %s is refused", async (field, _, value, rule) => {
    const config = runConfig({ [field]: value });
    // the SDK's mirror names the same rule before anything is sent
    expect(runConfigViolation(config)).toEqual({ error: rule.error, rule: rule.rule, field });

    // When a new run is created with it, no run appears
    const created = await initialize(config);
    expect(created.r.customError).toBe(COORDINATOR_ERROR_CODES[rule.error]);
    expect(created.r.logs).toContain(`Program log: ${rule.rule}`);
    expect(h.chain.account(created.run)).toBeNull();

    // When the authority of a halted run switches to it, the run is unchanged
    const before = h.data(h.run);
    const updated = await h.updateConfig(config);
    expect(updated.customError).toBe(COORDINATOR_ERROR_CODES[rule.error]);
    expect(updated.logs).toContain(`Program log: ${rule.rule}`);
    expect(h.data(h.run)).toEqual(before);
  });

  test.each(cases("valid"))("%s = %s is accepted", async (field, _, value) => {
    const config = runConfig({ [field]: value });
    expect(runConfigViolation(config)).toBeNull();
    // the f32 fields are stored as f32: compare with what Borsh reads back from the written value
    const stored = (run: { config: RunConfig }) => run.config[field];
    const expected = typeof value === "number" ? Math.fround(value) : value;

    const created = await initialize(config);
    h.expectOk(created.r);
    expect(stored(decodeRun(h.data(created.run)))).toEqual(expected);

    h.expectOk(await h.updateConfig(config));
    expect(stored(h.runAccount())).toEqual(expected);
  });
});
