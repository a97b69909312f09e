// `concord demo` (what `npm start` runs): the demo network on the embedded local chain. Builds the program, prepares
// the dataset (the default corpus once, or --text FILE), starts the local chain with JSON-RPC on --port (websockets on
// port + 1), creates a run, and runs a crank and one `concord train` process per member on loopback ports
// (port + 11 ..) until the run finishes (scripts/demo/networkDemo.ts); then keeps the chain serving until Ctrl-C
// (--exit stops at the end). --port 0 takes free ports for everything.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { coordinatorProgram } from "../../../coordinator/localnet/coordinatorProgram";
import type { Latency } from "../../../coordinator/localnet/latency";
import { startLocalnet } from "../../../coordinator/localnet/localnet";
import { waitForIdleWebsocket } from "../../../coordinator/localnet/localnetClient";
import { REPO_ROOT } from "../../../programs/coordinator/paths";
import { buildProgram } from "../../../scripts/build-program";
import { runNetworkDemo } from "../../../scripts/demo/networkDemo";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";
import { DEFAULT_SHARD_TOKENS } from "../../../trainer/data/prepareDataset";
import { MANIFEST_FILE, openDataset } from "../../../trainer/data/tokenShards";
import { progressWanted } from "./progress";
import { runPrepareDataset } from "./runPrepareDataset";

const DATA_DIR = join(REPO_ROOT, "target", "data");

/** The prepared dataset folder for --text FILE (by the file's content) or the default corpus, prepared once. */
function datasetDir(text: string | undefined): string {
  const prepare = (source: { input: string } | { default: true }, out: string) =>
    runPrepareDataset({ ...source, out, trainFraction: 0.9, shardTokens: DEFAULT_SHARD_TOKENS, json: false });
  if (text === undefined) {
    const dir = join(DATA_DIR, "default");
    if (!existsSync(join(dir, MANIFEST_FILE))) prepare({ default: true }, dir);
    return dir;
  }
  const file = resolve(text);
  if (!existsSync(file)) throw new ConcordError(codes.CONCORD_ERROR__DATASET__SOURCE_NOT_FOUND, { path: file });
  const digest = createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 16);
  const dir = join(DATA_DIR, `text-${digest}`);
  if (!existsSync(join(dir, MANIFEST_FILE))) prepare({ input: file }, dir);
  return dir;
}

function checkRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__VALUE_OUT_OF_RANGE, { name, value, range: `${min}..${max}` });
}

export async function runDemo(args: {
  port: number;
  members: number;
  rounds: number;
  text?: string;
  exit: boolean;
  latency: Latency;
}): Promise<void> {
  checkRange("--members", args.members, 1, 16);
  checkRange("--rounds", args.rounds, 1, 64);
  checkRange("--port", args.port, 0, 65535 - 11 - args.members);
  const dataset = openDataset(datasetDir(args.text));
  const build = buildProgram();
  console.log(`program built: ${build.size} bytes, sha256 ${build.sha256}`);
  const coordinator = coordinatorProgram();
  const net = await startLocalnet({ port: args.port, programs: [coordinator], latency: args.latency });
  console.log(
    `local chain: ${net.rpcUrl} (websockets ${net.wsUrl}, ${args.latency} latency); coordinator ` +
      coordinator.keypair.publicKey.toBase58(),
  );
  const workDir = join(REPO_ROOT, ".concord", "demo");
  rmSync(workDir, { recursive: true, force: true });
  const interrupted = new AbortController();
  const onSigint = () => interrupted.abort();
  process.once("SIGINT", onSigint);
  try {
    const report = await runNetworkDemo({
      rpcUrl: net.rpcUrl,
      dataset,
      members: args.members,
      rounds: args.rounds,
      workDir,
      basePort: args.port === 0 ? 0 : args.port + 10,
      valWindows: 256,
      log: (line) => console.log(line),
      progress: progressWanted(false),
      signal: interrupted.signal,
    });
    if (!args.exit) {
      console.log(
        `the local chain keeps serving at ${net.rpcUrl}: run ${report.run.toBase58()} is on it. Ctrl-C stops.`,
      );
      process.off("SIGINT", onSigint);
      await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
    }
  } finally {
    process.off("SIGINT", onSigint);
    await waitForIdleWebsocket();
    await net.close();
  }
}
