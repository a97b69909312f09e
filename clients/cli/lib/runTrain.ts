// `concord train`: a trainer node for one member of one run, until the run finishes (or Ctrl-C).
import { PublicKey } from "@solana/web3.js";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { readKeypair } from "../../../coordinator/localnet/coordinatorProgram";
import { providerFor } from "../../../coordinator/localnet/localnetClient";
import { rpcMetrics } from "../../../coordinator/metrics/rpcMetrics";
import { decodeRun } from "../../../sdk/coordinatorAccounts";
import { coordinatorProgram } from "../../../sdk/coordinatorProgram";
import { parseRelayEndpoint } from "../../../sdk/net/relayUrls";
import { rpcConnection } from "../../../sdk/rpcConnection";
import { parseRecipe } from "../../../sdk/trainingRecipe";
import { TransactionSender } from "../../../sdk/transactionSender";
import { computeDescriptor, selectBackend } from "../../../trainer/backend/selectBackend";
import { attackNamed } from "../../../trainer/adversary/attacks";
import { openDataset } from "../../../trainer/data/tokenShards";
import { nodeMetrics } from "../../../trainer/node/nodeMetrics";
import type { NodeEvent } from "../../../trainer/node/trainerNode";
import { stakeFromSol, TrainerNode } from "../../../trainer/node/trainerNode";
import { clusterUrl, readAnchorToml } from "./anchorToml";
import { metricsEndpoint } from "./metricsEndpoint";
import { downloadRunDataset, parseServers } from "./runDataset";

/** "HOST:PORT" as a listen address. */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new Error(`--listen ${value}: expected HOST:PORT, e.g. 127.0.0.1:7700`);
  return { host: m[1], port };
}

function parseAddress(flag: string, value: string): PublicKey {
  try {
    return new PublicKey(value);
  } catch {
    throw new Error(`--${flag} ${value} is not a base58 address`);
  }
}

/** One line per event, as people read them. */
export function formatEvent(e: NodeEvent): string {
  switch (e.kind) {
    case "joined":
      return `joined as ${e.member} (slot ${e.slot}), peers dial ${e.endpoint}`;
    case "caughtUp":
      return `caught up in ${(e.ms / 1000).toFixed(1)} s: ${e.checkpointRounds === null ? "initial weights" : `checkpoint of ${e.checkpointRounds} rounds`}, then rounds ${e.fromStep}..${e.toStep - 1} from the chain's record; round state ${e.roundState}`;
    case "trained":
      return `step ${e.step}: trained ${e.innerSteps} x ${e.rows} rows, loss ${e.loss.toFixed(4)}, update ${e.bytes} bytes (${e.computeMs.toFixed(0)} ms compute, ${e.compressMs.toFixed(0)} ms compression)`;
    case "committed":
      return `step ${e.step}: receipt committed (${e.chainMs.toFixed(0)} ms)`;
    case "witnessed":
      return `step ${e.step}: witnessed slots [${e.slots.join(", ")}] (waited ${e.waitMs.toFixed(0)} ms)`;
    case "applied":
      return `step ${e.step}: applied slots [${e.slots.join(", ")}], parameters ${e.paramsHash.slice(0, 16)}`;
    case "claimed":
      return `claimed ${e.lamports} lamports`;
    case "finished":
      return `run finished at step ${e.step}: parameters ${e.paramsHash}; sent ${e.bytesSent} B, received ${e.bytesReceived} B`;
    case "left":
      return `left the run in epoch ${e.epoch}: it takes part in no later epoch; the stake unbonds once the run reaches epoch ${e.unbondsAtEpoch} (then: concord withdraw)`;
    case "stopped":
      return `stopped: ${e.lastCommitted < 0 ? "committed no round" : `every round it committed (last: step ${e.lastCommitted}) closed with its bytes served`}${e.left ? ", and the epoch it left in is over" : ""}; parameters ${e.paramsHash.slice(0, 16)}`;
    case "warning":
      return `warning: ${e.message}`;
  }
}

export async function runTrain(args: {
  config?: string;
  url?: string;
  keypair?: string;
  run: string;
  recipe: string;
  data?: string;
  listen?: string;
  relay?: string[];
  advertise?: string;
  stake?: number;
  stateDir: string;
  server?: string[];
  json: boolean;
  attack?: string;
  leave?: boolean;
  metricsPort?: number;
  metricsHost?: string;
}): Promise<void> {
  const metrics = metricsEndpoint(args);
  const anchor = await readAnchorToml(args.config && resolve(args.config));
  const url = args.url ? clusterUrl(args.url) : anchor.rpcUrl;
  const walletPath = args.keypair ? resolve(args.keypair) : anchor.walletPath;
  if (!existsSync(walletPath)) throw new Error(`keypair ${walletPath} not found (pass --keypair)`);
  const run = parseAddress("run", args.run);
  const relays = (args.relay ?? []).map((url) => parseRelayEndpoint(url));
  // A member behind relays accepts no inbound connections unless told where to listen as well
  const listen =
    args.listen !== undefined || relays.length === 0 ? parseListen(args.listen ?? "127.0.0.1:0") : undefined;
  const attack = args.attack === undefined ? undefined : attackNamed(args.attack);
  const servers = parseServers(args.server ?? []);
  if (args.data === undefined && servers.length === 0)
    throw new Error(
      "pass --data DIR (a local copy of the run's dataset) or --server URL (a data server to download it from)",
    );
  if (args.stake !== undefined && !(args.stake > 0))
    throw new Error(`--stake ${args.stake} must be a positive SOL amount`);
  const recipePath = resolve(args.recipe);
  if (!existsSync(recipePath)) throw new Error(`recipe ${recipePath} not found`);
  const recipe = parseRecipe(readFileSync(recipePath, "utf8"));
  const local = args.data === undefined ? undefined : openDataset(resolve(args.data));
  const keypair = readKeypair(walletPath);
  const stateDir = resolve(args.stateDir);
  mkdirSync(stateDir, { recursive: true });

  const print = (e: NodeEvent) => console.log(args.json ? JSON.stringify(e) : formatEvent(e));
  const connection = rpcConnection(url, {
    onOutage: (message) => print({ kind: "warning", message }),
    onRequest: metrics ? rpcMetrics(metrics.registry) : undefined,
  });
  const info = await connection.getAccountInfo(run, "confirmed");
  if (!info) throw new Error(`run ${run.toBase58()} does not exist on ${url}`);
  const dataset =
    local ??
    (await downloadRunDataset({
      hash: Buffer.from(decodeRun(info.data, run.toBase58()).config.datasetHash).toString("hex"),
      servers,
      stateDir,
      json: args.json,
    }));
  const backend = await selectBackend();
  const observe =
    metrics &&
    nodeMetrics(metrics.registry, { contextLength: recipe.model.contextLength, peerStats: () => node.peerStats });
  const node: TrainerNode = new TrainerNode({
    program: coordinatorProgram(providerFor(connection, keypair), info.owner),
    sender: new TransactionSender(connection, keypair),
    keypair,
    run,
    recipe,
    dataset,
    compute: computeDescriptor(backend),
    listen,
    relays,
    advertise: args.advertise,
    stake: args.stake === undefined ? undefined : stakeFromSol(args.stake),
    stateDir,
    servers,
    onEvent: (e) => {
      print(e);
      observe?.(e);
    },
    attack,
  });
  // Before the node joins: a metrics port that cannot be had stops the command with nothing sent
  const metricsServer = await metrics?.start((line) => (args.json ? console.error(line) : console.log(line)));
  // Ctrl-C winds down (TrainerNode.stopAfterRound, leaving first with --leave); a second one exits at once. SIGTERM
  // stops now, closing the peer server and subscriptions.
  let interrupted = false;
  const interrupt = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(
      args.leave
        ? "leaving: sending leave, then serving out the epoch in progress (Ctrl-C again to exit now)"
        : "stopping after the round in flight (Ctrl-C again to exit now)",
    );
    node.stopAfterRound(args.leave === true).catch((e: Error) => {
      console.error(`error: ${e.message}`);
      process.exit(1);
    });
  };
  const stop = () => node.stop();
  process.on("SIGINT", interrupt);
  process.once("SIGTERM", stop);
  try {
    await node.run();
  } finally {
    process.off("SIGINT", interrupt);
    process.off("SIGTERM", stop);
    await metricsServer?.close();
  }
}
