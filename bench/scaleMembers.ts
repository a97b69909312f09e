// One member process of `npm run bench:scale` (forked by bench/scale.ts): a share of the run's members as in-process
// TrainerNodes (the network's own modules: chain follower, transaction sender, update exchange, peer sockets), each
// with its real compressor and codec but a synthetic pseudo-gradient in place of the model's forward and backward
// pass, so what is measured is the protocol. It reports every node event to the parent over IPC, and on request its
// event-loop lag and the latency of every JSON-RPC call its nodes made.
import { Keypair, PublicKey } from "@solana/web3.js";
import { rpcConnection } from "../sdk/rpcConnection";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { providerFor } from "../coordinator/localnet/localnetClient";
import { coordinatorProgram } from "../sdk/coordinatorProgram";
import { fillNormal, hashWords, mulberry32 } from "../sdk/seededRandom";
import type { TrainingRecipe } from "../sdk/trainingRecipe";
import { TransactionSender } from "../sdk/transactionSender";
import { computeDescriptor, selectBackend } from "../trainer/backend/selectBackend";
import { openDataset } from "../trainer/data/tokenShards";
import type { Transformer } from "../trainer/model/transformer";
import type { Batch } from "../trainer/node/roundTraining";
import { RoundTrainer } from "../trainer/node/roundTraining";
import type { ModelSetup } from "../trainer/node/runSetup";
import type { NodeEvent } from "../trainer/node/trainerNode";
import { TrainerNode } from "../trainer/node/trainerNode";

export interface MembersJob {
  readonly rpcUrl: string;
  readonly run: string;
  readonly recipe: TrainingRecipe;
  readonly dataset: { dir: string; hash: string };
  readonly dir: string;
  /** The members this process runs: their wallets, their index in the whole run, and the relay of a relayed one. */
  readonly members: { secretKey: number[]; index: number; relay?: string }[];
}

/** What a member process sends its parent. */
export type MembersMessage =
  | { kind: "event"; member: number; event: NodeEvent }
  | { kind: "failed"; member: number; error: string }
  | { kind: "stats"; stats: MembersStats };

export interface MembersStats {
  /** Event-loop delay of this process, ms. */
  readonly lagMs: { p50: number; p99: number; max: number };
  /** Milliseconds of every JSON-RPC request its members made, by method. */
  readonly rpcMs: Record<string, number[]>;
}

/**
 * A RoundTrainer whose pseudo-gradient is seeded noise (one draw per member and step, so no update repeats another
 * and every norm is alike) rather than the model's: the update still goes through the run's compressor and codec,
 * so it has the run's layout and size and peers and witnesses check it as any other.
 */
class SyntheticRoundTrainer extends RoundTrainer {
  private readonly sizes: number[];

  constructor(
    model: Transformer,
    setup: ModelSetup,
    private readonly member: number,
  ) {
    super(model, setup.round, setup.schedule);
    this.sizes = model.specs.map((s) => s.shape.reduce((a, b) => a * b, 1));
  }

  // eslint-disable-next-line require-yield -- no inner steps to yield between
  protected override *roundDelta(_base: readonly Float32Array[], _batches: readonly Batch[], step: number) {
    const random = mulberry32(hashWords(this.member, step));
    const delta = this.sizes.map((n) => fillNormal(new Float32Array(n), random, 1e-2));
    return { delta, scale: 1, loss: 2 + random() };
  }
}

async function runMembers(job: MembersJob, send: (m: MembersMessage) => void): Promise<() => MembersStats> {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const rpcMs: Record<string, number[]> = {};
  const compute = computeDescriptor(await selectBackend({ order: ["cpu"], log: () => {} }));
  const dataset = openDataset(job.dataset.dir, job.dataset.hash);
  const run = new PublicKey(job.run);
  const nodes = job.members.map((m) => {
    const keypair = Keypair.fromSecretKey(Uint8Array.from(m.secretKey));
    // the trainer's own connection (`concord train`'s): it retries a request that got no answer
    const connection = rpcConnection(job.rpcUrl, {
      onRequest: (c) => void (rpcMs[c.method] ??= []).push(c.seconds * 1000),
    });
    return new TrainerNode({
      program: coordinatorProgram(providerFor(connection, keypair)),
      sender: new TransactionSender(connection, keypair),
      keypair,
      run,
      recipe: job.recipe,
      dataset,
      compute,
      ...(m.relay ? { relays: [m.relay] } : { listen: { host: "127.0.0.1", port: 0 } }),
      stateDir: join(job.dir, `member-${m.index}`),
      onEvent: (event) => send({ kind: "event", member: m.index, event }),
      roundTrainer: (model, setup) => new SyntheticRoundTrainer(model, setup, m.index),
    });
  });
  const runs = nodes.map((node, i) =>
    node.run().catch((e: unknown) => send({ kind: "failed", member: job.members[i].index, error: String(e) })),
  );
  // The parent lets go: the nodes stop (sockets closed, subscriptions ended) and the process exits
  process.on("disconnect", () => {
    nodes.forEach((n) => n.stop());
    void Promise.all(runs).then(() => process.exit(0));
  });
  return () => ({
    lagMs: { p50: lag.percentile(50) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 },
    rpcMs,
  });
}

// Forked: the job comes as the first message; "stats" asks for the figures.
if (require.main === module && process.send) {
  // A send that fails (EPIPE, seen at 256 members under load) is lost, not fatal: its callback takes the error
  const send = (m: MembersMessage) => void (process.connected && process.send!(m, undefined, undefined, () => {}));
  // An RPC call that fails where no caller catches it (at 256 members the local chain's HTTP server resets
  // keep-alive connections under load) is counted, not fatal: the bench measures how far the run still gets
  let unhandled = 0;
  process.on("unhandledRejection", (e) => {
    if (unhandled++ < 3)
      send({ kind: "event", member: -1, event: { kind: "warning", message: `unhandled: ${String(e)}` } });
  });
  process.once("message", (job: MembersJob) => {
    runMembers(job, send).then(
      (stats) => process.on("message", (m) => m === "stats" && send({ kind: "stats", stats: stats() })),
      (e: unknown) => send({ kind: "failed", member: -1, error: String(e) }),
    );
  });
}
