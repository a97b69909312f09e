// `concord dashboard` in-process through main(): --help names the options, and every bad input gets one line and exit
// 1 before anything listens; and its server, with the page's real assets, serves those and refuses everything else:
// path traversal (raw and encoded), keypair-looking names, other methods. (tests/dashboard.test.ts runs the command
// as a child process under headless Chromium.)
import { request } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../clients/cli/index";
import { dashboardAssets } from "../clients/cli/lib/runDashboard";
import type { DashboardServer } from "../coordinator/dashboard/dashboardServer";
import { startDashboardServer } from "../coordinator/dashboard/dashboardServer";
import { fundedKeypair } from "../coordinator/localnet/localnetClient";
import { createDemoRun } from "../scripts/demo/demoRun";
import { captureConsole } from "./helpers/capturedConsole";
import { CliProcess, freePortPair } from "./helpers/cliProcess";
import { generatedDataset } from "./helpers/generatedDataset";
import { useTestLocalnet } from "./helpers/testLocalnet";
import { within } from "./helpers/within";

const chain = useTestLocalnet();
const logged = captureConsole();
const dir = mkdtempSync(join(tmpdir(), "concord-cli-dashboard-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("--help names the options", async () => {
  expect(await main(["dashboard", "--help"])).toBe(0);
  expect(logged.join("\n")).toMatch(/--run[\s\S]*--port[\s\S]*--host[\s\S]*127\.0\.0\.1/);
});

const NOT_A_RUN = "11111111111111111111111111111112";
test.each([
  [["dashboard"], /Missing required argument: run/],
  [["dashboard", "--run", NOT_A_RUN, "--port", "70000"], /--port = 70000 is out of range: an integer from 0 to 65535/],
  [["dashboard", "--run", NOT_A_RUN, "--port", "x"], /--port = NaN is out of range/],
  [["dashboard", "--run", "not-an-address"], /--run "not-an-address" is not a base58 public key/],
])("%j: one line and exit 1", async (argv, why) => {
  expect(await main(argv)).toBe(1);
  const errors = logged.filter((l) => /^error( \d+)?: /.test(l));
  expect(errors).toHaveLength(1);
  expect(errors[0]).not.toContain("\n");
  expect(errors[0]).toMatch(why);
});

test("a run that does not exist, and an account that is not a run: one line and exit 1", async () => {
  const someone = await fundedKeypair(chain.connection, 1);
  expect(await main(["dashboard", "--url", chain.rpcUrl, "--run", NOT_A_RUN])).toBe(1);
  expect(await main(["dashboard", "--url", chain.rpcUrl, "--run", someone.publicKey.toBase58()])).toBe(1);
  const errors = logged.filter((l) => /^error( \d+)?: /.test(l));
  expect(errors).toEqual([
    `error 11000: account ${NOT_A_RUN} does not exist`,
    expect.stringMatching(new RegExp(`^error 11001: account ${someone.publicKey.toBase58()} is not a valid run: `)),
  ]);
});

// A child process: in-process, web3.js's request to a refused port does not settle under Jest's fetch
test("an RPC node nobody answers at: one line naming it and exit 1", async () => {
  const url = `http://127.0.0.1:${await freePortPair()}`;
  const dashboard = new CliProcess(["dashboard", "--rpc", url, "--run", NOT_A_RUN, "--port", "0"]);
  try {
    const line = await dashboard.line(/^error/, 60_000);
    expect(line).toMatch(new RegExp(`^error 18004: getAccountInfo on ${url} failed: `));
    expect(await within(dashboard.exited, "concord dashboard to exit", 30_000)).toBe(1);
    expect(dashboard.lines.filter((l) => /^error/.test(l))).toEqual([line]);
  } finally {
    await dashboard.kill();
  }
}, 120_000);

/** A request sent with its path exactly as given (fetch would normalize `..` away). */
function raw(url: string, method: string, path: string): Promise<{ status: number; body: string; type?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url + path, { method }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, body, type: res.headers["content-type"] }));
    });
    req.path = path;
    req.on("error", reject);
    req.end();
  });
}

describe("the server", () => {
  let server: DashboardServer;
  const config = { rpcUrl: "http://127.0.0.1:8899", run: NOT_A_RUN };
  beforeAll(async () => {
    server = await startDashboardServer({ assets: await dashboardAssets(config) });
  });
  afterAll(() => server.close());

  test("binds 127.0.0.1 and serves the page, its script, Chart.js and its config", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await raw(server.url, "GET", "/");
    expect(page).toMatchObject({ status: 200, type: "text/html; charset=utf-8" });
    expect(page.body).toContain('<script src="/dashboard.js"></script>');
    expect(await raw(server.url, "GET", "/index.html")).toEqual(page);
    const script = await raw(server.url, "GET", "/dashboard.js");
    expect(script).toMatchObject({ status: 200, type: "text/javascript; charset=utf-8" });
    expect((await raw(server.url, "GET", "/chart.umd.js")).body).toContain("Chart.js v4.");
    expect(JSON.parse((await raw(server.url, "GET", "/config.json?x=1")).body)).toEqual(config);
    expect(await raw(server.url, "HEAD", "/dashboard.js")).toMatchObject({ status: 200, body: "" });
  });

  test.each([
    "/../../programs/coordinator/program-keypair.json",
    "/%2e%2e/%2e%2e/programs/coordinator/program-keypair.json",
    "/..%2f..%2fAnchor.toml",
    "/program-keypair.json",
    "/id.json",
    "/.config/solana/id.json",
    "//etc/passwd",
    "/clients/dashboard/page.ts",
    "/index.html/",
    "/node_modules/chart.js/dist/chart.umd.min.js",
    "/nope",
  ])("GET %s: 404, nothing served", async (path) => {
    const res = await raw(server.url, "GET", path);
    expect(res.status).toBe(404);
    expect(res.body).toMatch(/^no such path: /);
  });

  test.each(["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])("%s: 405, read-only", async (method) => {
    const res = await raw(server.url, method, "/config.json");
    expect(res.status).toBe(405);
    expect(res.body).toMatch(/not allowed: the dashboard is read-only/);
  });

  test("a port in use: one line", async () => {
    const port = new URL(server.url).port;
    const run = await createDemoRun(chain.connection, await fundedKeypair(chain.connection, 20), {
      dataset: generatedDataset(join(dir, "data"), 20_000, 3),
      members: 1,
      rounds: 1,
    });
    expect(await main(["dashboard", "--url", chain.rpcUrl, "--run", run.run.toBase58(), "--port", port])).toBe(1);
    const errors = logged.filter((l) => /^error( \d+)?: /.test(l));
    expect(errors).toEqual([
      expect.stringMatching(/^error 19000: the dashboard cannot listen on 127\.0\.0\.1:\d+: listen EADDRINUSE/),
    ]);
  });
});
