// The lint rule that keeps dependencies pointing one way (eslint.config.mjs): each forbidden import is reported
// with the rule's message, and the allowed directions lint clean. Runs the repository's real ESLint configuration,
// in a child node process: the config is an ES module, which Jest's module sandbox cannot load.
import { execFileSync } from "node:child_process";
import { REPO_ROOT } from "../programs/coordinator/paths";

const FORBIDDEN: [path: string, target: string, message: string][] = [
  ["sdk/probe.ts", "../trainer/optim/demo", "sdk/ must not import trainer/"],
  ["sdk/codec/probe.ts", "../../coordinator/crank/crank", "sdk/ must not import coordinator/"],
  ["trainer/optim/probe.ts", "../../coordinator/localnet/localnet", "trainer/ must not import coordinator/"],
  ["coordinator/crank/probe.ts", "../../trainer/optim/demo", "coordinator/ must not import trainer/"],
  ["coordinator/localnet/probe.ts", "../../scripts/build-program", "coordinator/ must not import scripts/"],
  ["scripts/probe.ts", "../clients/cli/index", "scripts/ must not import clients/"],
  ["clients/cli/lib/probe.ts", "../../../tests/helpers/testChain", "clients/ must not import tests/"],
  // the SDK and the dashboard page run in browsers: no Node modules (eslint.config.mjs lists the Node-only files)
  ["sdk/probe.ts", "node:fs", "browser code (the SDK, the dashboard page) must not import Node's modules"],
  ["sdk/codec/probe.ts", "crypto", "browser code (the SDK, the dashboard page) must not import Node's modules"],
  [
    "clients/dashboard/probe.ts",
    "node:http",
    "browser code (the SDK, the dashboard page) must not import Node's modules",
  ],
  ["clients/dashboard/probe.ts", "../../tests/helpers/within", "clients/ must not import tests/"],
];
const ALLOWED: [path: string, target: string][] = [
  ["trainer/optim/probe.ts", "../../sdk/codec/updateCodec"],
  ["coordinator/crank/probe.ts", "../../sdk/coordinatorInstructions"],
  ["coordinator/localnet/probe.ts", "../../programs/coordinator/paths"],
  ["scripts/probe.ts", "../trainer/optim/demo"],
  ["clients/cli/lib/probe.ts", "../../../scripts/build-program"],
  ["sdk/probe.ts", "./coordinatorPdas"],
  ["tests/probe.test.ts", "../clients/cli/index"],
  ["sdk/probe.test.ts", "../tests/helpers/expectConcordError"],
  ["sdk/net/probe.ts", "node:net"],
  ["clients/dashboard/probe.ts", "../../trainer/node/runHistory"],
  ["clients/cli/lib/probe.ts", "node:fs"],
];

/** Lints each (path, source) as a file at that path; the messages of rule `ruleId` per case. */
function lintMessages(cases: [string, string][], ruleId: string): string[][] {
  const script = `
    const { ESLint } = require("eslint");
    const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const eslint = new ESLint({ cwd: process.cwd() });
    Promise.all(cases.map(async ([path, source]) => {
      const [result] = await eslint.lintText(source, { filePath: path });
      return result.messages.filter((m) => m.ruleId === ${JSON.stringify(ruleId)}).map((m) => m.message);
    })).then((r) => process.stdout.write(JSON.stringify(r)));`;
  const out = execFileSync(process.execPath, ["-e", script], {
    cwd: REPO_ROOT,
    input: JSON.stringify(cases),
    timeout: 30_000,
  });
  return JSON.parse(out.toString());
}

/** Lints each (path, import target) as a one-import file at that path; the rule's messages per case. */
const boundaryErrors = (cases: [string, string][]) =>
  lintMessages(
    cases.map(([path, target]) => [path, `import { x } from ${JSON.stringify(target)};\nexport const y = x;\n`]),
    "no-restricted-imports",
  );

describe("the dependency-direction lint rule", () => {
  const results = boundaryErrors([...FORBIDDEN.map(([p, t]) => [p, t] as [string, string]), ...ALLOWED]);

  it.each(FORBIDDEN.map((c, i) => [...c, i] as const))("%s importing %s fails", (_path, _target, message, i) => {
    expect(results[i]).toHaveLength(1);
    expect(results[i][0]).toContain(message);
  });

  it.each(ALLOWED.map((c, i) => [...c, FORBIDDEN.length + i] as const))("%s importing %s is allowed", (...c) => {
    expect(results[c[2]]).toEqual([]);
  });
});

test("Node's global Buffer is refused in the SDK and the dashboard page, but not in the SDK's Node-only files", () => {
  const source = "export const b = Buffer.from([1]);\n";
  const [sdk, page, net, trainer] = lintMessages(
    ["sdk/probe.ts", "clients/dashboard/probe.ts", "sdk/net/probe.ts", "trainer/probe.ts"].map((p) => [p, source]),
    "no-restricted-globals",
  );
  expect(sdk).toEqual([expect.stringContaining("browser code (the SDK, the dashboard page): use Uint8Array")]);
  expect(page).toEqual(sdk);
  expect([net, trainer]).toEqual([[], []]);
});
