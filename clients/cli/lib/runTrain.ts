// `concord train`: a trainer node for one member of one run, until the run finishes (or Ctrl-C).
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { providerFor } from "../../../coordinator/localnet/localnetClient";
import { MultiBar } from "cli-progress";
import { rpcMetrics } from "../../../coordinator/metrics/rpcMetrics";
import { toBigInt } from "../../../sdk/coordinatorAccounts";
import { coordinatorProgram } from "../../../sdk/coordinatorProgram";
import { parseRelayEndpoint } from "../../../sdk/net/relayUrls";
import { rpcConnection } from "../../../sdk/rpcConnection";
import { TransactionSender } from "../../../sdk/transactionSender";
import { computeDescriptor, selectBackend } from "../../../trainer/backend/selectBackend";
import { attackNamed } from "../../../trainer/adversary/attacks";
import { openDataset } from "../../../trainer/data/tokenShards";
import { nodeMetrics } from "../../../trainer/node/nodeMetrics";
import type { Dataset } from "../../../trainer/data/tokenShards";
import type { DatasetSource, NodeEvent } from "../../../trainer/node/trainerNode";
import { TrainerNode } from "../../../trainer/node/trainerNode";
import { lamportsOf } from "../../../sdk/runPlan";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError, isConcordError } from "../../../sdk/errors/concordError";
import { rpcUrlOf, walletOf } from "./clusterArgs";
import { metricsEndpoint } from "./metricsEndpoint";
import { progressWanted, stopBars } from "./progress";
import { readRun } from "./memberStanding";
import { runAddress } from "./runAddress";
import { downloadRunDataset, parseServers } from "./runDataset";
import { readRecipeFile, runRecipe } from "./runRecipe";

/** "HOST:PORT" as a listen address. */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new ConcordError(codes.CONCORD_ERROR__TRAINER__INVALID_LISTEN, { value });
  return { host: m[1], port };
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

/**
 * Event lines, and on a terminal, once started (after the dataset's own bar), a bar of the run's rounds below them:
 * rounds applied of the run's total, the last round trained with its loss and update size.
 */
function trainProgress(json: boolean) {
  let bars: MultiBar | undefined;
  let bar: ReturnType<MultiBar["create"]> | undefined;
  return {
    start(totalSteps: number) {
      if (!progressWanted(json)) return;
      bars = new MultiBar({
        format: "train {bar} {value}/{total} rounds | step {step}: loss {loss}, update {bytes} B",
      });
      bar = bars.create(totalSteps, 0, { step: "-", loss: "-", bytes: "-" });
    },
    event(e: NodeEvent, line: string) {
      if (!bars) return console.log(line);
      bars.log(`${line}\n`);
      if (e.kind === "trained") bar?.update({ step: e.step, loss: e.loss.toFixed(4), bytes: e.bytes });
      if (e.kind === "applied") bar?.update(e.step + 1);
    },
    stop: () => stopBars(bars),
  };
}

export async function runTrain(args: {
  anchorToml?: string;
  url?: string;
  keypair?: string;
  run: string;
  recipe?: string;
  data?: string;
  listen?: string;
  relay?: string[];
  advertise?: string;
  stake?: number;
  stateDir: string;
  keepRounds?: string;
  server?: string[];
  json: boolean;
  attack?: string;
  leave?: boolean;
  metricsPort?: number;
  metricsHost?: string;
}): Promise<void> {
  const metrics = metricsEndpoint(args);
  const url = await rpcUrlOf(args);
  const keypair = await walletOf(args);
  const run = runAddress(args.run);
  const relays = (args.relay ?? []).map((url) => parseRelayEndpoint(url));
  // A member behind relays accepts no inbound connections unless told where to listen as well
  const listen =
    args.listen !== undefined || relays.length === 0 ? parseListen(args.listen ?? "127.0.0.1:0") : undefined;
  const attack = args.attack === undefined ? undefined : attackNamed(args.attack);
  const servers = parseServers(args.server ?? []);
  if (args.data === undefined && servers.length === 0)
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__USAGE, {
      reason: "pass --data DIR (a local copy of the run's dataset) or --server URL (a data server to download it from)",
      command: "concord train",
    });
  if (args.stake !== undefined && !(args.stake > 0))
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__VALUE_OUT_OF_RANGE, {
      name: "--stake",
      value: args.stake,
      range: "a positive SOL amount",
    });
  // read as text: the refusal names what was typed ("many", not NaN)
  if (args.keepRounds !== undefined && !/^[1-9]\d{0,14}$/.test(args.keepRounds))
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__VALUE_OUT_OF_RANGE, {
      name: "--keep-rounds",
      value: args.keepRounds,
      range: "a whole number of rounds, at least 1",
    });
  const given = args.recipe === undefined ? undefined : readRecipeFile(args.recipe);
  const local = args.data === undefined ? undefined : openDataset(resolve(args.data));
  const stateDir = resolve(args.stateDir);
  mkdirSync(stateDir, { recursive: true });

  const progress = trainProgress(args.json);
  const print = (e: NodeEvent) => progress.event(e, args.json ? JSON.stringify(e) : formatEvent(e));
  const connection = rpcConnection(url, {
    onOutage: (message) => print({ kind: "warning", message }),
    onRequest: metrics ? rpcMetrics(metrics.registry) : undefined,
  });
  const { programId, run: runAccount } = await readRun(connection, run);
  const recipe = await runRecipe({
    given,
    servers,
    config: runAccount.config,
    keptIn: join(stateDir, "recipes"),
    command: "concord train",
    onRefused: (server, reason) => print({ kind: "warning", message: `the recipe from ${server} refused: ${reason}` }),
  });
  const totalSteps = Number(toBigInt(runAccount.config.totalSteps));
  const download = {
    hash: Buffer.from(runAccount.config.datasetHash).toString("hex"),
    cacheDir: join(stateDir, "datasets"),
    json: args.json,
  };
  // Peers serve members only: when no data server gives the dataset, the node joins first and asks its peers then;
  // with no other member to ask, the download's error stands and nothing is sent
  const others = runAccount.members.filter(
    (m) => !m.key.equals(keypair.publicKey) && ("active" in m.status || m.inEpoch),
  );
  let dataset: Dataset | DatasetSource | undefined = local;
  try {
    dataset ??= await downloadRunDataset({ ...download, servers });
  } catch (e) {
    if (!isConcordError(e, codes.CONCORD_ERROR__DATASET__DOWNLOAD_FAILED) || others.length === 0) throw e;
    print({ kind: "warning", message: `${e.message}; joining the run to fetch the dataset from its members` });
    // the rounds' bar starts once the dataset's is done, as when the download comes first
    dataset = async (peers) => {
      const got = await downloadRunDataset({ ...download, servers: [], peers });
      progress.start(totalSteps);
      return got;
    };
  }
  const backend = await selectBackend();
  const observe =
    metrics &&
    nodeMetrics(metrics.registry, { contextLength: recipe.model.contextLength, peerStats: () => node.peerStats });
  const node: TrainerNode = new TrainerNode({
    program: coordinatorProgram(providerFor(connection, keypair), programId),
    sender: new TransactionSender(connection, keypair),
    keypair,
    run,
    recipe,
    dataset,
    compute: computeDescriptor(backend),
    listen,
    relays,
    advertise: args.advertise,
    stake: args.stake === undefined ? undefined : lamportsOf(args.stake),
    stateDir,
    keepRounds: args.keepRounds === undefined ? undefined : Number(args.keepRounds),
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
  if (typeof dataset !== "function") progress.start(totalSteps);
  try {
    await node.run();
  } finally {
    progress.stop();
    process.off("SIGINT", interrupt);
    process.off("SIGTERM", stop);
    await metricsServer?.close();
  }
}
