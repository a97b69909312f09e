// `concord serve`: serves a blob folder over HTTP until interrupted, after adding the datasets (--dataset) and the
// recipe (--recipe, under the run's model_hash) it is given; with --checkpoints, also publishes the run's checkpoints
// into it as the run's authority (trainer/checkpoint/checkpointPublisher.ts).
import { sha256 } from "@noble/hashes/sha256";
import { bytesToHex } from "@noble/hashes/utils";
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { BlobServer } from "../../../coordinator/blobServer/blobServer";
import { startBlobServer } from "../../../coordinator/blobServer/blobServer";
import { BlobStore } from "../../../coordinator/blobServer/blobStore";
import { rpcMetrics } from "../../../coordinator/metrics/rpcMetrics";
import { blobServerMetrics } from "../../../coordinator/metrics/serviceMetrics";
import { providerFor } from "../../../coordinator/localnet/localnetClient";
import { decodeRun } from "../../../sdk/coordinatorAccounts";
import { coordinatorProgram } from "../../../sdk/coordinatorProgram";
import type { RpcConnectionOptions } from "../../../sdk/rpcConnection";
import { rpcConnection } from "../../../sdk/rpcConnection";
import type { TrainingRecipe } from "../../../sdk/trainingRecipe";
import { recipeBytes, recipeHash } from "../../../sdk/trainingRecipe";
import { TransactionSender } from "../../../sdk/transactionSender";
import { selectBackend } from "../../../trainer/backend/selectBackend";
import { CheckpointPublisher } from "../../../trainer/checkpoint/checkpointPublisher";
import { datasetBlobs, openDataset } from "../../../trainer/data/tokenShards";
import type { ClusterArgs } from "./clusterArgs";
import { rpcUrlOf, walletOf } from "./clusterArgs";
import type { MetricsArgs } from "./metricsEndpoint";
import { metricsEndpoint } from "./metricsEndpoint";
import { runAddress } from "./runAddress";
import { readRecipeFile } from "./runRecipe";

/**
 * Publishes prepared dataset folders into the blob store in `storeDir`: what `concord train --server`
 * downloads. Every folder is checked whole before the store is touched, so a damaged one adds nothing; the store
 * keeps a blob only under the hash of its bytes.
 */
export function addDatasets(
  storeDir: string,
  dirs: readonly string[],
): { dir: string; hash: string; blobs: number; added: number }[] {
  const datasets = dirs.map((d) => ({ dir: resolve(d), ...datasetBlobs(resolve(d)) }));
  const store = new BlobStore(storeDir);
  return datasets.map(({ dir, hash, blobs }) => ({
    dir,
    hash,
    blobs: blobs.length,
    added: blobs.filter((b) => store.put(b.hash, b.read())).length,
  }));
}

interface CheckpointArgs extends ClusterArgs {
  checkpoints?: string;
  recipe?: string;
  data?: string;
  publicUrl?: string;
}

/** The checkpoint publisher --checkpoints asks for, checked before the server starts; null without the flag. */
async function checkpointPublisher(
  args: CheckpointArgs,
  recipe: TrainingRecipe | undefined,
  onRequest: RpcConnectionOptions["onRequest"],
) {
  if (args.checkpoints === undefined) {
    for (const flag of ["data", "publicUrl"] as const)
      if (args[flag] !== undefined)
        throw new Error(`--${flag === "publicUrl" ? "public-url" : flag} needs --checkpoints RUN`);
    return null;
  }
  const run = runAddress(args.checkpoints);
  if (!recipe || !args.data) throw new Error("--checkpoints needs --recipe and --data (the run's recipe and dataset)");
  const dataset = openDataset(resolve(args.data));
  const url = await rpcUrlOf(args);
  const authority = await walletOf(args);
  // rides out an RPC outage (a restarted chain) like trainers and cranks, saying so
  const connection = rpcConnection(url, {
    onOutage: (message) => console.error(`${new Date().toISOString()} ${message}`),
    onRequest,
  });
  const info = await connection.getAccountInfo(run, "confirmed");
  if (!info) throw new Error(`run ${run.toBase58()} does not exist on ${url}`);
  const state = decodeRun(info.data, run.toBase58());
  if (!state.authority.equals(authority.publicKey))
    throw new Error(
      `--keypair ${authority.publicKey.toBase58()} is not the run's authority (${state.authority.toBase58()})`,
    );
  const program = coordinatorProgram(providerFor(connection, authority), info.owner);
  await selectBackend(); // the publisher builds the model's initial weights on it
  return (server: BlobServer) =>
    new CheckpointPublisher(
      {
        program,
        sender: new TransactionSender(connection, authority),
        authority: authority.publicKey,
        run,
        recipe,
        dataset,
        store: (bytes) => void server.store.put(bytesToHex(sha256(bytes)), bytes),
        uri: args.publicUrl ?? server.url,
        servers: [server.url],
      },
      state,
    );
}

export async function runServe(
  args: CheckpointArgs & {
    dir: string;
    dataset?: string[];
    host: string;
    port: number;
    acceptUploads: boolean;
    maxUploadMib: number;
  } & MetricsArgs,
): Promise<void> {
  const metrics = metricsEndpoint(args);
  const dir = resolve(args.dir);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new Error(`--dir ${args.dir} is not a folder`);
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) {
    throw new Error(`--port must be an integer from 0 to 65535, got ${args.port}`);
  }
  if (!(args.maxUploadMib > 0)) throw new Error(`--max-upload-mib must be positive, got ${args.maxUploadMib}`);
  // read before anything is stored: a bad recipe file adds nothing
  const recipe = args.recipe === undefined ? undefined : readRecipeFile(args.recipe);
  const publisherFor = await checkpointPublisher(args, recipe, metrics ? rpcMetrics(metrics.registry) : undefined);
  for (const d of addDatasets(dir, args.dataset ?? []))
    console.log(`dataset ${d.hash}: ${d.blobs} blobs from ${d.dir} (${d.added} new)`);
  if (recipe) {
    const hash = bytesToHex(recipeHash(recipe));
    const added = new BlobStore(dir).put(hash, recipeBytes(recipe));
    console.log(
      `recipe ${hash} (the run's model_hash): from ${resolve(args.recipe!)}${added ? "" : " (already held)"}`,
    );
  }
  const server = await startBlobServer({
    dir,
    host: args.host,
    port: args.port,
    acceptUploads: args.acceptUploads,
    maxUploadBytes: Math.floor(args.maxUploadMib * 1024 * 1024),
    onResponse: metrics ? blobServerMetrics(metrics.registry) : undefined,
  });
  const metricsServer = await metrics
    ?.start((line) => console.log(line))
    .catch(async (e: unknown) => {
      await server.close();
      throw e;
    });
  console.log(`concord serve: ${dir}`);
  console.log(`URL: ${server.url}/blob/<sha256>`);
  console.log(`uploads: ${args.acceptUploads ? `on, up to ${args.maxUploadMib} MiB` : "off"}`);
  const stopped = new AbortController();
  const publishing = publisherFor?.(server).follow(stopped.signal, {
    onPublished: (c) =>
      console.log(
        `checkpoint of epoch ${c.epoch}: ${c.rounds} rounds, ${c.bytes} bytes, sha256 ${c.hash}; ${c.witnesses} witnesses agree`,
      ),
    onError: (e) => console.error(`checkpoint not published (tried again on the next change of the run): ${e.message}`),
  });
  if (publishing) console.log(`publishing the checkpoints of run ${args.checkpoints}`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      stopped.abort();
      void Promise.resolve(publishing)
        .then(() => Promise.all([server.close(), metricsServer?.close()]))
        .then(() => {
          console.log("stopped");
          done();
        });
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
