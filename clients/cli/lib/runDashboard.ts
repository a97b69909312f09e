// `concord dashboard`: bundles the page (clients/dashboard/, with web3.js and the SDK) and serves it, beside Chart.js
// from node_modules (nothing from a CDN) and the RPC URL and run it follows, until interrupted. The browser reads the
// chain itself; the server only hands out these fixed assets.
import { Connection } from "@solana/web3.js";
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { DashboardAsset } from "../../../coordinator/dashboard/dashboardServer";
import { startDashboardServer } from "../../../coordinator/dashboard/dashboardServer";
import { REPO_ROOT } from "../../../programs/coordinator/paths";
import { decodeRun } from "../../../sdk/coordinatorAccounts";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";
import { rpcFailed } from "../../../sdk/errors/rpcFailed";
import { rpcUrlOf } from "./clusterArgs";
import { runAddress } from "./runAddress";

const PAGE_DIR = join(REPO_ROOT, "clients", "dashboard");

/** Chart.js's browser build, as its package ships it. */
const CHART_JS = join(dirname(require.resolve("chart.js")), "chart.umd.min.js");

/** The page's assets: its HTML, its script bundled for the browser, Chart.js, and the config it reads at start. */
export async function dashboardAssets(config: { rpcUrl: string; run: string }): Promise<Map<string, DashboardAsset>> {
  let script: Uint8Array;
  try {
    const bundled = await build({
      entryPoints: [join(PAGE_DIR, "page.ts")],
      bundle: true,
      platform: "browser",
      format: "iife",
      target: "es2022",
      inject: [join(PAGE_DIR, "bufferGlobal.ts")],
      minify: true,
      write: false,
      logLevel: "silent",
    });
    script = bundled.outputFiles[0].contents;
  } catch (e) {
    throw new ConcordError(
      codes.CONCORD_ERROR__DASHBOARD__BUNDLE_FAILED,
      { reason: (e as Error).message },
      { cause: e },
    );
  }
  return new Map<string, DashboardAsset>([
    ["/index.html", { contentType: "text/html; charset=utf-8", body: readFileSync(join(PAGE_DIR, "index.html")) }],
    ["/chart.umd.js", { contentType: "text/javascript; charset=utf-8", body: readFileSync(CHART_JS) }],
    ["/dashboard.js", { contentType: "text/javascript; charset=utf-8", body: script }],
    ["/config.json", { contentType: "application/json", body: JSON.stringify(config) }],
  ]);
}

export async function runDashboard(args: {
  config?: string;
  url?: string;
  run: string;
  host: string;
  port: number;
}): Promise<void> {
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535)
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__VALUE_OUT_OF_RANGE, {
      name: "--port",
      value: String(args.port),
      range: "an integer from 0 to 65535",
    });
  const run = runAddress(args.run);
  const rpcUrl = await rpcUrlOf(args);
  // A run that is not there is a typo to report now, not a page that waits forever.
  const info = await new Connection(rpcUrl, "confirmed").getAccountInfo(run, "confirmed").catch((e: unknown) => {
    throw rpcFailed(`getAccountInfo on ${rpcUrl}`, e);
  });
  if (!info) throw new ConcordError(codes.CONCORD_ERROR__CLIENT__ACCOUNT_NOT_FOUND, { address: run.toBase58() });
  decodeRun(info.data, run.toBase58());
  const server = await startDashboardServer({
    assets: await dashboardAssets({ rpcUrl, run: run.toBase58() }),
    host: args.host,
    port: args.port,
  });
  console.log(`concord dashboard: run ${run.toBase58()} on ${rpcUrl}`);
  console.log(`URL: ${server.url}/`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      void server.close().then(() => {
        console.log("stopped");
        done();
      });
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
