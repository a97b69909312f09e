// `concord serve`: serves a blob folder over HTTP until interrupted, after adding the datasets it is given.
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { startBlobServer } from "../../../coordinator/blobServer/blobServer";
import { BlobStore } from "../../../coordinator/blobServer/blobStore";
import { datasetBlobs } from "../../../trainer/data/tokenShards";

/**
 * Publishes prepared dataset folders into the blob store in `storeDir`: what `concord train --data-server`
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

export async function runServe(args: {
  dir: string;
  dataset?: string[];
  host: string;
  port: number;
  acceptUploads: boolean;
  maxUploadMib: number;
}): Promise<void> {
  const dir = resolve(args.dir);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new Error(`--dir ${args.dir} is not a folder`);
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) {
    throw new Error(`--port must be an integer from 0 to 65535, got ${args.port}`);
  }
  if (!(args.maxUploadMib > 0)) throw new Error(`--max-upload-mib must be positive, got ${args.maxUploadMib}`);
  for (const d of addDatasets(dir, args.dataset ?? []))
    console.log(`dataset ${d.hash}: ${d.blobs} blobs from ${d.dir} (${d.added} new)`);
  const server = await startBlobServer({
    dir,
    host: args.host,
    port: args.port,
    acceptUploads: args.acceptUploads,
    maxUploadBytes: Math.floor(args.maxUploadMib * 1024 * 1024),
  });
  console.log(`concord serve: ${dir}`);
  console.log(`URL: ${server.url}/blob/<sha256>`);
  console.log(`uploads: ${args.acceptUploads ? `on, up to ${args.maxUploadMib} MiB` : "off"}`);
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
