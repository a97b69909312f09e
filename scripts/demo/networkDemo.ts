// The demo network: a run created on a chain, a crank, and one `concord train` process per member on loopback ports,
// exchanging DeMo updates over websockets. It prints a line per round and, at the end, checks the network against a
// replay: the model rebuilt from the chain's records and the stored update bytes alone must have every member's
// parameter hash.
import { writeKeypair } from "../../coordinator/localnet/coordinatorProgram";
import type { Keypair, PublicKey } from "@solana/web3.js";
import { Connection, LAMPORTS_PER_SOL } from "@solana/web3.js";
import { MultiBar } from "cli-progress";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Crank } from "../../coordinator/crank/crank";
import { fundedKeypair, providerFor } from "../../coordinator/localnet/localnetClient";
import { coordinatorProgram } from "../../sdk/coordinatorProgram";
import { TransactionSender } from "../../sdk/transactionSender";
import { ConcordError } from "../../sdk/errors/concordError";
import { CONCORD_ERROR__TRAINER__INVALID_CONFIG } from "../../sdk/errors/codes";
import { selectBackend } from "../../trainer/backend/selectBackend";
import { countParameters, Transformer } from "../../trainer/model/transformer";
import { parameterHash } from "../../trainer/node/parameterHash";
import { runHistory } from "../../trainer/node/runHistory";
import { replayRun } from "../../trainer/node/runReplay";
import type { NodeEvent } from "../../trainer/node/trainerNode";
import { UpdateStore } from "../../trainer/node/updateStore";
import { evaluateLoss } from "../../trainer/train/evaluate";
import type { DemoRunOptions } from "./demoRun";
import { createDemoRun } from "./demoRun";
import { TrainerProcess } from "./trainerProcess";

export interface NetworkDemoOptions extends DemoRunOptions {
  readonly rpcUrl: string;
  /** Where member keypairs, the recipe and each member's state go. */
  readonly workDir: string;
  /** Members listen on basePort + 1 .. basePort + members (0: any free ports). */
  readonly basePort: number;
  /** Validation windows for the before/after figures (default: the whole split). */
  readonly valWindows?: number;
  readonly log?: (line: string) => void;
  /** Draw a progress bar for the run as a whole (a terminal). */
  readonly progress?: boolean;
  /** Stops the demo (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Every event of every member (member index, event): for benchmarks. */
  readonly onEvent?: (member: number, event: NodeEvent) => void;
  /** Validation-loss points of the replay every `every` steps over the first `windows` windows. */
  readonly curve?: { readonly every: number; readonly windows: number };
}

export interface MemberReport {
  readonly name: string;
  readonly member: string;
  readonly receiptsAccepted: number;
  readonly claimedLamports: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly paramsHash: string;
}

export interface RoundLine {
  readonly step: number;
  readonly losses: number[];
  readonly receipts: number;
  readonly accepted: number[];
  readonly updateBytes: number;
  readonly seconds: number;
}

export interface NetworkDemoReport {
  readonly run: PublicKey;
  readonly rounds: RoundLine[];
  readonly members: MemberReport[];
  readonly valLossBefore: number;
  readonly valLossAfter: number;
  readonly denseBytes: number;
  /** The replay's parameter hash (chain records + stored bytes). */
  readonly replayHash: string;
  /** With options.curve: (step, validation loss) of the replay, from step 0. */
  readonly curve: { step: number; valLoss: number }[];
  /** From the members' start to the last one's exit: the network's own time. */
  readonly networkSeconds: number;
  readonly wallSeconds: number;
}

/** A child that died: its name, exit code and last lines. */
export class TrainerDiedError extends Error {}

/** The demo was stopped through its signal (Ctrl-C) and has stopped its processes. */
export class DemoStoppedError extends Error {
  /** The shell's code for a Ctrl-C, what `concord demo` exits with. */
  readonly exitCode = 130;
}

export async function runNetworkDemo(o: NetworkDemoOptions): Promise<NetworkDemoReport> {
  const log = o.log ?? (() => {});
  const wall0 = performance.now();
  if (!Number.isInteger(o.members) || o.members < 1 || o.members > 16)
    throw new ConcordError(CONCORD_ERROR__TRAINER__INVALID_CONFIG, { what: "demo", reason: "members must be 1..16" });
  // This process evaluates the model before and after, and replays the run
  await selectBackend({ log: () => {} });
  const connection = new Connection(o.rpcUrl, "confirmed");
  const authority = await fundedKeypair(connection, 50);
  const { run, recipe, config } = await createDemoRun(connection, authority, o);
  mkdirSync(o.workDir, { recursive: true });
  const recipeFile = join(o.workDir, "recipe.json");
  writeFileSync(recipeFile, JSON.stringify(recipe, null, 2) + "\n");
  log(
    `run ${run.toBase58()} created: ${o.rounds} rounds, global batch ${config.globalBatchSize}, ${o.members} members`,
  );

  const denseBytes = 4 * countParameters(recipe.model);
  const start = new Transformer(recipe.model, { seed: recipe.initSeed });
  const val = o.dataset.split("val");
  const valLossBefore = evaluateLoss(start, val, o.valWindows);
  start.dispose();

  // Members: a funded keypair file and a state folder each
  const keypairs: Keypair[] = await Promise.all(Array.from({ length: o.members }, () => fundedKeypair(connection, 2)));
  const names = keypairs.map((_, i) => `member-${i}`);
  const byKey = new Map(keypairs.map((k, i) => [k.publicKey.toBase58(), i]));
  const finished = new Map<number, Extract<NodeEvent, { kind: "finished" }>>();
  const claimed = new Map<number, number>();
  type RoundTally = {
    losses: Map<number, number>;
    receipts: number;
    applied: number;
    accepted: number[];
    bytes: number;
  };
  const rounds = new Map<number, RoundTally>();
  const lines: RoundLine[] = [];
  // Round lines print above the bar (MultiBar.log), so the two do not overwrite each other.
  const bars = o.progress ? new MultiBar({ format: "run {bar} {value}/{total} rounds | {eta_formatted} left" }) : null;
  const bar = bars?.create(o.rounds, 0);
  let lastLine = performance.now();
  const say = (line: string) => (bars ? bars.log(`${line}\n`) : log(line));

  const onEvent = (i: number, e: NodeEvent) => {
    o.onEvent?.(i, e);
    const round = (step: number) => {
      let r = rounds.get(step);
      if (!r) rounds.set(step, (r = { losses: new Map(), receipts: 0, applied: 0, accepted: [], bytes: 0 }));
      return r;
    };
    switch (e.kind) {
      case "trained":
        round(e.step).losses.set(i, e.loss);
        round(e.step).bytes = e.bytes;
        return;
      case "committed":
        round(e.step).receipts++;
        return;
      case "applied": {
        const r = round(e.step);
        r.accepted = e.slots;
        if (++r.applied < o.members) return;
        const now = performance.now();
        const line: RoundLine = {
          step: e.step,
          losses: [...r.losses.entries()].sort(([a], [b]) => a - b).map(([, l]) => l),
          receipts: r.receipts,
          accepted: r.accepted,
          updateBytes: r.bytes,
          seconds: (now - lastLine) / 1000,
        };
        lastLine = now;
        lines.push(line);
        rounds.delete(e.step);
        bar?.update(e.step + 1);
        say(
          `round ${line.step}: loss ${line.losses.map((l) => l.toFixed(3)).join(" ")} | ${line.receipts} receipts, ` +
            `${line.accepted.length} accepted | update ${(line.updateBytes / 1024).toFixed(1)} KiB vs ` +
            `${(denseBytes / 1024).toFixed(1)} KiB dense | ${line.seconds.toFixed(1)} s`,
        );
        return;
      }
      case "claimed":
        claimed.set(i, e.lamports);
        return;
      case "finished":
        finished.set(i, e);
        return;
      case "warning":
        say(`${names[i]}: warning: ${e.message}`);
        return;
      default:
        return;
    }
  };

  const stateDirs = names.map((n) => join(o.workDir, n));
  const network0 = performance.now();
  const children = keypairs.map((k, i) => {
    const keypairFile = join(o.workDir, `${names[i]}.json`);
    writeKeypair(keypairFile, k);
    return new TrainerProcess({
      name: names[i],
      rpcUrl: o.rpcUrl,
      run: run.toBase58(),
      keypairFile,
      recipeFile,
      dataDir: o.dataset.dir,
      stateDir: stateDirs[i],
      listen: `127.0.0.1:${o.basePort === 0 ? 0 : o.basePort + 1 + i}`,
      onEvent: (e) => onEvent(i, e),
    });
  });

  // The crank ticks the run while the members train; any process may run one.
  const crankAbort = new AbortController();
  const program = coordinatorProgram(providerFor(connection, authority));
  const crank = new Crank(program, run, new TransactionSender(connection, authority)).runUntilFinished(
    crankAbort.signal,
    { pollMs: 1000, onError: (e) => say(`crank: ${e.message}`) },
  );
  const stopAll = () => Promise.all(children.map((c) => c.stop()));
  o.signal?.addEventListener("abort", () => void stopAll());
  try {
    // Every member must exit 0 (the run finished and it claimed); the first that does not stops the demo.
    await Promise.all(
      children.map(async (c) => {
        const code = await c.exited;
        if (code !== 0 && !o.signal?.aborted)
          throw new TrainerDiedError(
            `${c.o.name} exited with ${code ?? "a signal"}; its last lines:\n  ${c.tail.join("\n  ")}`,
          );
      }),
    );
  } finally {
    bars?.update(); // writes the round lines logged since the last redraw, which stop() alone drops
    bars?.stop();
    crankAbort.abort();
    await stopAll();
    await crank.catch(() => {});
  }
  if (o.signal?.aborted) throw new DemoStoppedError("interrupted: every member process is stopped");
  const networkSeconds = (performance.now() - network0) / 1000;

  // The replay: the chain's records and the bytes in member-0's store rebuild the model
  const store = UpdateStore.open(join(stateDirs[0], "updates"));
  const curve: { step: number; valLoss: number }[] = [];
  if (o.curve) {
    const fresh = new Transformer(recipe.model, { seed: recipe.initSeed });
    curve.push({ step: 0, valLoss: evaluateLoss(fresh, val, o.curve.windows) });
    fresh.dispose();
  }
  const fetchBytes = async (hash: Uint8Array) => {
    const stored = store.getByHash(hash);
    if (!stored) throw new Error(`member-0 holds no update ${Buffer.from(hash).toString("hex")}`);
    return stored.bytes;
  };
  const replayed = await replayRun(connection, program.programId, run, recipe, o.dataset, fetchBytes, (step, model) => {
    const done = Number(step) + 1;
    if (o.curve && done % o.curve.every === 0)
      curve.push({ step: done, valLoss: evaluateLoss(model, val, o.curve.windows) });
  });
  const replayHash = Buffer.from(parameterHash(replayed.getWeights())).toString("hex");
  const valLossAfter = evaluateLoss(replayed, val, o.valWindows);
  replayed.dispose();

  const history = await runHistory(connection, program.programId, run);
  const accepted = new Map<number, number>();
  for (const s of history)
    for (const u of s.updates) {
      const i = byKey.get(u.member.toBase58());
      if (i !== undefined) accepted.set(i, (accepted.get(i) ?? 0) + 1);
    }
  const members: MemberReport[] = keypairs.map((k, i) => ({
    name: names[i],
    member: k.publicKey.toBase58(),
    receiptsAccepted: accepted.get(i) ?? 0,
    claimedLamports: claimed.get(i) ?? 0,
    bytesSent: finished.get(i)?.bytesSent ?? 0,
    bytesReceived: finished.get(i)?.bytesReceived ?? 0,
    paramsHash: finished.get(i)?.paramsHash ?? "",
  }));
  const report: NetworkDemoReport = {
    run,
    rounds: lines,
    members,
    valLossBefore,
    valLossAfter,
    denseBytes,
    replayHash,
    curve,
    networkSeconds,
    wallSeconds: (performance.now() - wall0) / 1000,
  };
  summarize(report, o.rounds, log);
  return report;
}

function summarize(r: NetworkDemoReport, rounds: number, log: (line: string) => void): void {
  log(
    `run finished in ${r.wallSeconds.toFixed(0)} s: validation loss ${r.valLossBefore.toFixed(3)} -> ${r.valLossAfter.toFixed(3)}`,
  );
  for (const m of r.members) {
    const perStep = m.bytesSent / rounds;
    log(
      `  ${m.name} ${m.member.slice(0, 8)}: ${m.receiptsAccepted} receipts accepted, claimed ` +
        `${(m.claimedLamports / LAMPORTS_PER_SOL).toFixed(4)} SOL, sent ${(perStep / 1024).toFixed(1)} KiB/round ` +
        `(${(r.denseBytes / Math.max(perStep, 1)).toFixed(0)}x less than dense), parameters ${m.paramsHash.slice(0, 16)}`,
    );
  }
  const same = r.members.every((m) => m.paramsHash === r.replayHash);
  log(
    same
      ? `every member's parameters equal the replay from the chain's records: ${r.replayHash}`
      : `PARAMETERS DIFFER: replay ${r.replayHash}, members ${r.members.map((m) => m.paramsHash).join(", ")}`,
  );
}
