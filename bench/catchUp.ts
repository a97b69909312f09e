// `npm run bench:catch-up`: coming back, measured, one part after the other.
//   throughput: the data server (coordinator/blobServer) on loopback, downloads through fetchBlob as trainers do:
//     update-sized (1 MiB) and checkpoint-sized (64 MiB) blobs, one client and four at once.
//   catch-up: a real run on the local chain (in-process crank, checkpoint publisher and data server, two in-process
//     nodes, one `concord train` process) of --rounds rounds in epochs of --epoch-rounds. The process is SIGKILLed right
//     after it commits each step of --kills and restarted at once with its state dir: the time from the restart to
//     caught up and to its next commit, against the rounds it replayed since the checkpoint it started from.
//   momentum: the loss cost of a member restarting with a zeroed round state (error feedback, AdamW moments), in the
//     in-process simulation of bench:audit's inner-steps round on tiny Shakespeare: one of four members zeroed at
//     --restart-round against none (and every member zeroed there, the worst case), over --seeds data and init seeds.
//   npm run bench:catch-up -- [--parts throughput,catchup,momentum] [--rounds 40] [--epoch-rounds 20]
//     [--kills 3,12,23,34] [--momentum-rounds 150] [--inner-steps 8] [--restart-round 100] [--seeds 3]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { sha256 } from "@noble/hashes/sha256";
import { bytesToHex } from "@noble/hashes/utils";
import { Connection, type Keypair } from "@solana/web3.js";
import yargs from "yargs";
import { startBlobServer } from "../coordinator/blobServer/blobServer";
import { Crank } from "../coordinator/crank/crank";
import { coordinatorProgram as programArtifacts, writeKeypair } from "../coordinator/localnet/coordinatorProgram";
import { startLocalnet } from "../coordinator/localnet/localnet";
import { fundedKeypair, providerFor, waitForIdleWebsocket } from "../coordinator/localnet/localnetClient";
import { createDemoRun } from "../scripts/demo/demoRun";
import { TrainerProcess } from "../scripts/demo/trainerProcess";
import { coordinatorProgram } from "../sdk/coordinatorProgram";
import type { ComputeDescriptor } from "../sdk/receiptMetadata";
import { vocabSize } from "../sdk/data/datasetManifest";
import type { LrSchedule } from "../sdk/lrSchedule";
import { fetchBlob } from "../sdk/net/blobFetch";
import { TransactionSender } from "../sdk/transactionSender";
import { computeDescriptor, selectBackend } from "../trainer/backend/selectBackend";
import { CheckpointPublisher } from "../trainer/checkpoint/checkpointPublisher";
import type { Dataset } from "../trainer/data/tokenShards";
import { Transformer } from "../trainer/model/transformer";
import type { NodeEvent } from "../trainer/node/trainerNode";
import { TrainerNode } from "../trainer/node/trainerNode";
import { PSYCHE_DEMO } from "../trainer/optim/roundConfig";
import { trainRounds } from "../trainer/train/trainingRuns";
import { innerStepsRound, shakespeare } from "./training";

const MiB = 2 ** 20;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function throughput(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "concord-bench-serve-"));
  const server = await startBlobServer({ dir });
  const rows: string[] = [];
  try {
    for (const [label, size, repeats] of [
      ["update, 1 MiB", MiB, 20],
      ["checkpoint, 64 MiB", 64 * MiB, 3],
    ] as const) {
      const blobs = Array.from({ length: 4 }, () => randomBytes(size));
      const hashes = blobs.map((b) => bytesToHex(sha256(b)));
      blobs.forEach((b, i) => server.store.put(hashes[i], b));
      for (const clients of [1, 4]) {
        const rates: number[] = [];
        for (let r = 0; r < repeats; r++) {
          const t0 = performance.now();
          await Promise.all(hashes.slice(0, clients).map((h) => fetchBlob([server.url], h)));
          rates.push((clients * size) / MiB / ((performance.now() - t0) / 1000));
        }
        rows.push(`| ${label} | ${clients} | ${median(rates).toFixed(0)} MiB/s |`);
        console.log(rows[rows.length - 1]);
      }
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return [
    "| blob | clients at once | download rate (median, all clients together; sha256 checked) |",
    "| --- | ---: | ---: |",
    ...rows,
  ].join("\n");
}

interface Restart {
  readonly killedAfter: number;
  readonly checkpointRounds: number | null;
  readonly replayed: number;
  readonly caughtUpMs: number;
  /** From the restart (spawn) to the node's caughtUp event, and to its next commit. */
  readonly toCaughtUpS: number;
  readonly toCommitS: number;
  readonly nextCommit: number;
  readonly roundState: string;
}

async function catchUp(
  data: Dataset,
  a: { rounds: number; epochRounds: number; kills: number[] },
  compute: ComputeDescriptor,
): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), "concord-bench-catch-up-"));
  const net = await startLocalnet({ port: 0, programs: [programArtifacts()] });
  const connection = new Connection(net.rpcUrl, "confirmed");
  const server = await startBlobServer({ dir: join(work, "blobs"), acceptUploads: true });
  const abort = new AbortController();
  const stops: (() => unknown)[] = [];
  const restarts: Restart[] = [];
  try {
    const authority = await fundedKeypair(connection, 20);
    const { run, recipe } = await createDemoRun(connection, authority, {
      dataset: data,
      members: 3,
      rounds: a.rounds,
      roundsPerEpoch: a.epochRounds,
      times: { maxRoundTrainTime: 20, roundWitnessTime: 20, cooldownTime: 5 },
    });
    const recipeFile = join(work, "recipe.json");
    writeFileSync(recipeFile, JSON.stringify(recipe));
    const program = (k: Keypair) => coordinatorProgram(providerFor(connection, k));
    const state = (await program(authority).account.run.fetch(run)) as never;
    const publisher = new CheckpointPublisher(
      {
        program: program(authority),
        sender: new TransactionSender(connection, authority),
        authority: authority.publicKey,
        run,
        recipe,
        dataset: data,
        store: (bytes) => void server.store.put(bytesToHex(sha256(bytes)), bytes),
        uri: server.url,
        servers: [server.url],
      },
      state,
    );
    const publishing = publisher.follow(abort.signal, {
      onPublished: (c) => console.log(`checkpoint of epoch ${c.epoch}: ${c.rounds} rounds`),
      onError: (e) => console.log(`checkpoint not published yet: ${e.message}`),
    });
    const nodes = await Promise.all(
      [0, 1].map(async (i) => {
        const k = await fundedKeypair(connection, 2);
        const node = new TrainerNode({
          program: program(k),
          sender: new TransactionSender(connection, k),
          keypair: k,
          run,
          recipe,
          dataset: data,
          compute,
          listen: { host: "127.0.0.1", port: 0 },
          stateDir: join(work, `node-${i}`),
          servers: [server.url],
          witnessWaitMs: 5_000,
        });
        stops.push(() => node.stop());
        return { running: node.run() }; // wrapped: awaiting this map must not wait for the run's end
      }),
    );
    const member = await fundedKeypair(connection, 2);
    const keypairFile = join(work, "member.json");
    writeKeypair(keypairFile, member);
    mkdirSync(join(work, "member"), { recursive: true });
    const kills = [...a.kills];
    const trainer = (): Promise<void> =>
      new Promise((resolve, reject) => {
        const started = performance.now();
        let caughtUp: Extract<NodeEvent, { kind: "caughtUp" }> | undefined;
        let caughtUpAt = 0;
        const t: TrainerProcess = new TrainerProcess({
          name: "member",
          rpcUrl: net.rpcUrl,
          run: run.toBase58(),
          keypairFile,
          recipeFile,
          dataDir: data.dir,
          stateDir: join(work, "member"),
          listen: "127.0.0.1:0",
          servers: [server.url],
          onEvent: (e) => {
            if (e.kind === "caughtUp") [caughtUp, caughtUpAt] = [e, performance.now()];
            if (e.kind !== "committed") return;
            if (caughtUp && restarts.length < a.kills.length - kills.length) {
              restarts.push({
                killedAfter: a.kills[restarts.length],
                checkpointRounds: caughtUp.checkpointRounds,
                replayed: caughtUp.toStep - caughtUp.fromStep,
                caughtUpMs: caughtUp.ms,
                toCaughtUpS: (caughtUpAt - started) / 1000,
                toCommitS: (performance.now() - started) / 1000,
                nextCommit: e.step,
                roundState: caughtUp.roundState,
              });
              console.log(JSON.stringify(restarts[restarts.length - 1]));
              caughtUp = undefined;
            }
            if (kills.length && e.step >= kills[0]) {
              kills.shift();
              t.child.kill("SIGKILL");
            }
          },
        });
        stops.push(() => t.stop());
        t.exited.then((code) => (code === null ? trainer().then(resolve, reject) : resolve()), reject);
      });
    const crank = new Crank(program(authority), run, new TransactionSender(connection, authority)).runUntilFinished(
      abort.signal,
      { pollMs: 500 },
    );
    await Promise.all([...nodes.map((n) => n.running), trainer()]);
    abort.abort();
    await crank;
    await publishing;
  } finally {
    abort.abort();
    for (const stop of stops) await stop();
    await server.close();
    await waitForIdleWebsocket();
    await net.close();
    rmSync(work, { recursive: true, force: true });
  }
  return [
    "| killed after committing step | checkpoint it started from (rounds) | rounds replayed from the chain's record | catch-up in the node | restart → caught up | restart → next commit (step) | round state |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ...restarts.map(
      (r) =>
        `| ${r.killedAfter} | ${r.checkpointRounds ?? "none (initial weights)"} | ${r.replayed} | ${(r.caughtUpMs / 1000).toFixed(2)} s | ${r.toCaughtUpS.toFixed(1)} s | ${r.toCommitS.toFixed(1)} s (${r.nextCommit}) | ${r.roundState} |`,
    ),
  ].join("\n");
}

function momentum(data: Dataset, a: { rounds: number; H: number; restartRound: number; seeds: number }): string {
  const MEMBERS = 4;
  const run = (seed: number, restarts: { member: number; step: number }[]) => {
    const model = new Transformer(
      { contextLength: 64, layers: 2, heads: 4, width: 96, vocabSize: vocabSize(data.manifest.tokenizer) },
      { seed: 1336 + seed },
    );
    const schedule: LrSchedule = {
      kind: "cosine",
      lr: 1e-3,
      minLr: 1e-4,
      warmupSteps: Math.max(1, Math.ceil(a.rounds / 10)),
      totalSteps: a.rounds,
    };
    const result = trainRounds(
      model,
      {
        train: data.split("train"),
        val: data.split("val"),
        seed,
        steps: a.rounds,
        batchRows: 12,
        schedule,
        evalEvery: 0,
        curveWindows: 128,
      },
      innerStepsRound(a.H, PSYCHE_DEMO.aggregation),
      MEMBERS,
      { restarts },
    );
    model.dispose();
    return result.finalValLoss;
  };
  const variants: [string, { member: number; step: number }[]][] = [
    ["no restart", []],
    [`one member of ${MEMBERS} zeroed at round ${a.restartRound}`, [{ member: MEMBERS - 1, step: a.restartRound }]],
    [
      `every member zeroed at round ${a.restartRound}`,
      Array.from({ length: MEMBERS }, (_, member) => ({ member, step: a.restartRound })),
    ],
  ];
  const seeds = Array.from({ length: a.seeds }, (_, i) => i + 1);
  const losses = variants.map(([name, restarts]) =>
    seeds.map((seed) => {
      const loss = run(seed, restarts);
      console.log(`${name}, seed ${seed}: ${loss.toFixed(4)}`);
      return loss;
    }),
  );
  const cost = (v: number, seed: number) => losses[v][seed] / losses[0][seed] - 1;
  const pct = (x: number) => `${x >= 0 ? "+" : ""}${(100 * x).toFixed(2)}%`;
  return [
    `| ${a.rounds} rounds of H = ${a.H}, ${MEMBERS} members | ${seeds.map((s) => `seed ${s}`).join(" | ")} | mean cost |`,
    `| --- | ${seeds.map(() => "---:").join(" | ")} | ---: |`,
    ...variants.map(([name], v) => {
      const cells = seeds.map((_, i) => `${losses[v][i].toFixed(4)}${v ? ` (${pct(cost(v, i))})` : ""}`);
      const mean = seeds.reduce((t, _, i) => t + cost(v, i), 0) / seeds.length;
      return `| ${name} | ${cells.join(" | ")} | ${v ? pct(mean) : ""} |`;
    }),
  ].join("\n");
}

async function main(): Promise<void> {
  const a = yargs(process.argv.slice(2))
    .options({
      parts: { type: "string", default: "throughput,catchup,momentum" },
      rounds: { type: "number", default: 40 },
      "epoch-rounds": { type: "number", default: 20 },
      kills: { type: "string", default: "3,12,23,34" },
      "momentum-rounds": { type: "number", default: 150 },
      "inner-steps": { type: "number", default: 8 },
      "restart-round": { type: "number", default: 100 },
      seeds: { type: "number", default: 3 },
    })
    .strict()
    .parseSync();
  const parts = a.parts.split(",");
  const compute = computeDescriptor(await selectBackend({ log: () => {} }));
  const data = shakespeare();
  if (!data) throw new Error("bench:catch-up needs ../shared/data/tinyshakespeare.txt");
  if (parts.includes("throughput")) console.log(`\n${await throughput()}`);
  if (parts.includes("catchup"))
    console.log(
      `\n${await catchUp(data, { rounds: a.rounds, epochRounds: a.epochRounds, kills: a.kills.split(",").map(Number) }, compute)}`,
    );
  if (parts.includes("momentum"))
    console.log(
      `\n${momentum(data, { rounds: a.momentumRounds, H: a.innerSteps, restartRound: a.restartRound, seeds: a.seeds })}`,
    );
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
