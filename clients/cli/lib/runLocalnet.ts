// `concord localnet`: starts the local chain and serves until interrupted, saving its state on the way out.
import { rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildProgram } from "../../../scripts/build-program";
import { coordinatorProgram, readKeypair } from "../../../coordinator/localnet/coordinatorProgram";
import { COORDINATOR_KEYPAIR } from "../../../programs/coordinator/paths";
import { LocalChain } from "../../../coordinator/localnet/localChain";
import { startLocalnet } from "../../../coordinator/localnet/localnet";
import type { Latency } from "../../../coordinator/localnet/latency";

export async function runLocalnet(args: {
  port: number;
  host: string;
  stateDir: string;
  reset: boolean;
  latency: Latency;
}): Promise<void> {
  const stateDir = resolve(args.stateDir);
  if (args.reset) rmSync(stateDir, { recursive: true, force: true });
  const fresh = !LocalChain.hasSavedState(stateDir);
  if (fresh) buildProgram(); // genesis deploys the current build; a saved chain keeps the program it has
  const net = await startLocalnet({
    port: args.port,
    host: args.host,
    stateDir,
    programs: fresh ? [coordinatorProgram()] : [],
    latency: args.latency,
  });
  const faucetFile = join(stateDir, "faucet.json");
  writeFileSync(faucetFile, JSON.stringify(Array.from(net.chain.faucet.secretKey)) + "\n", { mode: 0o600 });
  console.log(`concord localnet ${fresh ? "created" : "loaded"} in ${stateDir}`);
  console.log(`RPC URL: ${net.rpcUrl}`);
  console.log(`websocket: ${net.wsUrl}`);
  console.log(`latency: ${args.latency}`);
  // From the keypair alone: a loaded chain already holds its program, and the build may be absent.
  console.log(`coordinator program: ${readKeypair(COORDINATOR_KEYPAIR).publicKey.toBase58()}`);
  console.log(`faucet: ${net.chain.faucet.publicKey.toBase58()} (keypair ${faucetFile}; or use requestAirdrop)`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      net.close().then(() => {
        console.log("state saved; stopped");
        done();
      });
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
