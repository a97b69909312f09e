// `npm start`: the demo network on the embedded local chain. Builds the program, prepares the default corpus (once),
// starts the local chain with JSON-RPC on --port (websockets on port + 1), runs a training run with simulated members
// through it (scripts/demo/demoNetwork.ts), then keeps the chain serving until Ctrl-C (--exit stops at the end).
import { existsSync } from "node:fs";
import { join } from "node:path";
import yargs from "yargs";
import { coordinatorProgram } from "../coordinator/localnet/coordinatorProgram";
import { DEFAULT_RPC_PORT, startLocalnet } from "../coordinator/localnet/localnet";
import { waitForIdleWebsocket } from "../coordinator/localnet/localnetClient";
import { computeDescriptor, selectBackend } from "../trainer/backend/selectBackend";
import { MANIFEST_FILE, openDataset } from "../trainer/data/tokenShards";
import { buildProgram } from "./build-program";
import { REPO_ROOT } from "../programs/coordinator/paths";
import { runDemoNetwork } from "./demo/demoNetwork";
import { main as prepareDatasetMain } from "./prepare-dataset";

const DATA_DIR = join(REPO_ROOT, "target", "data", "default");

async function main(argv: string[]): Promise<void> {
  const args = yargs(argv)
    .usage("npm start -- [options]")
    .option("port", {
      type: "number",
      default: DEFAULT_RPC_PORT,
      describe: "JSON-RPC port of the local chain; websockets on port + 1",
    })
    .option("members", { type: "number", default: 3, describe: "simulated members (1..16)" })
    .option("rounds", { type: "number", default: 24, describe: "training rounds of the demo run (1..64)" })
    .option("exit", { type: "boolean", default: false, describe: "stop when the run finishes instead of serving on" })
    .check((a) => {
      if (!Number.isInteger(a.members) || a.members < 1 || a.members > 16) throw new Error("--members must be 1..16");
      if (!Number.isInteger(a.rounds) || a.rounds < 1 || a.rounds > 64) throw new Error("--rounds must be 1..64");
      return true;
    })
    .strict()
    .parseSync();

  const build = buildProgram();
  console.log(`program built: ${build.size} bytes, sha256 ${build.sha256}`);
  if (!existsSync(join(DATA_DIR, MANIFEST_FILE))) {
    prepareDatasetMain(["--default", "--out", DATA_DIR]);
  }
  const dataset = openDataset(DATA_DIR);
  const backend = await selectBackend();
  const coordinator = coordinatorProgram();
  const net = await startLocalnet({ port: args.port, programs: [coordinator] });
  console.log(
    `local chain: ${net.rpcUrl} (websockets ${net.wsUrl}); coordinator ${coordinator.keypair.publicKey.toBase58()}`,
  );
  const report = await runDemoNetwork({
    rpcUrl: net.rpcUrl,
    dataset,
    members: args.members,
    rounds: args.rounds,
    compute: computeDescriptor(backend),
    log: (line) => console.log(line),
  });
  if (args.exit) {
    await waitForIdleWebsocket();
    await net.close();
    return;
  }
  console.log(`the local chain keeps serving at ${net.rpcUrl}: run ${report.run.toBase58()} is on it. Ctrl-C stops.`);
  await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
  await net.close();
}

main(process.argv.slice(2)).then(
  () => process.exit(0), // tfjs's wasm backend keeps no handles, but the chain's sockets may linger briefly
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
