// Prometheus metrics of the long-running commands, through main() in-process against the real local chain: a
// `concord train --metrics-port 0` member and a `concord crank --metrics-port 0` play a short run with a second
// member (an in-process node), and their /metrics, scraped over HTTP on 127.0.0.1, parse as Prometheus text and
// move as rounds close. Every bad metrics flag gets one line and exit 1, before anything is sent or served.
import { PublicKey } from "@solana/web3.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../clients/cli/index";
import { writeKeypair } from "../coordinator/localnet/coordinatorProgram";
import { fundedKeypair } from "../coordinator/localnet/localnetClient";
import { createDemoRun } from "../scripts/demo/demoRun";
import { captureConsole } from "./helpers/capturedConsole";
import { generatedDataset } from "./helpers/generatedDataset";
import { startNodes } from "./helpers/inProcessNodes";
import type { Sample } from "./helpers/prometheusText";
import { parsePrometheusText, sampleValue } from "./helpers/prometheusText";
import { useTestLocalnet } from "./helpers/testLocalnet";
import { eventually, within } from "./helpers/within";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-cli-metrics-"));
const logged = captureConsole();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function scrape(url: string): Promise<Sample[]> {
  const response = await within(fetch(url), `a scrape of ${url}`, 10_000);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

/** The URLs of the metrics endpoints the commands printed so far, in order. */
const metricsUrls = () => logged.flatMap((l) => /^metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)$/.exec(l)?.[1] ?? []);

test.each(["train", "crank", "relay", "serve"])("%s --help names the metrics flags", async (command) => {
  expect(await main([command, "--help"])).toBe(0);
  expect(logged.join("\n")).toMatch(/--metrics-port[\s\S]*--metrics-host/);
});

test("a trainer's and a crank's /metrics parse and move as the rounds close", async () => {
  // Given a 3-round run of two members: one a `concord train` with metrics, the other an in-process node
  const connection = chain.connection;
  const dataset = generatedDataset(join(dir, "data"), 20_000, 5);
  const authority = await fundedKeypair(connection, 20);
  const { run, recipe } = await createDemoRun(connection, authority, { dataset, members: 2, rounds: 3 });
  writeKeypair(join(dir, "authority.json"), authority);
  writeKeypair(join(dir, "member.json"), await fundedKeypair(connection, 2));
  writeFileSync(join(dir, "recipe.json"), JSON.stringify(recipe));
  const other = await startNodes(connection, { run, recipe, dataset, count: 1, dir: join(dir, "nodes") });
  const common = ["--url", chain.rpcUrl, "--run", run.toBase58(), "--metrics-port", "0"];
  let crank: Promise<number> | undefined;
  const trainer = main([
    "train",
    ...common,
    ...["--keypair", join(dir, "member.json"), "--recipe", join(dir, "recipe.json"), "--data", dataset.dir],
    ...["--state-dir", join(dir, "trainer")],
  ]);
  try {
    await eventually(() => metricsUrls().length === 1, "the trainer's metrics URL", 60_000);
    const [trainerUrl] = metricsUrls();
    crank = main(["crank", ...common, "--keypair", join(dir, "authority.json"), "--poll-ms", "500"]);
    await eventually(() => metricsUrls().length === 2, "the crank's metrics URL", 30_000);
    const crankUrl = metricsUrls()[1];

    // When round 0 closes
    await eventually(() => logged.some((l) => l.startsWith("step 0: applied")), "round 0 applied", 120_000);
    const first = await scrape(trainerUrl);

    // Then the trainer's counters count it: its receipt committed and accepted, each phase timed, tokens trained,
    // bytes exchanged with the other member, chain requests timed by method; Node's process metrics are there too
    expect(sampleValue(first, "concord_trainer_rounds_applied_total")).toBeGreaterThanOrEqual(1);
    expect(sampleValue(first, "concord_trainer_receipts_committed_total")).toBeGreaterThanOrEqual(1);
    expect(sampleValue(first, "concord_trainer_receipts_accepted_total")).toBeGreaterThanOrEqual(1);
    for (const phase of ["train", "commit", "witness", "apply"])
      expect(sampleValue(first, "concord_trainer_phase_seconds_count", { phase })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(first, "concord_trainer_step_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(sampleValue(first, "concord_trainer_tokens_total")).toBeGreaterThan(0);
    expect(sampleValue(first, "concord_trainer_tokens_per_second")).toBeGreaterThan(0);
    expect(sampleValue(first, "concord_peer_bytes_sent_total")).toBeGreaterThan(0);
    expect(sampleValue(first, "concord_peer_bytes_received_total")).toBeGreaterThan(0);
    expect(sampleValue(first, "concord_peer_connected")).toBe(1);
    expect(sampleValue(first, "concord_rpc_request_seconds_count", { method: "sendTransaction" })).toBeGreaterThan(0);
    expect(sampleValue(first, "concord_rpc_request_seconds_count", { method: "getAccountInfo" })).toBeGreaterThan(0);
    expect(sampleValue(first, "process_cpu_seconds_total")).toBeGreaterThan(0);
    // and the crank's, the transitions it ticked and its own chain requests
    const crankSamples = await scrape(crankUrl);
    expect(sampleValue(crankSamples, "concord_crank_transitions_total")).toBeGreaterThanOrEqual(1);
    expect(sampleValue(crankSamples, "concord_rpc_request_seconds_count")).toBeGreaterThan(0);

    // When round 1 closes, the trainer's counters have moved on
    await eventually(() => logged.some((l) => l.startsWith("step 1: applied")), "round 1 applied", 120_000);
    const second = await scrape(trainerUrl);
    for (const name of ["concord_trainer_rounds_applied_total", "concord_trainer_receipts_committed_total"])
      expect(sampleValue(second, name)).toBeGreaterThan(sampleValue(first, name));

    // And once the run is finished, both commands exit 0 and stop serving their metrics
    expect(await within(trainer, "the trainer to finish the run", 120_000)).toBe(0);
    expect(await within(crank, "the crank to see the run finished", 60_000)).toBe(0);
    await within(Promise.all(other.runs), "the other member to finish", 60_000);
    for (const url of [trainerUrl, crankUrl]) await expect(fetch(url)).rejects.toThrow();
  } finally {
    process.emit("SIGTERM"); // the trainer and the crank stop now, if a failure left them running
    other.stop();
    await Promise.allSettled([trainer, crank, ...other.runs]);
  }
}, 300_000);

test("relay and serve: /metrics on a port of its own, stopped with them", async () => {
  // Given a relay and a data server started in-process with metrics on free ports
  const relay = main(["relay", "--port", "0", "--metrics-port", "0"]);
  let serve: Promise<number> | undefined;
  try {
    await eventually(() => metricsUrls().length === 1, "the relay's metrics URL", 30_000);
    serve = main(["serve", "--dir", join(dir, "served"), "--metrics-port", "0"]);
    await eventually(() => metricsUrls().length === 2, "the data server's metrics URL", 30_000);
    const [relayUrl, serveUrl] = metricsUrls();
    const base = logged.flatMap((l) => /^URL: (http:\/\/\S+)\/blob\/<sha256>$/.exec(l)?.[1] ?? [])[0];

    // When a client asks the data server for a blob it does not hold, and for a path that is no blob
    expect((await fetch(`${base}/blob/${"0".repeat(64)}`)).status).toBe(404);
    expect((await fetch(`${base}/elsewhere`)).status).toBe(404);

    // Then the data server counts both answers (each once done: the client may have it a moment before)
    const notFound = async () =>
      sampleValue(await scrape(serveUrl), "concord_blob_requests_total", { method: "GET", status: "404" });
    for (const deadline = Date.now() + 10_000; (await notFound()) < 2 && Date.now() < deadline;)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await notFound()).toBe(2);
    // and the relay shows its registrations (none yet) and what it forwarded
    const relayed = await scrape(relayUrl);
    expect(relayed.some((s) => s.name === "concord_relay_members_registered" && s.value === 0)).toBe(true);
    expect(relayed.some((s) => s.name === "concord_relay_frames_total")).toBe(true);
    // and nothing but /metrics is served on the metrics port
    expect((await fetch(relayUrl.replace(/\/metrics$/, "/"))).status).toBe(404);

    // When both are stopped (SIGTERM, as a service manager does), their metrics go with them
    process.emit("SIGTERM");
    expect(await within(relay, "the relay to stop", 10_000)).toBe(0);
    expect(await within(serve, "the data server to stop", 10_000)).toBe(0);
    for (const url of [relayUrl, serveUrl]) await expect(fetch(url)).rejects.toThrow();
  } finally {
    process.emit("SIGTERM"); // both stop now, if a failure left them running
    await Promise.allSettled([relay, serve]);
  }
});

describe("bad metrics flags: one line, exit 1, nothing sent or served", () => {
  let busyPort: number;
  const busy = createServer();
  beforeAll(async () => {
    await new Promise<void>((ok) => busy.listen(0, "127.0.0.1", ok));
    busyPort = (busy.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((done) => busy.close(() => done())));

  const runArgs = () => ["--url", chain.rpcUrl, "--run", PublicKey.default.toBase58()];
  test.each<[string, () => string[], () => RegExp]>([
    [
      "crank: a port above 65535",
      () => ["crank", ...runArgs(), "--metrics-port", "70000"],
      () => /^error \d+: --metrics-port = 70000 is out of range: an integer from 0 to 65535$/,
    ],
    [
      "train: a port that is no number",
      () => ["train", ...runArgs(), "--recipe", "r.json", "--data", "d", "--metrics-port", "many"],
      () => /^error \d+: --metrics-port = NaN is out of range: an integer from 0 to 65535$/,
    ],
    [
      "relay: a host without a port",
      () => ["relay", "--port", "0", "--metrics-host", "0.0.0.0"],
      () => /^error \d+: --metrics-host 0\.0\.0\.0 needs --metrics-port PORT/,
    ],
    [
      "serve: an empty host",
      () => ["serve", "--dir", join(dir, "blobs"), "--metrics-port", "0", "--metrics-host", ""],
      () => /^error \d+: --metrics-host = "" is out of range: an address to listen on/,
    ],
    [
      "relay: a port another process holds",
      () => ["relay", "--port", "0", "--metrics-port", String(busyPort)],
      () => new RegExp(`^error \\d+: cannot serve metrics on 127\\.0\\.0\\.1:${busyPort}: listen EADDRINUSE`),
    ],
    [
      "serve: a host that is no address of this machine",
      () => ["serve", "--dir", join(dir, "blobs"), "--metrics-port", "0", "--metrics-host", "192.0.2.1"],
      () => /^error \d+: cannot serve metrics on 192\.0\.2\.1:0: listen EADDRNOTAVAIL/,
    ],
  ])("%s", async (_, argv, message) => {
    expect(await main(argv())).toBe(1);
    const errors = logged.filter((l) => /^error( \d+)?: /.test(l));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message());
    // nothing started: no endpoint printed, the relay's or data server's included
    expect(logged.filter((l) => /^(metrics|endpoint|URL): /.test(l))).toEqual([]);
  });
});
