// `npm run bench:scale`: the protocol at the program's largest run. For each member count, a fresh local chain
// (`concord localnet`, its own process: the real program in litesvm behind JSON-RPC), a run of that many members
// created as the demo creates it, an in-process crank, one `concord relay` process that some members sit behind
// (they accept no inbound connections), and the members as in-process TrainerNodes split over member processes
// (bench/scaleMembers.ts) with a synthetic pseudo-gradient in place of the model's compute, each update still
// compressed, encoded, committed, announced, pulled, checked, witnessed and applied as on the network.
// Measured per count: rounds closed with every member's update accepted and before the round's deadlines, round
// time, transactions and compute units per round by instruction (and the largest), JSON-RPC latency per method,
// peer connections and bytes, and each process's CPU and memory (chain, relay, member processes) and event-loop lag.
//
// Why several member processes: a full mesh of N members holds N(N-1) websockets (both ends of each dial), 130k
// file descriptors at 256 members, over this machine's 20,000 per process; 32 members per process stay under it.
// Why not one process per member: 256 Node processes on 2 cores would measure the scheduler; what a member costs
// is measured as CPU seconds per member per round instead and projected to one machine per member.
//   npm run bench:scale -- [--members 8,32,64,128,256] [--rounds 20] [--per-process 32] [--relayed-every 8]
//     [--train-time 60] [--witness-time 30] [--witnesses 8] [--max-rss-mb 12000] [--json] [--out FILE]
// Progress goes to stderr; the tables (or with --json the figures) to stdout.
import type { ChildProcess } from "node:child_process";
import { fork } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { Connection } from "@solana/web3.js";
import yargs from "yargs";
import { Crank } from "../coordinator/crank/crank";
import { fundedKeypair, providerFor, waitForIdleWebsocket } from "../coordinator/localnet/localnetClient";
import { createDemoRun } from "../scripts/demo/demoRun";
import { toBigInt } from "../sdk/coordinatorAccounts";
import { COORDINATOR_IDL, COORDINATOR_PROGRAM_ID, coordinatorProgram } from "../sdk/coordinatorProgram";
import { acceptedSteps, committedUpdates, coordinatorEvents } from "../sdk/roundHistory";
import { CONCORD_ERROR__CLIENT__VALUE_OUT_OF_RANGE } from "../sdk/errors/codes";
import { ConcordError, isConcordError } from "../sdk/errors/concordError";
import { MAX_MEMBERS, MAX_WITNESSES } from "../sdk/runConfig";
import { RunState, runStateOf } from "../sdk/runState";
import { TransactionSender } from "../sdk/transactionSender";
import { ChainFollower } from "../trainer/node/chainFollower";
import { addressSignatures } from "../trainer/node/runHistory";
import { CliProcess, freePortPair, startLocalnetProcess } from "../tests/helpers/cliProcess";
import { generatedDataset } from "../tests/helpers/generatedDataset";
import { within } from "../tests/helpers/within";
import type { MembersJob, MembersMessage, MembersStats } from "./scaleMembers";

export interface ScaleOptions {
  readonly members: number;
  readonly rounds: number;
  /** Members per member process. */
  readonly perProcess: number;
  /** Every this many members, one sits behind the relay (0: none). */
  readonly relayedEvery: number;
  /** The run's max_round_train_time and round_witness_time, seconds: a round's deadlines. */
  readonly trainTime: number;
  readonly witnessTime: number;
  readonly witnesses: number;
  /** The run stops (figures kept) when the bench's processes together hold more resident memory than this. */
  readonly maxRssMb: number;
  readonly progress: (line: string) => void;
}

export interface RoundFigures {
  readonly step: number;
  /** Seconds in RoundTrain (until every commit, or the deadline) and in RoundWitness (until quorum, or the deadline). */
  readonly trainS: number;
  readonly witnessS: number;
  readonly committed: number;
  readonly accepted: number;
  /** Every member's update accepted, each phase closed before its deadline. */
  readonly onTime: boolean;
}

export interface InstructionFigures {
  readonly count: number;
  readonly perRound: number;
  readonly meanCu: number;
  readonly maxCu: number;
}

export interface ProcessFigures {
  /** CPU seconds from the first round's start to the last round's end, and that over the wall time (1 = one core). */
  readonly cpuS: number;
  readonly cores: number;
  readonly peakRssMb: number;
  /** Most open file descriptors seen (sockets, nearly all). */
  readonly peakFds: number;
}

export interface ScaleResult {
  readonly members: number;
  readonly processes: number;
  readonly relayed: number;
  readonly rounds: RoundFigures[];
  readonly roundsOnTime: number;
  /** The Run account's size: what every accountSubscribe notification carries (base64) to every member. */
  readonly runAccountBytes: number;
  readonly wallS: number;
  readonly transactionsPerRound: number;
  readonly cuPerRound: number;
  readonly feeLamportsPerRound: number;
  readonly instructions: Record<string, InstructionFigures>;
  readonly rpc: Record<string, { calls: number; perRound: number; p50: number; p95: number; p99: number }>;
  readonly updateBytes: number;
  /** Per member per round, peer payload bytes sent and received (the finished events' counters). */
  readonly peerBytesPerMemberRound: { sent: number; received: number };
  readonly processes_: { chain: ProcessFigures; relay: ProcessFigures; members: ProcessFigures; bench: ProcessFigures };
  readonly memberLagMs: { p50: number; p99: number; max: number };
  /** Members that applied every round and finished before the bench's bound. */
  readonly finishedMembers: number;
  readonly warnings: string[];
}

const quantile = (xs: number[], q: number) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** CPU seconds, resident and peak resident MB, and open file descriptors of a process, from /proc. */
function procSample(pid: number): { cpuS: number; rssMb: number; hwmMb: number; fds: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return {
      cpuS: (Number(fields[11]) + Number(fields[12])) / 100, // utime + stime, in USER_HZ (100)
      rssMb: kb("VmRSS") / 1024,
      hwmMb: kb("VmHWM") / 1024,
      fds: readdirSync(`/proc/${pid}/fd`).length,
    };
  } catch {
    return { cpuS: 0, rssMb: 0, hwmMb: 0, fds: 0 }; // exited
  }
}

/** Follows the processes' CPU, memory and descriptors; figures from mark() to the end. */
class ProcessWatch {
  private readonly start = new Map<number, number>();
  private readonly peak = new Map<number, { rssMb: number; fds: number }>();
  private readonly timer: NodeJS.Timeout;
  private t0 = 0;

  /** Resolves when the processes together hold more than `maxRssMb` resident: the machine is shared. */
  readonly overMemory: Promise<number>;
  private overMemoryAt!: (mb: number) => void;

  constructor(
    private readonly pids: () => Map<string, number[]>,
    private readonly maxRssMb: number,
  ) {
    this.overMemory = new Promise((resolve) => (this.overMemoryAt = resolve));
    this.timer = setInterval(() => this.sample(), 2_000);
  }

  mark(): void {
    this.t0 = performance.now();
    for (const pids of this.pids().values()) for (const pid of pids) this.start.set(pid, procSample(pid).cpuS);
  }

  sample(): Map<number, number> {
    const cpu = new Map<number, number>();
    let rssMb = 0;
    for (const pids of this.pids().values())
      for (const pid of pids) {
        const s = procSample(pid);
        const p = this.peak.get(pid) ?? { rssMb: 0, fds: 0 };
        this.peak.set(pid, { rssMb: Math.max(p.rssMb, s.hwmMb), fds: Math.max(p.fds, s.fds) });
        cpu.set(pid, s.cpuS);
        rssMb += s.rssMb;
      }
    if (rssMb > this.maxRssMb) this.overMemoryAt(rssMb);
    return cpu;
  }

  /** Per group: CPU since mark() (summed over its processes), peak memory and descriptors (summed too). */
  finish(): Record<string, ProcessFigures> {
    clearInterval(this.timer);
    const cpu = this.sample();
    const wallS = (performance.now() - this.t0) / 1000;
    const out: Record<string, ProcessFigures> = {};
    for (const [group, pids] of this.pids()) {
      const cpuS = pids.reduce((t, pid) => t + (cpu.get(pid) ?? 0) - (this.start.get(pid) ?? 0), 0);
      out[group] = {
        cpuS,
        cores: cpuS / wallS,
        peakRssMb: pids.reduce((t, pid) => t + (this.peak.get(pid)?.rssMb ?? 0), 0),
        peakFds: pids.reduce((t, pid) => t + (this.peak.get(pid)?.fds ?? 0), 0),
      };
    }
    return out;
  }
}

/** The coordinator instruction a transaction carries, by its Anchor discriminator. */
const instructionNames = new Map(
  COORDINATOR_IDL.instructions.map((i) => [Buffer.from(i.discriminator).toString("hex"), i.name]),
);

/** Refuses counts the run or the bench cannot take, before anything starts. */
function checkOptions(o: ScaleOptions): void {
  const rules: [string, number, number, number][] = [
    ["--members", o.members, 1, MAX_MEMBERS],
    ["--rounds", o.rounds, 1, 1000],
    ["--per-process", o.perProcess, 1, MAX_MEMBERS],
    ["--relayed-every", o.relayedEvery, 0, MAX_MEMBERS],
    ["--train-time", o.trainTime, 1, 3599],
    ["--witness-time", o.witnessTime, 1, 3599],
    ["--witnesses", o.witnesses, 1, MAX_WITNESSES],
    ["--max-rss-mb", o.maxRssMb, 1000, 1_000_000],
  ];
  for (const [name, value, min, max] of rules)
    if (!Number.isInteger(value) || value < min || value > max)
      throw new ConcordError(CONCORD_ERROR__CLIENT__VALUE_OUT_OF_RANGE, {
        name,
        value: String(value),
        range: `an integer from ${min} to ${max}`,
      });
}

/** Runs one member count to its end and returns its figures. */
export async function scaleRun(o: ScaleOptions): Promise<ScaleResult> {
  checkOptions(o);
  const work = mkdtempSync(join(tmpdir(), "concord-bench-scale-"));
  const log = (line: string) => o.progress(`[${o.members} members] ${line}`);
  const stops: (() => Promise<unknown> | void)[] = [];
  const workers: ChildProcess[] = [];
  let watch: ProcessWatch | undefined;
  let chain: CliProcess | undefined;
  try {
    const net = (chain = await startLocalnetProcess(await freePortPair(), join(work, "chain")));
    const rpcUrl = /^RPC URL: (\S+)/.exec(net.lines.find((l) => l.startsWith("RPC URL: ")) ?? "")?.[1];
    if (!rpcUrl) throw net.failure("printed no rpc line");
    const connection = new Connection(rpcUrl, "confirmed");
    const dataset = generatedDataset(join(work, "data"), 20_000, 1);
    const authority = await fundedKeypair(connection, 100);
    const { run, recipe } = await createDemoRun(connection, authority, {
      dataset,
      members: o.members,
      rounds: o.rounds,
      // one row each: a member with no rows commits nothing
      globalBatchSize: o.members,
      // the smallest model the codec and compressor take: what a member computes is not what is measured here
      model: { contextLength: 16, layers: 1, heads: 1, width: 16 },
      roundsPerEpoch: Math.min(o.rounds, 64),
      witnessNodes: Math.min(o.witnesses, o.members),
      times: { maxRoundTrainTime: o.trainTime, roundWitnessTime: o.witnessTime, cooldownTime: 1 },
    });
    log(`run ${run.toBase58()} created`);
    const relay = new CliProcess(["relay", "--port", "0", "--run", run.toBase58(), "--url", rpcUrl]);
    stops.push(() => relay.kill());
    const relayUrl = /^endpoint: (\S+)/.exec(await relay.line(/^endpoint: /, 60_000))![1];

    const keypairs = [];
    for (let i = 0; i < o.members; i += 16)
      keypairs.push(
        ...(await Promise.all(Array.from({ length: Math.min(16, o.members - i) }, () => fundedKeypair(connection, 2)))),
      );
    log(`${o.members} members funded`);
    const relayedCount = o.relayedEvery ? Math.floor(o.members / o.relayedEvery) : 0;
    const members = keypairs.map((k, index) => ({
      secretKey: Array.from(k.secretKey),
      index,
      ...(o.relayedEvery && index % o.relayedEvery === o.relayedEvery - 1 ? { relay: relayUrl } : {}),
    }));

    // Every member's events, and the figures of each member process
    const events = members.map(() => [] as MembersMessage[]);
    const finished = new Set<number>();
    const warnings: string[] = [];
    let allFinished!: () => void;
    let failed!: (e: Error) => void;
    const done = new Promise<void>((resolve, reject) => ([allFinished, failed] = [resolve, reject]));
    const stats: Promise<MembersStats>[] = [];
    for (let p = 0; p * o.perProcess < o.members; p++) {
      const job: MembersJob = {
        rpcUrl,
        run: run.toBase58(),
        recipe,
        dataset: { dir: dataset.dir, hash: dataset.hash },
        dir: join(work, "members"),
        members: members.slice(p * o.perProcess, (p + 1) * o.perProcess),
      };
      const worker = fork(join(__dirname, "scaleMembers.ts"), [], {
        execArgv: ["--require", "tsx/cjs"],
        stdio: ["ignore", 2, 2, "ipc"],
      });
      workers.push(worker);
      stops.push(async () => {
        if (worker.exitCode !== null || worker.signalCode !== null) return;
        const exited = new Promise((resolve) => worker.once("exit", resolve));
        if (worker.connected) worker.disconnect();
        await within(exited, "a member process to exit", 20_000).catch(() => worker.kill("SIGKILL"));
      });
      stats.push(
        new Promise((resolve) =>
          worker.on("message", (m: MembersMessage) => {
            if (m.kind === "stats") return resolve(m.stats);
            if (m.kind === "failed") return failed(new Error(`member ${m.member}: ${m.error}`));
            if (m.member >= 0) events[m.member].push(m);
            if (m.event.kind === "warning" && warnings.length < 20)
              warnings.push(`member ${m.member}: ${m.event.message}`);
            if (m.event.kind === "finished" && (finished.add(m.member), finished.size === o.members)) allFinished();
          }),
        ),
      );
      worker.once("exit", (code) => failed(new Error(`member process ${p} exited (${code})`)));
      worker.send(job);
    }
    log(`${workers.length} member processes started (${relayedCount} members behind the relay)`);
    watch = new ProcessWatch(
      () =>
        new Map([
          ["chain", [net.child.pid!]],
          ["relay", [relay.child.pid!]],
          ["members", workers.map((w) => w.pid!)],
          ["bench", [process.pid]],
        ]),
      o.maxRssMb,
    );

    // The rounds as the chain shows them: when each phase began and how many receipts it held
    const follower = new ChainFollower(connection, run);
    await follower.start();
    stops.push(() => follower.stop());
    const phases: { step: number; state: RunState; at: number; committed: number }[] = [];
    let firstRound = 0;
    follower.onChange((s) => {
      const state = runStateOf(s.state);
      const step = Number(toBigInt(s.step));
      const last = phases[phases.length - 1];
      if (last && last.step === step && last.state === state) return;
      const committed = s.roundReceipts.filter((r) => r.committed).length;
      phases.push({ step, state, at: performance.now(), committed });
      if (state === RunState.RoundTrain && step === 0) {
        firstRound = performance.now();
        watch!.mark();
      }
      if (state === RunState.RoundWitness && step % Math.max(1, Math.round(o.rounds / 10)) === 0)
        log(`round ${step}: ${committed} commits`);
    });
    const abort = new AbortController();
    const crank = new Crank(
      coordinatorProgram(providerFor(connection, authority)),
      run,
      new TransactionSender(connection, authority),
    ).runUntilFinished(abort.signal, { pollMs: 500 });
    stops.push(async () => {
      abort.abort();
      await crank.catch(() => {});
    });
    // A count this machine cannot keep up with still gets its figures: the chain's record says how far it came
    const bound = 300_000 + o.rounds * (o.trainTime + o.witnessTime + 5) * 1000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, bound)));
    const overMemory = watch.overMemory.then((mb) => {
      warnings.unshift(`stopped at ${f0(mb)} MB resident, over --max-rss-mb ${o.maxRssMb}`);
    });
    await Promise.race([done, timedOut, overMemory]).finally(() => clearTimeout(timer));
    if (finished.size < o.members)
      warnings.unshift(`${finished.size} of ${o.members} members finished within ${bound / 1000} s`);
    const wallS = (performance.now() - firstRound) / 1000;
    const processes = watch.finish();
    watch = undefined;
    for (const w of workers) w.send("stats");
    const memberStats = await within(Promise.all(stats), "the member processes' figures", 60_000);
    log(`finished in ${wallS.toFixed(0)} s; reading the chain's record`);

    // The chain's record: every transaction naming the run, its instruction, compute units and fee
    const signatures = (await addressSignatures(connection, run)).filter((s) => !s.err).map((s) => s.signature);
    const perInstruction = new Map<string, number[]>();
    const chainEvents = [];
    let fees = 0;
    for (let i = 0; i < signatures.length; i += 100) {
      const txs = await connection.getTransactions(signatures.slice(i, i + 100), {
        commitment: "confirmed",
        maxSupportedTransactionVersion: 0,
      });
      for (const tx of txs) {
        if (!tx?.meta) continue;
        const message = tx.transaction.message;
        const coordinator = message.compiledInstructions.find((c) =>
          message.staticAccountKeys[c.programIdIndex].equals(COORDINATOR_PROGRAM_ID),
        );
        const name = coordinator
          ? (instructionNames.get(Buffer.from(coordinator.data.slice(0, 8)).toString("hex")) ?? "unknown")
          : "other";
        (perInstruction.get(name) ?? perInstruction.set(name, []).get(name)!).push(tx.meta.computeUnitsConsumed ?? 0);
        fees += tx.meta.fee;
        chainEvents.push(...coordinatorEvents(COORDINATOR_PROGRAM_ID, tx.meta.logMessages ?? []));
      }
    }
    const runAccountBytes = (await connection.getAccountInfo(run, "confirmed"))?.data.length ?? 0;
    const commitsByStep = new Map<number, number>();
    for (const c of committedUpdates(chainEvents))
      commitsByStep.set(Number(c.step), (commitsByStep.get(Number(c.step)) ?? 0) + 1);
    const acceptedByStep = new Map(acceptedSteps(chainEvents).map((s) => [Number(s.step), s.updates.length]));

    const rounds: RoundFigures[] = [];
    for (let step = 0; step < o.rounds; step++) {
      const train = phases.find((p) => p.step === step && p.state === RunState.RoundTrain);
      const witness = phases.find((p) => p.step === step && p.state === RunState.RoundWitness);
      const next = phases.find((p) => p.at > (witness?.at ?? Infinity) && p.state !== RunState.RoundWitness);
      const trainS = train && witness ? (witness.at - train.at) / 1000 : NaN;
      const witnessS = witness && next ? (next.at - witness.at) / 1000 : NaN;
      const accepted = acceptedByStep.get(step) ?? 0;
      rounds.push({
        step,
        trainS,
        witnessS,
        committed: commitsByStep.get(step) ?? 0,
        accepted,
        onTime: accepted === o.members && trainS < o.trainTime && witnessS < o.witnessTime,
      });
    }
    const roundInstructions = ["commit", "witness", "tick"];
    const roundCus = [...perInstruction].filter(([n]) => roundInstructions.includes(n)).flatMap(([, cu]) => cu);
    const rpcAll: Record<string, number[]> = {};
    for (const s of memberStats) for (const [m, xs] of Object.entries(s.rpcMs)) (rpcAll[m] ??= []).push(...xs);
    const trained = events.flatMap((e) =>
      e.flatMap((m) => (m.kind === "event" && m.event.kind === "trained" ? [m.event] : [])),
    );
    const finishedEvents = events.flatMap((e) =>
      e.flatMap((m) => (m.kind === "event" && m.event.kind === "finished" ? [m.event] : [])),
    );
    const perMemberRound = (key: "bytesSent" | "bytesReceived") =>
      finishedEvents.reduce((t, f) => t + f[key], 0) / o.members / o.rounds;
    return {
      members: o.members,
      processes: workers.length,
      relayed: relayedCount,
      rounds,
      roundsOnTime: rounds.filter((r) => r.onTime).length,
      runAccountBytes,
      wallS,
      transactionsPerRound: roundCus.length / o.rounds,
      cuPerRound: roundCus.reduce((a, b) => a + b, 0) / o.rounds,
      feeLamportsPerRound: fees / o.rounds,
      instructions: Object.fromEntries(
        [...perInstruction].map(([name, cu]) => [
          name,
          {
            count: cu.length,
            perRound: cu.length / o.rounds,
            meanCu: cu.reduce((a, b) => a + b, 0) / cu.length,
            maxCu: Math.max(...cu),
          },
        ]),
      ),
      rpc: Object.fromEntries(
        Object.entries(rpcAll)
          .sort(([, a], [, b]) => b.length - a.length)
          .map(([m, xs]) => [
            m,
            {
              calls: xs.length,
              perRound: xs.length / o.rounds,
              p50: quantile(xs, 0.5),
              p95: quantile(xs, 0.95),
              p99: quantile(xs, 0.99),
            },
          ]),
      ),
      updateBytes: trained.length ? trained[0].bytes : 0,
      peerBytesPerMemberRound: { sent: perMemberRound("bytesSent"), received: perMemberRound("bytesReceived") },
      processes_: processes as ScaleResult["processes_"],
      memberLagMs: {
        p50: Math.max(...memberStats.map((s) => s.lagMs.p50)),
        p99: Math.max(...memberStats.map((s) => s.lagMs.p99)),
        max: Math.max(...memberStats.map((s) => s.lagMs.max)),
      },
      finishedMembers: finished.size,
      warnings,
    };
  } finally {
    watch?.finish();
    for (const w of workers) w.removeAllListeners("exit"); // exits are expected from here on
    for (const stop of stops.reverse()) await stop();
    await waitForIdleWebsocket(); // web3.js reconnects forever to a chain that stops first
    await chain?.kill();
    rmSync(work, { recursive: true, force: true });
  }
}

const f0 = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 0 });
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "—");

/** The figures of every count as Markdown: the summary across counts, then per count the RPC methods and instructions. */
export function scaleTables(results: readonly ScaleResult[]): string {
  const lines = [
    "| members | member processes (relayed members) | rounds on time (all accepted, before deadlines) | train / witness phase, median (max) s | transactions / round | CU / round | largest instruction CU | update bytes | peer bytes sent / member / round | peak fds, all member processes | Run account bytes | member CPU s / member / round | CPU cores used: chain / members / relay / crank | peak RSS MB: chain / members / relay | member event-loop lag p99 (max) ms |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const r of results) {
    const p = r.processes_;
    // a round the run never reached (a count that could not keep up) has no phase times
    const times = (k: "trainS" | "witnessS") => r.rounds.map((x) => x[k]).filter(Number.isFinite);
    const med = (k: "trainS" | "witnessS") => (times(k).length ? quantile(times(k), 0.5) : NaN);
    const max = (k: "trainS" | "witnessS") => Math.max(...times(k));
    const largest = Object.entries(r.instructions).sort(([, a], [, b]) => b.maxCu - a.maxCu)[0];
    lines.push(
      `| ${r.members} | ${r.processes} (${r.relayed}) | ${r.roundsOnTime} of ${r.rounds.length} | ` +
        `${f1(med("trainS"))} (${f1(max("trainS"))}) / ${f1(med("witnessS"))} (${f1(max("witnessS"))}) | ` +
        `${f1(r.transactionsPerRound)} | ${f0(r.cuPerRound)} | ${largest ? `${f0(largest[1].maxCu)} (${largest[0]})` : "—"} | ` +
        `${f0(r.updateBytes)} | ${f0(r.peerBytesPerMemberRound.sent)} | ${f0(p.members.peakFds)} | ${f0(r.runAccountBytes)} | ` +
        `${(p.members.cpuS / r.members / r.rounds.length).toFixed(2)} | ` +
        `${[p.chain, p.members, p.relay, p.bench].map((x) => x.cores.toFixed(2)).join(" / ")} | ` +
        `${[p.chain, p.members, p.relay].map((x) => f0(x.peakRssMb)).join(" / ")} | ` +
        `${f0(r.memberLagMs.p99)} (${f0(r.memberLagMs.max)}) |`,
    );
  }
  for (const r of results) {
    lines.push("", `${r.members} members: JSON-RPC requests of all members, by method`, "");
    lines.push("| method | calls / round | p50 ms | p95 ms | p99 ms |", "| --- | ---: | ---: | ---: | ---: |");
    for (const [m, x] of Object.entries(r.rpc))
      lines.push(`| ${m} | ${f1(x.perRound)} | ${f1(x.p50)} | ${f1(x.p95)} | ${f1(x.p99)} |`);
    lines.push("", `${r.members} members: transactions naming the run, by coordinator instruction`, "");
    lines.push("| instruction | count | per round | mean CU | max CU |", "| --- | ---: | ---: | ---: | ---: |");
    for (const [n, x] of Object.entries(r.instructions))
      lines.push(`| ${n} | ${x.count} | ${f1(x.perRound)} | ${f0(x.meanCu)} | ${f0(x.maxCu)} |`);
    const late = r.rounds.filter((x) => !x.onTime);
    if (late.length)
      lines.push(
        "",
        `late or incomplete rounds: ${late.map((x) => `${x.step} (${x.accepted}/${r.members} accepted, train ${f1(x.trainS)} s, witness ${f1(x.witnessS)} s)`).join(", ")}`,
      );
    if (r.warnings.length) lines.push("", `first warnings: ${r.warnings.slice(0, 5).join("; ")}`);
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const a = yargs(process.argv.slice(2))
    .options({
      members: { type: "string", default: "8,32,64,128,256", describe: "member counts, one run each" },
      rounds: { type: "number", default: 20 },
      "per-process": { type: "number", default: 32, describe: "members per member process" },
      "relayed-every": { type: "number", default: 8, describe: "one member in this many sits behind the relay" },
      "train-time": { type: "number", default: 60, describe: "max_round_train_time, s" },
      "witness-time": { type: "number", default: 30, describe: "round_witness_time, s" },
      witnesses: { type: "number", default: 8 },
      "max-rss-mb": {
        type: "number",
        default: 12_000,
        describe: "stop a count (figures kept) above this resident total",
      },
      json: { type: "boolean", default: false, describe: "print the figures as JSON instead of tables" },
      out: { type: "string", describe: "also write the figures as JSON to this file, after each count" },
    })
    .strict()
    .parseSync();
  const progress = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  progress(`machine: ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}`);
  const runs: ScaleOptions[] = a.members.split(",").map((members) => ({
    members: Number(members),
    rounds: a.rounds,
    perProcess: a["per-process"],
    relayedEvery: a["relayed-every"],
    trainTime: a["train-time"],
    witnessTime: a["witness-time"],
    witnesses: a.witnesses,
    maxRssMb: a["max-rss-mb"],
    progress,
  }));
  runs.forEach(checkOptions); // every count, before the first runs
  const results: ScaleResult[] = [];
  const figures = () =>
    JSON.stringify({ date: new Date().toISOString(), machine: `${cpus().length} x ${cpus()[0]?.model}`, results });
  for (const run of runs) {
    results.push(await scaleRun(run));
    progress(scaleTables(results.slice(-1)).split("\n")[2]);
    if (a.out) writeFileSync(a.out, `${figures()}\n`);
  }
  console.log(a.json ? figures() : scaleTables(results));
}

if (require.main === module)
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(isConcordError(e) ? e.message : e);
      process.exit(1);
    },
  );
