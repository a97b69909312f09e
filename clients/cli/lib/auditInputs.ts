// What every `concord audit` command reads first, from public data alone: the run's account and coordinator events
// from the cluster (an archival RPC node on a public one), the recipe the run committed to (checked against it), and
// the update bytes and metadata members published, from stores (trainers' state dirs, or any folder of their layout)
// and data servers (what members uploaded: bytes by the receipt's hash, metadata signed by the member).
import { bytesToHex } from "@noble/hashes/utils";
import type { PublicKey } from "@solana/web3.js";
import { Connection } from "@solana/web3.js";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { PublishedUpdate } from "../../../sdk/audit/runAudit";
import type { RunAccount } from "../../../sdk/coordinatorAccounts";
import { decodeRun } from "../../../sdk/coordinatorAccounts";
import { ConcordError, isConcordError } from "../../../sdk/errors/concordError";
import * as codes from "../../../sdk/errors/codes";
import { fetchBlob } from "../../../sdk/net/blobFetch";
import { fetchMetadata } from "../../../sdk/net/metadataFetch";
import { MAX_UPDATE_BYTES } from "../../../sdk/peer/peerMessages";
import type { CommittedUpdate, CoordinatorEvent } from "../../../sdk/roundHistory";
import { committedUpdates } from "../../../sdk/roundHistory";
import type { TrainingRecipe } from "../../../sdk/trainingRecipe";
import { runEvents } from "../../../trainer/node/runHistory";
import { UpdateStore } from "../../../trainer/node/updateStore";
import type { Dataset } from "../../../trainer/data/tokenShards";
import { MANIFEST_FILE, openDataset } from "../../../trainer/data/tokenShards";
import type { ClusterArgs } from "./clusterArgs";
import { rpcUrlOf } from "./clusterArgs";
import { runAddress } from "./runAddress";
import { downloadRunDataset, parseServers } from "./runDataset";
import { readRecipeFile, runRecipe } from "./runRecipe";

export interface AuditSourceArgs extends ClusterArgs {
  run: string;
  /** Without it, the recipe comes from the servers, by the run's model_hash. */
  recipe?: string;
  /** Stores, searched in order. */
  store?: string | string[];
  /** Data servers, asked for what no store holds. */
  server?: string[];
}

export interface AuditInputs {
  readonly connection: Connection;
  readonly run: PublicKey;
  /** The coordinator program: the run account's owner. */
  readonly programId: PublicKey;
  readonly state: RunAccount;
  readonly recipe: TrainingRecipe;
  /** The run's coordinator events, oldest first. */
  readonly events: CoordinatorEvent[];
  /**
   * What the member published for its receipt of a step: from the first store holding bytes with the receipt's hash,
   * else the first holding any (whose integrity check then fails); null when no store has it.
   */
  readonly published: (member: PublicKey, step: bigint, hash: Uint8Array) => PublishedUpdate | null;
  /**
   * The run's dataset, to re-score and re-execute updates on: the prepared folder `dir` when it holds one, else
   * (given data servers) the run's dataset downloaded into `dir/<dataset hash>/`, each blob checked against the chain.
   */
  readonly dataset: (dir: string) => Promise<Dataset>;
}

/** Reads and checks an audit's inputs; bad input throws an error that says which option is wrong. */
export async function auditInputs(args: AuditSourceArgs): Promise<AuditInputs> {
  const run = runAddress(args.run);
  const url = await rpcUrlOf(args);
  const given = args.recipe === undefined ? undefined : readRecipeFile(args.recipe);
  const servers = parseServers(args.server ?? []);
  const storeDirs = [args.store ?? []].flat();
  if (storeDirs.length === 0 && servers.length === 0)
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__USAGE, {
      reason: "say where the updates are: --store DIR (a trainer's state dir) or --server URL (a data server)",
      command: "concord audit",
    });
  const stores = storeDirs.map((dir) => {
    // a trainer's state dir holds its store in updates/; a folder of update files is a store itself
    const storeDir = existsSync(join(resolve(dir), "updates")) ? join(resolve(dir), "updates") : resolve(dir);
    if (!existsSync(storeDir))
      throw new Error(`store ${storeDir} not found (pass a trainer's --state-dir or its updates/)`);
    return UpdateStore.open(storeDir);
  });

  const connection = new Connection(url, "confirmed");
  const info = await connection.getAccountInfo(run, "confirmed");
  if (!info) throw new ConcordError(codes.CONCORD_ERROR__CLIENT__ACCOUNT_NOT_FOUND, { address: run.toBase58() });
  const state = decodeRun(info.data, run.toBase58());
  const recipe = await runRecipe({ given, servers, config: state.config, command: "concord audit" });
  const events = await runEvents(connection, info.owner, run);
  const storedUpdate = (member: PublicKey, step: bigint, hash: Uint8Array) => {
    const held = stores.map((s) => s.get(member, Number(step))).filter((u) => u !== null);
    return held.find((u) => Buffer.from(u.hash).equals(Buffer.from(hash))) ?? held[0];
  };
  const fetched = await fetchFromServers(
    run,
    servers,
    committedUpdates(events).filter((c) => !sameHash(storedUpdate(c.member, c.step, c.hash)?.hash, c.hash)),
  );
  return {
    connection,
    run,
    programId: info.owner,
    state,
    recipe,
    events,
    published: (member, step, hash) => {
      const stored = storedUpdate(member, step, hash);
      if (sameHash(stored?.hash, hash)) return { bytes: stored!.bytes, metadata: stored!.metadata };
      return (
        fetched.get(`${member.toBase58()}/${step}`) ??
        (stored ? { bytes: stored.bytes, metadata: stored.metadata } : null)
      );
    },
    dataset: async (dir) => {
      const path = resolve(dir);
      if (servers.length === 0 || existsSync(join(path, MANIFEST_FILE))) return openDataset(path);
      return downloadRunDataset({
        hash: bytesToHex(Uint8Array.from(state.config.datasetHash)),
        servers,
        cacheDir: path,
        json: false,
        log: (line) => console.error(line), // stdout is the audit's table (or its JSON)
      });
    },
  };
}

const sameHash = (a: Uint8Array | undefined, b: Uint8Array) => a !== undefined && Buffer.from(a).equals(Buffer.from(b));

/**
 * What the servers hold of these receipts: the bytes by the receipt's hash, the metadata filed under it. Bytes
 * without metadata are kept with none (the audit's integrity check then says the member published none); a
 * receipt no server has bytes for is left out, as a store that lacks it would.
 */
async function fetchFromServers(
  run: PublicKey,
  servers: string[],
  receipts: readonly CommittedUpdate[],
): Promise<Map<string, PublishedUpdate>> {
  const found = new Map<string, PublishedUpdate>();
  if (servers.length === 0) return found;
  const queue = [...receipts];
  // A few at a time: enough to hide each request's latency, few enough not to flood a server
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      let bytes: Uint8Array;
      try {
        bytes = await fetchBlob(servers, c.hash, { maxBytes: MAX_UPDATE_BYTES });
      } catch (e) {
        if (!isConcordError(e)) throw e;
        continue;
      }
      const receipt = { run, member: c.member, step: c.step, updateHash: c.hash };
      const metadata = await fetchMetadata(servers, receipt).catch((e: unknown) => {
        if (!isConcordError(e)) throw e;
        return new Uint8Array(0);
      });
      found.set(`${c.member.toBase58()}/${c.step}`, { bytes, metadata });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return found;
}

/** Rows of cells as a table a person reads: columns padded to their widest cell, two spaces apart. */
export function formatTable(header: readonly string[], lines: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  return [header, ...lines]
    .map((l) =>
      l
        .map((c, i) => c.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
