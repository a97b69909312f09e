// `npm start`: the demo network on the embedded local chain. Builds the program, prepares the dataset (the default
// corpus once, or --text FILE), starts the local chain with JSON-RPC on --port (websockets on port + 1), creates a
// run, and runs a crank and one `concord train` process per member on loopback ports (port + 10 + i) until the run
// finishes (scripts/demo/networkDemo.ts); then keeps the chain serving until Ctrl-C (--exit stops at the end).
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import yargs from "yargs";
import { coordinatorProgram } from "../coordinator/localnet/coordinatorProgram";
import { DEFAULT_RPC_PORT, startLocalnet } from "../coordinator/localnet/localnet";
import { waitForIdleWebsocket } from "../coordinator/localnet/localnetClient";
import { MANIFEST_FILE, openDataset } from "../trainer/data/tokenShards";
import { buildProgram } from "./build-program";
import { REPO_ROOT } from "../programs/coordinator/paths";
import { DemoStoppedError, runNetworkDemo } from "./demo/networkDemo";
import { main as prepareDatasetMain } from "./prepare-dataset";

const DATA_DIR = join(REPO_ROOT, "target", "data");

/** The prepared dataset folder for --text FILE (by the file's content) or the default corpus, prepared once. */
function datasetDir(text: string | undefined): string {
  if (text === undefined) {
    const dir = join(DATA_DIR, "default");
    if (!existsSync(join(dir, MANIFEST_FILE))) prepareDatasetMain(["--default", "--out", dir]);
    return dir;
  }
  const file = resolve(text);
  if (!existsSync(file)) throw new Error(`--text ${file}: no such file`);
  const digest = createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 16);
  const dir = join(DATA_DIR, `text-${digest}`);
  if (!existsSync(join(dir, MANIFEST_FILE))) prepareDatasetMain(["--input", file, "--out", dir]);
  return dir;
}

async function main(argv: string[]): Promise<void> {
  const args = yargs(argv)
    .usage("npm start -- [options]")
    .option("port", {
      type: "number",
      default: DEFAULT_RPC_PORT,
      describe: "JSON-RPC port of the local chain; websockets on port + 1, members on port + 11 ..",
    })
    .option("members", { type: "number", default: 3, describe: "trainer processes (1..16)" })
    .option("rounds", { type: "number", default: 24, describe: "training rounds of the demo run (1..64)" })
    .option("text", {
      type: "string",
      describe: "train on this text file (character tokenizer) instead of the default corpus",
    })
    .option("exit", { type: "boolean", default: false, describe: "stop when the run finishes instead of serving on" })
    .option("latency", {
      choices: ["instant", "cluster"] as const,
      default: "instant" as const,
      describe: "the local chain's confirmation times: instant, or a real cluster's (400 ms slots)",
    })
    .check((a) => {
      if (!Number.isInteger(a.members) || a.members < 1 || a.members > 16) throw new Error("--members must be 1..16");
      if (!Number.isInteger(a.rounds) || a.rounds < 1 || a.rounds > 64) throw new Error("--rounds must be 1..64");
      return true;
    })
    .strict()
    .parseSync();

  const build = buildProgram();
  console.log(`program built: ${build.size} bytes, sha256 ${build.sha256}`);
  const dataset = openDataset(datasetDir(args.text));
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
      basePort: args.port + 10,
      valWindows: 256,
      log: (line) => console.log(line),
      progress: process.stdout.isTTY,
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
    await waitForIdleWebsocket();
    await net.close();
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0), // tfjs's wasm backend keeps no handles, but the chain's sockets may linger briefly
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(e instanceof DemoStoppedError ? 130 : 1); // 130: the shell's code for a Ctrl-C
  },
);
