// `concord dashboard` followed by headless Chromium against a running network: a `concord localnet` process, two
// in-process trainer nodes and a crank playing a demo run (a `concord dashboard` process serves the page). The page shows the run's state and members, its loss chart
// has points (a screenshot of the chart is checked to be non-blank) and gains points as rounds close, and when the
// chain is killed with SIGKILL and restarted on the same port and folder the page says so and keeps updating.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { fundedKeypair, waitForIdleWebsocket } from "../coordinator/localnet/localnetClient";
import { createDemoRun } from "../scripts/demo/demoRun";
import { rpcConnection } from "../sdk/rpcConnection";
import { CliProcess, freePortPair, startLocalnetProcess } from "./helpers/cliProcess";
import { generatedDataset } from "./helpers/generatedDataset";
import { launchChromium } from "./helpers/headlessChromium";
import { crankUntil, startNodes } from "./helpers/inProcessNodes";
import { colouredPixels, decodePng } from "./helpers/pngPixels";
import { within } from "./helpers/within";

const dir = mkdtempSync(join(tmpdir(), "concord-dashboard-"));
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  const failed: string[] = [];
  for (const cleanup of cleanups.reverse())
    await within(Promise.resolve(cleanup()), "a cleanup", 60_000).catch((e: Error) => failed.push(e.message));
  await waitForIdleWebsocket();
  rmSync(dir, { recursive: true, force: true });
  if (failed.length) throw new Error(failed.join("; "));
}, 240_000);

const MEMBERS = 2;
/** Enough rounds that the run is still going when the chain is killed. */
const ROUNDS = 16;

/** The number of points the page's loss chart holds (it writes them on the canvas: data-points). */
const chartPoints = (page: Page) =>
  page.locator("#loss").evaluate((c) => Number((c as HTMLCanvasElement).dataset.points ?? 0));

/** Waits until `predicate` holds in the page, failing with `what` and the page's status line. */
async function inPage(page: Page, what: string, ms: number, predicate: (arg: number) => boolean, arg = 0) {
  try {
    await page.waitForFunction(predicate, arg, { timeout: ms, polling: 200 });
  } catch {
    const status = await page.locator("#connection").textContent();
    throw new Error(`the page showed no ${what} within ${ms} ms (its status: ${status})`);
  }
}

test("the page follows a running network, and survives the chain's restart", async () => {
  // Given a chain process on a fixed port and folder with a demo run, and `concord dashboard` for the run, opened in
  // headless Chromium before anyone joined
  const port = await freePortPair();
  const stateDir = join(dir, "chain");
  let chain = await startLocalnetProcess(port, stateDir);
  cleanups.push(() => chain.kill());
  const rpcUrl = `http://127.0.0.1:${port}`;
  // (retrying while the chain is down, as `concord train` and `concord crank` do)
  const connection = rpcConnection(rpcUrl);
  const dataset = generatedDataset(join(dir, "data"), 20_000, 17);
  const authority = await fundedKeypair(connection, 20);
  const { run, recipe } = await createDemoRun(connection, authority, {
    dataset,
    members: MEMBERS,
    rounds: ROUNDS,
    globalBatchSize: 4,
    roundsPerEpoch: 4,
  });
  const dashboard = new CliProcess(["dashboard", "--url", rpcUrl, "--run", run.toBase58(), "--port", "0"]);
  cleanups.push(() => dashboard.kill());
  const url = (await dashboard.line(/^URL: /, 60_000)).slice("URL: ".length);
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  const browser: Browser = await launchChromium();
  cleanups.push(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 1200 } });
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await page.goto(url);
  await expect(page.locator("#run").textContent()).resolves.toBe(run.toBase58());
  await inPage(
    page,
    "the run's state",
    60_000,
    () => document.getElementById("state")!.textContent === "WaitingForMembers",
  );

  // When two in-process nodes join and train, ticked by a crank
  const nodes = await startNodes(connection, { run, recipe, dataset, count: MEMBERS, dir });
  cleanups.push(async () => {
    nodes.stop();
    await Promise.allSettled(nodes.runs);
  });
  const played = crankUntil(connection, authority, run, Promise.all(nodes.runs), 600_000);
  played.catch(() => {}); // awaited below; a failure before then is reported there

  // Then the page shows them as members
  await inPage(page, "members", 60_000, (n) => document.querySelectorAll("#members tbody tr").length === n, MEMBERS);
  for (const key of nodes.keys)
    expect(await page.locator(`#members tr[data-member="${key.toBase58()}"]`).count()).toBe(1);

  // and the loss chart has points, drawn: a screenshot of it has the members' colours
  await inPage(page, "loss points", 240_000, () => Number(document.getElementById("loss")!.dataset.points) >= 2);
  expect(await page.locator("#state").textContent()).toMatch(/^(Warmup|RoundTrain|RoundWitness|Cooldown)$/);
  const shot = decodePng(await page.locator("#loss").screenshot());
  expect(shot.width).toBeGreaterThan(100);
  expect(colouredPixels(shot)).toBeGreaterThan(20);

  // and it gains points as rounds close
  const before = await chartPoints(page);
  await inPage(
    page,
    "new loss points",
    240_000,
    (n) => Number(document.getElementById("loss")!.dataset.points) > n,
    before,
  );
  expect(await page.locator("#step").textContent()).toMatch(new RegExp(`^\\d+ of ${ROUNDS} `));

  // When the chain is killed mid-run, the page says it is unreachable
  await chain.kill();
  const beforeKill = await chartPoints(page);
  expect(beforeKill).toBeLessThan(MEMBERS * ROUNDS); // the run is not over: there is more to show
  await inPage(page, "unreachable chain", 60_000, () => document.getElementById("connection")!.className === "down");

  // and once it is started again on the same port and folder, the page is live again and keeps updating
  chain = await startLocalnetProcess(port, stateDir);
  await inPage(page, "live status", 60_000, () => document.getElementById("connection")!.className === "");
  await inPage(
    page,
    "points after the restart",
    240_000,
    (n) => Number(document.getElementById("loss")!.dataset.points) > n,
    beforeKill,
  );

  // and it shows the whole run once it finishes: every member's loss each round, and each round's accepted mean
  await within(played, "the run to finish", 600_000);
  await inPage(page, "the finished run", 60_000, () => document.getElementById("state")!.textContent === "Finished");
  await inPage(
    page,
    "every point",
    60_000,
    (n) => Number(document.getElementById("loss")!.dataset.points) === n,
    (MEMBERS + 1) * ROUNDS,
  );
  const after = decodePng(await page.locator("#loss").screenshot());
  expect(colouredPixels(after)).toBeGreaterThan(colouredPixels(shot));
  const members = await page.locator("#members tbody tr").allTextContents();
  expect(members).toHaveLength(MEMBERS);
  expect(pageErrors).toEqual([]);
}, 900_000);
