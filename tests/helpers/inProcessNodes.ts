// Trainer nodes in the test's own process (the node's modules, real sockets on 127.0.0.1, the real chain), with
// every event they report kept per node, and the replay's parameter hash to compare them with.
import type { Connection, Keypair, PublicKey } from "@solana/web3.js";
import { join } from "node:path";
import { Crank } from "../../coordinator/crank/crank";
import { fundedKeypair, providerFor } from "../../coordinator/localnet/localnetClient";
import { coordinatorProgram } from "../../sdk/coordinatorProgram";
import { fetchBlob } from "../../sdk/net/blobFetch";
import type { TrainingRecipe } from "../../sdk/trainingRecipe";
import { TransactionSender } from "../../sdk/transactionSender";
import { computeDescriptor, selectBackend } from "../../trainer/backend/selectBackend";
import type { Dataset } from "../../trainer/data/tokenShards";
import { parameterHash } from "../../trainer/node/parameterHash";
import { replayRun } from "../../trainer/node/runReplay";
import type { NodeEvent, TrainerNodeOptions } from "../../trainer/node/trainerNode";
import { TrainerNode } from "../../trainer/node/trainerNode";
import { UpdateStore } from "../../trainer/node/updateStore";
import { within } from "./within";

export interface InProcessNodes {
  readonly nodes: TrainerNode[];
  /** What each node reported, in order. */
  readonly events: NodeEvent[][];
  /** Each node's run(): resolves when it finished the run. */
  readonly runs: Promise<void>[];
  readonly keys: PublicKey[];
  /** The members' wallets, for tests that act as them (a staked member's vote). */
  readonly keypairs: Keypair[];
  stop(): void;
}

export async function startNodes(
  connection: Connection,
  o: {
    run: PublicKey;
    recipe: TrainingRecipe;
    dataset: Dataset;
    count: number;
    dir: string;
    witnessWaitMs?: number;
    servers?: string[];
    /** Per node: options over the defaults (a node behind a relay: `{ listen: undefined, relays: [...] }`). */
    nodeOptions?: (i: number) => Partial<TrainerNodeOptions>;
  },
): Promise<InProcessNodes> {
  const compute = computeDescriptor(await selectBackend({ order: ["wasm+native", "wasm"], log: () => {} }));
  const keypairs = await Promise.all(Array.from({ length: o.count }, () => fundedKeypair(connection, 2)));
  const events: NodeEvent[][] = keypairs.map(() => []);
  const nodes = keypairs.map(
    (k, i) =>
      new TrainerNode({
        program: coordinatorProgram(providerFor(connection, k)),
        sender: new TransactionSender(connection, k),
        keypair: k,
        run: o.run,
        recipe: o.recipe,
        dataset: o.dataset,
        compute,
        listen: { host: "127.0.0.1", port: 0 },
        stateDir: join(o.dir, `node-${i}`),
        onEvent: (e) => events[i].push(e),
        witnessWaitMs: o.witnessWaitMs,
        servers: o.servers,
        ...o.nodeOptions?.(i),
      }),
  );
  return {
    nodes,
    events,
    runs: nodes.map((n) => n.run()),
    keys: keypairs.map((k) => k.publicKey),
    keypairs,
    stop: () => nodes.forEach((n) => n.stop()),
  };
}

/**
 * The parameter hash of the replay from the chain's records and the bytes node 0 stored, or, for rounds it pruned,
 * the data servers hold.
 */
export async function replayHash(
  connection: Connection,
  programId: PublicKey,
  o: { run: PublicKey; recipe: TrainingRecipe; dataset: Dataset; dir: string; servers?: string[] },
): Promise<string> {
  const store = UpdateStore.open(join(o.dir, "node-0", "updates"));
  const fetch = async (hash: Uint8Array) => store.getByHash(hash)?.bytes ?? fetchBlob(o.servers ?? [], hash);
  const model = await replayRun(connection, programId, o.run, o.recipe, o.dataset, fetch);
  const hash = Buffer.from(parameterHash(model.getWeights())).toString("hex");
  model.dispose();
  return hash;
}

/** The parameter hash each node reported when it finished. */
export const finishedHashes = (events: NodeEvent[][]) =>
  events.map((e) => (e.find((x) => x.kind === "finished") as { paramsHash: string } | undefined)?.paramsHash);

/**
 * Ticks `run` with a crank signed by its authority until `done` settles (at most `ms`, failing with what it waited
 * for), then stops the crank: the way every test plays a run to its end.
 */
export async function crankUntil(
  connection: Connection,
  authority: Keypair,
  run: PublicKey,
  done: Promise<unknown>,
  ms: number,
): Promise<void> {
  const abort = new AbortController();
  const program = coordinatorProgram(providerFor(connection, authority));
  const crank = new Crank(program, run, new TransactionSender(connection, authority)).runUntilFinished(abort.signal, {
    pollMs: 500,
  });
  try {
    await within(done, "the run to finish", ms);
  } finally {
    abort.abort();
    await crank.catch(() => {});
  }
}
