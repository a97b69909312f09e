// A compute provider's trainer node: one long-running process per member. It follows the Run account, joins with
// stake, and for every round of the epochs it is in: trains its assigned rows, commits the update's hash on-chain,
// publishes the bytes to its peers, witnesses when drawn (vouching only for updates that pass the cheap checks of
// sdk/audit: integrity, no stale or past copy, no norm outlier), and applies exactly the accepted set.
//
// Pipelining rule (the same on every honest node, and what an auditor re-executes): round s trains from the shared
// parameters after rounds 0..s-2, on rows drawn from the data seed of round s (the seed of round s-1), so a member
// trains round s while round s-1 is witnessed and decided, and the chain's latency hides behind its compute, as in
// Psyche and streaming DiLoCo. The shared parameters take round s's outer step as soon as the chain decided it.
// Witnesses report the parameter hash after rounds 0..s-1 with their witness of s. Two loops run side by side: the
// chain loop (apply, commit, witness, finish: one pass per new Run state) and the compute loop (one round at a time,
// yielding to the event loop between inner steps).
import type { Connection, Keypair, PublicKey, TransactionInstruction } from "@solana/web3.js";
import { existsSync } from "node:fs";
import { bytesToHex } from "@noble/hashes/utils";
import { join } from "node:path";
import { witnessRefusals } from "../../sdk/audit/witnessChecks";
import { decodeUpdate, encodeUpdate, updateHash } from "../../sdk/codec/updateCodec";
import type { RunAccount } from "../../sdk/coordinatorAccounts";
import { decodeMember, memberEndpoint, toBigInt } from "../../sdk/coordinatorAccounts";
import * as ix from "../../sdk/coordinatorInstructions";
import { findMemberAddress } from "../../sdk/coordinatorPdas";
import type { CoordinatorProgram } from "../../sdk/coordinatorProgram";
import { ConcordError } from "../../sdk/errors/concordError";
import { peerDialUrl } from "../../sdk/net/relayUrls";
import { CONCORD_ERROR__TRAINER__NOT_A_MEMBER } from "../../sdk/errors/codes";
import type { ComputeDescriptor } from "../../sdk/receiptMetadata";
import { checkReceiptMetadata, decodeReceiptMetadata, encodeReceiptMetadata } from "../../sdk/receiptMetadata";
import { CHALLENGE_WINDOW_EPOCHS } from "../../sdk/receiptStatus";
import { RunState, runStateOf } from "../../sdk/runState";
import type { TrainingRecipe } from "../../sdk/trainingRecipe";
import type { TransactionSender } from "../../sdk/transactionSender";
import { programErrorCode } from "../../sdk/transactionSender";
import { hashWords, mulberry32 } from "../../sdk/seededRandom";
import { unbondingEpoch } from "../../sdk/unbonding";
import type { Attack } from "../adversary/attacks";
import type { Dataset } from "../data/tokenShards";
import { Transformer } from "../model/transformer";
import { putBlob } from "../../sdk/net/blobFetch";
import { putMetadata } from "../../sdk/net/metadataFetch";
import type { CommittedUpdate } from "../../sdk/roundHistory";
import { acceptedSteps, committedUpdates, startedSteps } from "../../sdk/roundHistory";
import { decodeRunCheckpoint, recordedCheckpointBytes } from "../checkpoint/runCheckpoints";
import { writeAtomically } from "../data/datasetDownload";
import { ChainFollower } from "./chainFollower";
import { loadRoundState, saveRoundState } from "./roundStateFile";
import { RunRecord } from "./runHistory";
import { serverBytes } from "./runReplay";
import type { RoundRef } from "./roundDecisions";
import { fetchEpochReceipts, roundDecision } from "./roundDecisions";
import type { TrainedUpdate } from "./roundTraining";
import { assignedBatches, RoundTrainer, runYielding } from "./roundTraining";
import { runModelSetup, withDataset } from "./runSetup";
import type { ModelSetup, RunSetup } from "./runSetup";
import { SharedParameters } from "./sharedParameters";
import type { ExchangeChain, ReceiptView } from "./updateExchange";
import { UpdateExchange } from "./updateExchange";
import type { StoredUpdate } from "./updateStore";
import { UpdateStore } from "./updateStore";
import type { BlobSource } from "./peerBlobs";
import { BlobShelf } from "./peerBlobs";
import { claimRewards, planJoin } from "./membership";

/** What a node reports as it goes: one event per thing that happened, for logs, the demo's live view and benches. */
export type NodeEvent =
  | { kind: "joined"; member: string; slot: number; endpoint: string }
  | {
      kind: "caughtUp";
      /** Rounds the recorded checkpoint held (null: none recorded, the run's initial weights were the start). */
      checkpointRounds: number | null;
      /** The decided rounds replayed from the chain's record, [fromStep, toStep). */
      fromStep: number;
      toStep: number;
      ms: number;
      /** The member's own round state: restored from its state dir, zeroed (none valid), or fresh (no receipt yet). */
      roundState: "restored" | "zeroed" | "fresh";
    }
  | {
      kind: "trained";
      step: number;
      loss: number;
      bytes: number;
      rows: number;
      innerSteps: number;
      computeMs: number;
      compressMs: number;
    }
  | { kind: "committed"; step: number; chainMs: number }
  | { kind: "witnessed"; step: number; slots: number[]; waitMs: number; chainMs: number }
  | { kind: "applied"; step: number; slots: number[]; fetchMs: number; paramsHash: string }
  | { kind: "claimed"; lamports: number }
  | { kind: "finished"; step: number; paramsHash: string; bytesSent: number; bytesReceived: number }
  /** The member's leave landed: it serves out epoch `epoch`, and its stake unbonds at epoch `unbondsAtEpoch`. */
  | { kind: "left"; epoch: number; unbondsAtEpoch: number }
  /** Stopped on request once nothing it owed was open; `lastCommitted`: the last round it committed (or tried), or -1. */
  | { kind: "stopped"; lastCommitted: number; left: boolean; paramsHash: string }
  | { kind: "warning"; message: string };

/** The run's dataset from data servers or, when none answers, from `peers` (blobs by hash, each checked). */
export type DatasetSource = (peers: BlobSource) => Promise<Dataset>;

export interface TrainerNodeOptions {
  readonly program: CoordinatorProgram;
  /** Sends as the member (its payer is `keypair`). */
  readonly sender: TransactionSender;
  readonly keypair: Keypair;
  readonly run: PublicKey;
  readonly recipe: TrainingRecipe;
  /** The run's dataset, or where to get it once the node is a member (from data servers, then its peers). */
  readonly dataset: Dataset | DatasetSource;
  readonly compute: ComputeDescriptor;
  /** Where the peer server listens; port 0 picks a free one. Omitted: peers reach this node only through its relays. */
  readonly listen?: { host: string; port: number };
  /** Relays (ws://HOST:PORT/relay) this member registers with, for when it accepts no inbound connections. */
  readonly relays?: readonly string[];
  /** The endpoint published on-chain (default: the first relay, else the bound listen address). */
  readonly advertise?: string;
  /** Lamports to stake when joining (default: the run's min_stake). */
  readonly stake?: bigint;
  readonly stateDir: string;
  /**
   * Data servers (`concord serve`): where the recorded checkpoint and past rounds' update bytes are fetched from when
   * catching up, and where this node uploads the updates it commits (when they take uploads).
   */
  readonly servers?: readonly string[];
  readonly onEvent?: (event: NodeEvent) => void;
  /** Longest wait, in ms, for a committed update's bytes before a witness vouches for what it has. */
  readonly witnessWaitMs?: number;
  /**
   * Rounds of updates the state dir keeps back from the run's current step (default: the challenge window, the
   * receipt's epoch and the next, at rounds_per_epoch rounds each). Older ones go, except those of rounds from the
   * latest recorded checkpoint's on (a member catching up replays them) and any this node has not applied yet.
   */
  readonly keepRounds?: number;
  /** Red-team runs only: the member misbehaves this way (trainer/adversary/attacks.ts). */
  readonly attack?: Attack;
  /** Benchmarks only: the round trainer in place of the model's (bench/scale.ts: synthetic updates, no model compute). */
  readonly roundTrainer?: (model: Transformer, setup: ModelSetup) => RoundTrainer;
}

/** A round's update trained ahead, with the inputs it was trained on (checked again when the round opens). */
interface ReadyUpdate {
  readonly update: TrainedUpdate;
  /** Data seed and epoch slots the rows came from: a new epoch with other members voids it. */
  readonly inputs: string;
}

/** What the compute loop trains next: round `step` from `base` on the rows of `dataSeed` among `epochSlots`. */
interface Computation {
  readonly step: bigint;
  readonly base: readonly Float32Array[];
  readonly dataSeed: Uint8Array;
  readonly epochSlots: number[];
  readonly slot: number;
}

const epochSlotsOf = (state: RunAccount) => state.members.flatMap((m, s) => (m.inEpoch ? [s] : []));

const inputsKey = (dataSeed: Uint8Array, epochSlots: readonly number[]) =>
  `${Buffer.from(dataSeed).toString("hex")}/${epochSlots.join(",")}`;

export class TrainerNode {
  private readonly connection: Connection;
  private readonly emit: (event: NodeEvent) => void;
  private follower!: ChainFollower;
  private exchange!: UpdateExchange;
  private store!: UpdateStore;
  private setup!: RunSetup;
  private model!: Transformer;
  private trainer!: RoundTrainer;
  private shared!: SharedParameters;
  /** The shared parameters before the last applied round: a round trains from these when it opens one round late. */
  private previous!: Float32Array[];
  /** False from a checkpoint's restore until a round is applied: the parameters before it are not known. */
  private previousKnown = true;
  /** The run's transactions, read (incrementally) when a round this node did not follow must be applied. */
  private readonly record: RunRecord;
  /** What `record` says of steps below `end`. */
  private recorded?: {
    end: bigint;
    started: Set<bigint>;
    accepted: Map<bigint, CommittedUpdate[]>;
    mine: CommittedUpdate[];
  };
  /** Stored updates of steps below this are pruned (pruneStore). */
  private prunedBelow = 0n;
  private readonly uploads = new Set<Promise<void>>();
  /** Steps below this are applied. */
  private nextApply = 0n;
  /** Rounds this node saw open, by step: where their decisions are read. */
  private readonly rounds = new Map<bigint, RoundRef>();
  /** The epoch's member slots as each round opened: the set its rows are drawn among. */
  private readonly openedSlots = new Map<bigint, number[]>();
  /** Data seeds by step, as the Run showed them (its seed is the next round's, its data_seed the current one's). */
  private readonly dataSeeds = new Map<bigint, Uint8Array>();
  private readonly ready = new Map<bigint, ReadyUpdate>();
  /** Steps up to this one were trained (or skipped). */
  private computedStep = -1n;
  private committedStep = -1n;
  private witnessedStep = -1n;
  private finished = false;
  private peersKey = "";
  private busy?: Promise<void>;
  private computing?: Promise<void>;
  /** Stops the round in training when the rounds it builds on are undone. */
  private computeAbort?: AbortController;
  private pending = false;
  /** Set by stopAfterRound(): the node winds down, owing the run only `lastRound` (or, leaving, its epoch). */
  private stopping?: { leave: boolean; lastRound: bigint };
  /** What this node serves to peers by hash: its dataset's files and the checkpoint it verified. */
  private readonly blobs = new BlobShelf((message) => this.emit({ kind: "warning", message }));
  private readonly done = deferred();
  private readonly abort = new AbortController();

  constructor(private readonly o: TrainerNodeOptions) {
    this.connection = o.program.provider.connection;
    this.emit = o.onEvent ?? (() => {});
    this.record = new RunRecord(this.connection, o.program.programId, o.run);
  }

  /** Starts the node; resolves when the run is finished and this node has applied every round and claimed, or on stop(). */
  async run(): Promise<void> {
    const o = this.o;
    // Everything the run's account can refuse is checked before the node listens, joins or stakes; only a dataset
    // that comes from peers is had after joining (peers serve members only)
    const follower = new ChainFollower(this.connection, o.run);
    const state = await follower.start();
    try {
      const base = runModelSetup(state.config, o.recipe);
      const local = typeof o.dataset === "function" ? undefined : o.dataset;
      if (local) this.setup = withDataset(state.config, base, local);
      this.follower = follower;
      this.model = new Transformer(base.model, { seed: o.recipe.initSeed });
      this.trainer = o.roundTrainer?.(this.model, base) ?? new RoundTrainer(this.model, base.round, base.schedule);
      const initial = this.model.getWeights();
      this.previous = initial.map((w) => Float32Array.from(w));
      this.shared = new SharedParameters(
        initial,
        this.model.specs,
        base.round,
        this.trainer.compressor.layout,
        base.schedule,
      );
      this.exchange = await UpdateExchange.start({
        run: o.run,
        keypair: o.keypair,
        listen: o.listen,
        relays: o.relays,
        store: (this.store = UpdateStore.open(join(o.stateDir, "updates"))),
        blobs: this.blobs,
        chain: this.exchangeChain(),
        validate: (u, r) => this.validateUpdate(u, r),
      });
      await this.join(state);
      await this.updatePeers(this.follower.latest);
      // a member now, so its peers admit it: they are where a dataset no data server gives comes from
      const dataset =
        local ?? (await (o.dataset as DatasetSource)((hash, opts) => this.exchange.fetchBlob(hash, opts)));
      this.setup ??= withDataset(state.config, base, dataset);
      this.blobs.addDataset(dataset);
      await this.catchUp();
      follower.onChange(() => this.schedule());
      this.schedule();
      await this.done.promise;
    } finally {
      this.abort.abort();
      await follower.stop();
      await this.busy; // a round in flight ends (its waits abort) before its model goes
      await this.computing;
      await Promise.all(this.uploads);
      await this.exchange?.close();
      this.trainer?.dispose();
      this.model?.dispose();
    }
  }

  /** Stops the node (Ctrl-C): run() resolves once the peer server and the chain subscription are closed. */
  stop(): void {
    this.done?.resolve();
  }

  /**
   * Stops without leaving anything half done (the first Ctrl-C): the node starts no new round but stays up, serving
   * the update it committed and witnessing, until the round in flight closes, so the witnesses that accept its
   * update hold its bytes. With `leave` it sends leave first and serves out the epoch in progress instead: the
   * program keeps a leaving member in that epoch's rounds, each of which would otherwise wait max_round_train_time
   * for its commit. run() then resolves.
   */
  async stopAfterRound(leave: boolean): Promise<void> {
    const state = this.follower?.latest;
    if (!state || this.slotOf(state) < 0) return this.stop(); // not a member yet: nothing in flight
    if (leave) await this.leave();
    const inRound = [RunState.RoundTrain, RunState.RoundWitness].includes(runStateOf(state.state));
    this.stopping = { leave, lastRound: inRound ? toBigInt(state.step) : -1n };
    this.schedule();
  }

  /** The hash of the shared parameters (every decided round this node applied). */
  get parametersHash(): Uint8Array {
    return this.shared.hash();
  }

  /** The peer layer's byte totals and the members connected now (metrics); zeros before it starts. */
  get peerStats(): { bytesSent: number; bytesReceived: number; peers: number } {
    const s = this.exchange?.stats;
    return { bytesSent: s?.bytesSent ?? 0, bytesReceived: s?.bytesReceived ?? 0, peers: s?.peers ?? 0 };
  }

  private get me(): PublicKey {
    return this.o.keypair.publicKey;
  }

  private slotOf(state: RunAccount, key = this.me): number {
    return state.members.findIndex((m) => m.key.equals(key));
  }

  private async join(state: RunAccount): Promise<void> {
    const o = this.o;
    const endpoint = o.advertise ?? this.exchange.url;
    const plan = await planJoin(o.program, o.run, state, this.me, { endpoint, firstStake: o.stake });
    if (!plan.existing) await o.sender.send([plan.instruction!]);
    else if (plan.instruction) {
      // A restarted member listens elsewhere: joining again with no stake moves its endpoint (peers dialing the
      // old one reach it once it dials them, or when they next read the member)
      const onChain = memberEndpoint(plan.existing);
      this.emit({ kind: "warning", message: `already a member with endpoint ${onChain}; moving it to ${endpoint}` });
      await this.sendRoundTransaction("endpoint update", toBigInt(state.step), plan.instruction);
    }
    const joined = await this.follower.refresh();
    const slot = joined ? this.slotOf(joined) : -1;
    if (slot < 0)
      throw new ConcordError(CONCORD_ERROR__TRAINER__NOT_A_MEMBER, {
        member: this.me.toBase58(),
        run: o.run.toBase58(),
        reason: "not in the run's member table after joining",
      });
    this.emit({ kind: "joined", member: this.me.toBase58(), slot, endpoint });
  }

  /**
   * A node that starts after the run's first round (restarted, or joining a run in progress) rebuilds the shared state
   * from public data: the recorded checkpoint when there is one, then every round decided since, from the chain's
   * record (bytes from its own store, the data servers or its peers, each checked against the receipt). Its own round
   * state comes back from its state dir when that is the state after its last receipt on record; else it starts
   * from zero (trainer/audit/reexecution.ts accepts a restart from zero at any round).
   */
  private async catchUp(): Promise<void> {
    // Nothing decided and no round state of an earlier start: a member starting with the run
    if (decidedEnd(this.follower.latest) === 0n && !existsSync(this.roundStatePath)) return;
    const t0 = performance.now();
    const state = this.follower.latest;
    const bytes = await recordedCheckpointBytes(state, this.o.servers ?? [], {
      onRefused: (source, reason) =>
        this.emit({ kind: "warning", message: `checkpoint from ${source} refused: ${reason}` }),
      peers: (hash, options) => this.exchange.fetchBlob(hash, options),
      keptIn: this.checkpointsDir,
    });
    const checkpoint = bytes && decodeRunCheckpoint(state, this.o.run, this.model.specs, bytes);
    if (bytes && checkpoint) {
      this.keepCheckpoint(bytesToHex(Uint8Array.from(state.checkpoint.hash)), bytes);
      this.shared.restore(checkpoint.params, checkpoint.velocity);
      this.nextApply = BigInt(checkpoint.rounds);
      this.previousKnown = false;
    }
    const fromStep = Number(this.nextApply);
    await this.applyDecided(this.follower.latest);
    this.emit({
      kind: "caughtUp",
      checkpointRounds: checkpoint?.rounds ?? null,
      fromStep,
      toStep: Number(this.nextApply),
      ms: performance.now() - t0,
      roundState: await this.restoreRoundState(),
    });
  }

  /** Keeps a verified checkpoint in the state dir (`checkpoints/<sha256>`), served to peers that catch up after this node. */
  private keepCheckpoint(hash: string, bytes: Uint8Array): void {
    const dir = this.checkpointsDir;
    writeAtomically(dir, hash, bytes);
    this.blobs.addFile(hash, join(dir, hash));
  }

  private get checkpointsDir(): string {
    return join(this.o.stateDir, "checkpoints");
  }

  private get roundStatePath(): string {
    return join(this.o.stateDir, "round-state.safetensors");
  }

  /** Puts back the round state saved after this member's last receipt on record, if that is the one saved. */
  private async restoreRoundState(): Promise<"restored" | "zeroed" | "fresh"> {
    const { mine } = await this.recordedRounds(0n);
    if (!mine.length) return "fresh";
    const last = Number(mine.reduce((a, u) => (u.step > a ? u.step : a), 0n));
    const saved = loadRoundState(this.roundStatePath, { run: this.o.run, member: this.me }, last);
    let reason = "unusable" in saved ? saved.unusable : "";
    if ("state" in saved)
      try {
        this.trainer.restoreState(saved.state);
        return "restored";
      } catch (e) {
        reason = (e as Error).message;
      }
    this.emit({ kind: "warning", message: `round state starts from zero: ${reason}` });
    return "zeroed";
  }

  /** The chain's record, read on (the transactions since the last read) unless it already covers `step`. */
  private async recordedRounds(step: bigint): Promise<NonNullable<TrainerNode["recorded"]>> {
    if (this.recorded && this.recorded.end > step) return this.recorded;
    // Decided before the record is read, so every step below `end` is in it; `step` itself is decided (callers say)
    const latest = decidedEnd(this.follower.latest);
    const events = await this.record.read();
    this.recorded = {
      end: latest > step ? latest : step + 1n,
      started: startedSteps(events),
      accepted: new Map(acceptedSteps(events).map((s) => [s.step, s.updates])),
      mine: committedUpdates(events).filter((u) => u.member.equals(this.me)),
    };
    return this.recorded;
  }

  /** A recorded update's bytes: from this node's store, else the data servers, else its peers; checked against the receipt. */
  private async recordedBytes(u: CommittedUpdate): Promise<Uint8Array> {
    const step = Number(u.step);
    const held = this.store.get(u.member, step);
    if (held && Buffer.from(held.hash).equals(Buffer.from(u.hash))) return held.bytes;
    const servers = this.o.servers ?? [];
    if (servers.length)
      try {
        return await serverBytes(servers, u);
      } catch (e) {
        this.emit({
          kind: "warning",
          message: `step ${step}: update of ${u.member.toBase58()} not had from the data servers (${(e as Error).message}); asking peers`,
        });
      }
    const receipt = { hash: u.hash, size: u.size, loss: u.loss, epoch: Number(u.epoch) };
    return (await this.exchange.fetchRecorded(u.member, step, receipt, this.abort.signal)).bytes;
  }

  /** Sends leave, unless an earlier run of this member already did. */
  private async leave(): Promise<void> {
    const o = this.o;
    const state = (await this.follower.refresh()) ?? this.follower.latest;
    if ("active" in state.members[this.slotOf(state)].status)
      await o.sender.send([await ix.leaveInstruction(o.program, { run: o.run, member: this.me })]);
    const address = findMemberAddress(o.run, this.me, o.program.programId)[0];
    const info = await this.connection.getAccountInfo(address, "confirmed");
    const member = decodeMember(info!.data, address.toBase58());
    this.emit({
      kind: "left",
      epoch: Number(toBigInt(member.leaveEpoch)),
      unbondsAtEpoch: Number(unbondingEpoch(member)),
    });
  }

  /** Whether a stopping node still owes the run something: the round in flight, or when leaving, the epoch's rounds. */
  private owes(state: RunAccount, stopping: { leave: boolean; lastRound: bigint }): boolean {
    const runState = runStateOf(state.state);
    const slot = this.slotOf(state);
    if (slot < 0) return false;
    if (stopping.leave)
      return (
        state.members[slot].inEpoch && [RunState.Warmup, RunState.RoundTrain, RunState.RoundWitness].includes(runState)
      );
    const inRound = runState === RunState.RoundTrain || runState === RunState.RoundWitness;
    return inRound && state.members[slot].inEpoch && toBigInt(state.step) <= stopping.lastRound;
  }

  /** Runs `step()` for the newest state, one at a time; states that arrive meanwhile fold into one more pass. */
  private schedule(): void {
    if (this.busy) {
      this.pending = true;
      return;
    }
    this.busy = this.step()
      .catch((e) => this.done.reject(e))
      .finally(() => {
        this.busy = undefined;
        if (this.pending) {
          this.pending = false;
          this.schedule();
        }
      });
  }

  private async step(): Promise<void> {
    const state = this.follower.latest;
    const runState = runStateOf(state.state);
    const step = toBigInt(state.step);
    const inRound = runState === RunState.RoundTrain || runState === RunState.RoundWitness;
    if (runState === RunState.RoundTrain && !this.openedSlots.has(step))
      this.openedSlots.set(step, epochSlotsOf(state));
    if (inRound) {
      this.rounds.set(step, { epoch: toBigInt(state.epoch), round: state.round, step });
      this.dataSeeds.set(step, Uint8Array.from(state.dataSeed));
    }
    // The Run's seed draws the rows of the round after the current one (or of the next one, before it starts)
    if (inRound || runState === RunState.Warmup)
      this.dataSeeds.set(inRound ? step + 1n : step, Uint8Array.from(state.seed));
    await this.updatePeers(state);
    await this.applyDecided(state);
    this.pruneStore(state);
    if (this.stopping && !this.finished && !this.owes(state, this.stopping)) {
      this.emit({
        kind: "stopped",
        lastCommitted: Number(this.committedStep),
        left: this.stopping.leave,
        paramsHash: Buffer.from(this.parametersHash).toString("hex"),
      });
      return this.done.resolve();
    }
    this.maybeCompute(state);
    if (runState === RunState.RoundTrain && this.committedStep < step) await this.commit(state);
    if (runState === RunState.RoundWitness && this.witnessedStep < step) await this.witness(state);
    if (runState === RunState.Finished && !this.finished && this.nextApply >= step) await this.finish(state);
  }

  /** Keeps a connection to every other member's advertised endpoint (directly, or through the relay it names). */
  private async updatePeers(state: RunAccount): Promise<void> {
    // members of the epoch in progress too: a leaving one serves it out
    const keys = state.members
      .filter((m) => ("active" in m.status || m.inEpoch) && !m.key.equals(this.me))
      .map((m) => m.key);
    const key = keys.map((k) => k.toBase58()).join(",");
    if (key === this.peersKey) return;
    const addresses = keys.map((k) => findMemberAddress(this.o.run, k, this.o.program.programId)[0]);
    const infos = await this.connection.getMultipleAccountsInfo(addresses, "confirmed");
    const urls = infos.flatMap((info, i) => {
      if (!info) return [];
      const m = decodeMember(info.data, addresses[i].toBase58());
      return [peerDialUrl(memberEndpoint(m), keys[i])];
    });
    this.exchange.setPeers(urls);
    this.peersKey = key;
  }

  /** Applies every round the chain has decided, in step order, fetching accepted bytes this node lacks. */
  private async applyDecided(state: RunAccount): Promise<void> {
    const end = decidedEnd(state);
    while (this.nextApply < end) {
      const step = this.nextApply;
      const ref = this.rounds.get(step);
      const t0 = performance.now();
      const bytes: Uint8Array[] = [];
      let slots: number[];
      if (ref) {
        const accepted = await roundDecision(this.connection, this.o.program.programId, this.o.run, state, ref);
        if (!accepted) return;
        for (const a of accepted)
          bytes.push((await this.exchange.fetch(a.member, Number(step), a.hash, this.abort.signal)).bytes);
        slots = accepted.map((a) => a.slot);
        this.rounds.delete(step);
      } else {
        // A round this node did not follow (it started later, or missed the round's states): the chain's record
        // says what was accepted. A step no round ran in (where a run that reached its last step ended, or where its
        // authority finished it between rounds) has no RoundStarted: the one exact rule, since step < totalSteps
        // misses the second case. It costs a node that followed every round one read at the run's end, of the
        // transactions since its last read (RunRecord), or of the whole record if it never read it.
        const recorded = await this.recordedRounds(step);
        if (!recorded.started.has(step)) {
          this.keepPrevious();
          this.nextApply = step + 1n;
          continue;
        }
        const accepted = recorded.accepted.get(step) ?? [];
        for (const u of accepted) bytes.push(await this.recordedBytes(u));
        slots = accepted.map((u) => u.slot);
      }
      const fetchMs = performance.now() - t0;
      this.keepPrevious();
      this.shared.applyRound(Number(step), bytes);
      this.nextApply = step + 1n;
      this.pruneBelow(this.nextApply);
      this.emit({
        kind: "applied",
        step: Number(step),
        slots,
        fetchMs,
        paramsHash: Buffer.from(this.parametersHash).toString("hex"),
      });
    }
  }

  /**
   * Drops the stored updates of rounds below the latest checkpoint's, the last `keepRounds` and the next to apply.
   * The publisher's checkpoint recorded at step s holds rounds 0..s-2 (checkpointCodec.ts): members replay s-1 on.
   * With no checkpoint recorded, a member catching up replays every round: nothing goes.
   */
  private pruneStore(state: RunAccount): void {
    if (state.checkpoint.uriLen === 0) return;
    const keep = BigInt(this.o.keepRounds ?? (CHALLENGE_WINDOW_EPOCHS + 1) * state.config.roundsPerEpoch);
    const below = minBig(minBig(toBigInt(state.checkpoint.step) - 1n, toBigInt(state.step) - keep), this.nextApply);
    if (below <= this.prunedBelow) return;
    this.store.prune(Number(below));
    this.prunedBelow = below;
  }

  /** The shared parameters as they are, kept as the previous ones before the next round changes them. */
  private keepPrevious(): void {
    this.shared.params.forEach((p, i) => this.previous[i].set(p));
    this.previousKnown = true;
  }

  private pruneBelow(next: bigint): void {
    for (const s of this.dataSeeds.keys()) if (s < next - 1n) this.dataSeeds.delete(s);
    for (const s of this.openedSlots.keys()) if (s < next - 1n) this.openedSlots.delete(s);
  }

  /**
   * The round the compute loop can train now, if any: the next one this node has not trained whose base (the
   * shared parameters after rounds 0..s-2: the current ones or the previous ones) and data seed it holds, and which
   * is still open on the chain.
   */
  private nextComputation(state: RunAccount): Computation | null {
    const runState = runStateOf(state.state);
    if (![RunState.Warmup, RunState.RoundTrain, RunState.RoundWitness].includes(runState)) return null;
    const slot = this.slotOf(state);
    if (slot < 0 || !state.members[slot].inEpoch) return null;
    const chainStep = toBigInt(state.step);
    const bases: [bigint, readonly Float32Array[]][] = [
      ...(this.previousKnown ? [[this.nextApply, this.previous] as [bigint, Float32Array[]]] : []),
      [this.nextApply + 1n, this.shared.params],
    ];
    for (const [step, base] of bases) {
      if (step <= this.computedStep || step >= toBigInt(state.config.totalSteps)) continue;
      // A round already past training on the chain is lost to this node: it trains a later one
      if (step < chainStep || (step === chainStep && runState === RunState.RoundWitness)) continue;
      if (step === chainStep && runState === RunState.RoundTrain && state.roundReceipts[slot].committed) continue;
      const dataSeed = this.dataSeeds.get(step);
      if (!dataSeed) continue;
      return { step, base, dataSeed, epochSlots: epochSlotsOf(state), slot };
    }
    return null;
  }

  /** Starts training the next round the node can, unless one is in training. */
  private maybeCompute(state: RunAccount): void {
    if (this.computing || this.finished) return;
    const next = this.nextComputation(state);
    if (!next || (this.stopping && !this.stopping.leave && next.step > this.stopping.lastRound)) return;
    this.computedStep = next.step;
    const abort = (this.computeAbort = new AbortController());
    this.computing = this.compute(next, AbortSignal.any([this.abort.signal, abort.signal]))
      .catch((e) => {
        if (!this.abort.signal.aborted && !abort.signal.aborted) this.done.reject(e);
      })
      .finally(() => {
        this.computing = undefined;
        this.schedule();
      });
  }

  private async compute(c: Computation, signal: AbortSignal): Promise<void> {
    const step = Number(c.step);
    const batches = assignedBatches(this.setup.train, this.setup.model.contextLength, {
      // a lazy member trains on rows of another seed's draw: rows nobody assigned it
      dataSeed: this.o.attack?.trainsOnOtherRows ? c.dataSeed.map((b) => b ^ 0xff) : c.dataSeed,
      epochSlots: c.epochSlots,
      slot: c.slot,
      globalBatchSize: this.follower.latest.config.globalBatchSize,
      step,
      innerSteps: this.setup.round.innerSteps,
    });
    if (!batches) return;
    const update = await runYielding(this.trainer.train(c.base, batches, step), signal);
    this.ready.set(c.step, { update, inputs: inputsKey(c.dataSeed, c.epochSlots) });
    this.emit({
      kind: "trained",
      step,
      loss: update.loss,
      bytes: update.bytes.length,
      rows: batches[0].rows,
      innerSteps: batches.length,
      computeMs: update.computeMs,
      compressMs: update.compressMs,
    });
  }

  /**
   * Undoes the rounds from `step` on that this node trained but will never commit, so its round state follows only
   * rounds on record (what an auditor re-derives): the round in training stops, the state rolls back, their updates
   * go. With `retrain`, `step` itself is trained again; else the compute loop goes on after it.
   */
  private async undoFrom(step: bigint, retrain: boolean): Promise<void> {
    this.computeAbort?.abort();
    await this.computing;
    this.trainer.rollback(Number(step));
    for (const s of this.ready.keys()) if (s >= step) this.ready.delete(s);
    this.computedStep = retrain ? step - 1n : step;
  }

  /** Commits and publishes the update trained for the open round, when it was trained on the round's inputs. */
  private async commit(state: RunAccount): Promise<void> {
    const step = toBigInt(state.step);
    // Updates trained for rounds the chain has passed were never committed
    const missed = [...this.ready.keys()].filter((s) => s < step);
    if (missed.length)
      await this.undoFrom(
        missed.reduce((a, b) => (a < b ? a : b)),
        false,
      );
    const ready = this.ready.get(step);
    if (!ready) return;
    this.committedStep = step;
    this.ready.delete(step);
    const slot = this.slotOf(state);
    if (slot < 0 || !state.members[slot].inEpoch) return this.undoFrom(step, false);
    if (state.roundReceipts[slot].committed) return this.settle(step); // already on record
    // A round's rows come from the members it opened with (a slash mid-round changes the next round's)
    const epochSlots = this.openedSlots.get(step) ?? epochSlotsOf(state);
    if (ready.inputs !== inputsKey(Uint8Array.from(state.dataSeed), epochSlots)) {
      // Trained before an epoch change moved the members: train this round again if there is still time
      this.emit({ kind: "warning", message: `round ${step} opened with other members; training it again` });
      this.committedStep = step - 1n;
      return this.undoFrom(step, true);
    }
    const attacked = this.o.attack && (await this.attacked(this.o.attack, state, ready.update.bytes));
    const update = attacked ? { ...ready.update, bytes: attacked.committed } : ready.update;
    const hash = updateHash(update.bytes);
    const epoch = toBigInt(state.epoch);
    const metadata = encodeReceiptMetadata(
      {
        run: this.o.run,
        member: this.me,
        epoch: Number(epoch),
        step: Number(step),
        updateHash: hash,
        updateBytes: update.bytes.length,
        loss: Math.fround(update.loss),
        compute: this.o.compute,
      },
      this.o.keypair.secretKey,
    );
    const t0 = performance.now();
    const commit = await ix.commitInstruction(this.o.program, {
      run: this.o.run,
      member: this.me,
      epoch,
      step,
      hash,
      size: update.bytes.length,
      loss: update.loss,
    });
    if (!(await this.sendRoundTransaction("commit", step, commit))) return this.undoFrom(step, false);
    this.settle(step);
    this.emit({ kind: "committed", step: Number(step), chainMs: performance.now() - t0 });
    const published = attacked ? attacked.published : update.bytes;
    await this.exchange.publish(Number(step), published, metadata);
    for (const url of this.o.servers ?? []) {
      // The metadata too, filed by the receipt: an auditor with only the chain and the servers re-executes with it
      const upload = putBlob(url, published)
        .then(() => putMetadata(url, metadata))
        .catch((e) =>
          this.emit({ kind: "warning", message: `update of step ${step} not uploaded: ${(e as Error).message}` }),
        )
        .finally(() => this.uploads.delete(upload));
      this.uploads.add(upload);
    }
  }

  /** Round `step` is on record: its round state is final, and saved for a restart. */
  private settle(step: bigint): void {
    this.trainer.settle(Number(step));
    saveRoundState(
      this.roundStatePath,
      { run: this.o.run, member: this.me },
      Number(step),
      this.trainer.settledState(),
    );
  }

  /** What the member's attack commits in place of the update it trained, and publishes (red-team runs). */
  private async attacked(
    attack: Attack,
    state: RunAccount,
    trained: Uint8Array,
  ): Promise<{ committed: Uint8Array; published: Uint8Array }> {
    const step = Number(toBigInt(state.step));
    const layout = this.trainer.compressor.layout;
    const others = () => [...this.exchange.verified(step)].filter(([member]) => member !== this.me.toBase58());
    if (attack.needsOthers)
      await this.waitUntil(() => others().length > 0, (state.config.maxRoundTrainTime * 1000) / 2);
    const previous = this.store.get(this.me, step - 1);
    const committed = attack.update({
      own: decodeUpdate(trained, layout),
      others: others().map(([, u]) => decodeUpdate(u.bytes, layout)),
      previous: previous && decodeUpdate(previous.bytes, layout),
      random: mulberry32(hashWords(step, this.slotOf(state))),
    });
    const bytes = encodeUpdate(committed);
    return { committed: bytes, published: attack.published ? encodeUpdate(attack.published(committed)) : bytes };
  }

  /** When drawn as a witness: waits for the committed updates' bytes (or a deadline), then vouches for those held. */
  private async witness(state: RunAccount): Promise<void> {
    const step = toBigInt(state.step);
    const slot = this.slotOf(state);
    const mine = state.witnesses.slice(0, state.roundWitnessCount).find((w) => w.slot === slot);
    if (!mine || mine.submitted) {
      this.witnessedStep = step;
      return;
    }
    const t0 = performance.now();
    const committed = state.roundReceipts.flatMap((r, s) => (r.committed ? [s] : []));
    const verifiedSlots = () => {
      const held = this.exchange.verified(Number(step));
      return committed.filter((s) => {
        const u = held.get(state.members[s].key.toBase58());
        return u !== undefined && Buffer.from(u.hash).equals(Buffer.from(state.roundReceipts[s].hash));
      });
    };
    // Half the witness window at most, so the witness lands before the round closes without it.
    const limit = Math.min(this.o.witnessWaitMs ?? 20_000, (state.config.roundWitnessTime * 1000) / 2);
    await this.waitUntil(() => verifiedSlots().length === committed.length, limit);
    const slots = this.judge(state, verifiedSlots());
    const waitMs = performance.now() - t0;
    this.witnessedStep = step;
    const instruction = await ix.witnessInstruction(this.o.program, {
      run: this.o.run,
      witness: this.me,
      step,
      bitmap: ix.memberBitmap(slots),
      // The hash after rounds 0..s-1, the one every honest witness of s reports; none while still behind
      paramsHash: this.nextApply === step ? this.parametersHash : undefined,
    });
    const t1 = performance.now();
    if (!(await this.sendRoundTransaction("witness", step, instruction))) return;
    this.emit({ kind: "witnessed", step: Number(step), slots, waitMs, chainMs: performance.now() - t1 });
  }

  /** The slots a witness vouches for: those of `slots` whose update passes the cheap checks (sdk/audit). */
  private judge(state: RunAccount, slots: number[]): number[] {
    if (this.o.attack) return slots; // an attacker vouches for everything, its own update included
    const step = Number(toBigInt(state.step));
    const layout = this.trainer.compressor.layout;
    const held = this.exchange.verified(step);
    const round = slots.map((s) => {
      const member = state.members[s].key.toBase58();
      return { member, update: decodeUpdate(held.get(member)!.bytes, layout) };
    });
    const previous = this.store.step(step - 1).map((u) => ({
      member: u.member.toBase58(),
      step: step - 1,
      update: decodeUpdate(u.bytes, layout),
    }));
    const refused = new Set<string>();
    for (const r of witnessRefusals(step, round, previous)) {
      refused.add(r.member);
      this.emit({ kind: "warning", message: `witness of step ${step}: not vouching for ${r.member}: ${r.reason}` });
    }
    return slots.filter((s) => !refused.has(state.members[s].key.toBase58()));
  }

  /**
   * Sends a commit or witness; false when the program refused it (the round closed while this node worked, e.g. a
   * slow round that hit max_round_train_time): the node goes on with the next round rather than stopping.
   */
  private async sendRoundTransaction(
    what: string,
    step: bigint,
    instruction: TransactionInstruction,
  ): Promise<boolean> {
    try {
      await this.o.sender.send([instruction]);
      return true;
    } catch (e) {
      if (programErrorCode(e) === undefined) throw e;
      this.emit({ kind: "warning", message: `${what} of step ${step} refused: ${(e as Error).message}` });
      return false;
    }
  }

  /** Resolves when `ready()` holds (checked after each verified update) or after `ms`. */
  private waitUntil(ready: () => boolean, ms: number): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(finish, ms);
      const off = this.exchange.onVerified(() => ready() && finish());
      const signal = this.abort.signal;
      signal.addEventListener("abort", finish);
      function finish() {
        clearTimeout(timer);
        off();
        signal.removeEventListener("abort", finish);
        resolve();
      }
    });
  }

  private async finish(state: RunAccount): Promise<void> {
    this.finished = true;
    const slot = this.slotOf(state);
    if (slot >= 0 && toBigInt(state.members[slot].rewardsOwed) > 0n) {
      const { lamports } = await claimRewards(this.o.program, this.o.sender, this.o.run, this.me);
      this.emit({ kind: "claimed", lamports: Number(lamports) });
    }
    this.emit({
      kind: "finished",
      step: Number(toBigInt(state.step)),
      paramsHash: Buffer.from(this.parametersHash).toString("hex"),
      bytesSent: this.exchange.stats.bytesSent,
      bytesReceived: this.exchange.stats.bytesReceived,
    });
    this.done.resolve();
  }

  /** The chain as the update exchange sees it: receipts and members from the newest Run state. */
  private exchangeChain(): ExchangeChain {
    return {
      receipt: async (member, step) => this.receiptOf(member, BigInt(step)),
      isMember: (member) => this.slotOf(this.follower.latest, member) >= 0,
      // One step of slack: a slow peer's announce may land after this node fetched and applied its update.
      oldestLiveStep: () => Math.max(0, Number(minBig(this.nextApply, toBigInt(this.follower.latest.step))) - 1),
    };
  }

  private async receiptOf(member: PublicKey, step: bigint): Promise<ReceiptView | null> {
    let state = this.follower.latest;
    if (toBigInt(state.step) < step) state = (await this.follower.refresh()) ?? state;
    const slot = this.slotOf(state, member);
    if (slot < 0) return null;
    if (toBigInt(state.step) === step) {
      const r = state.roundReceipts[slot];
      if (!r.committed) {
        state = (await this.follower.refresh()) ?? state;
        if (!state.roundReceipts[slot].committed || toBigInt(state.step) !== step) return null;
      }
      const c = state.roundReceipts[slot];
      return { hash: Uint8Array.from(c.hash), size: c.size, loss: c.loss, epoch: Number(toBigInt(state.epoch)) };
    }
    // An earlier step (a late fetch): its receipt is in the member's EpochReceipts of the round's epoch.
    const ref = this.rounds.get(step);
    if (!ref || toBigInt(state.step) < step) return null;
    const [receipts] = await fetchEpochReceipts(
      this.connection,
      this.o.program.programId,
      this.o.run,
      [member],
      ref.epoch,
    );
    const r = receipts?.receipts.find((x) => toBigInt(x.step) === step);
    return r ? { hash: Uint8Array.from(r.hash), size: r.size, loss: r.loss, epoch: Number(ref.epoch) } : null;
  }

  private validateUpdate(u: StoredUpdate, r: ReceiptView): void {
    decodeUpdate(u.bytes, this.trainer.compressor.layout);
    checkReceiptMetadata(decodeReceiptMetadata(u.metadata), {
      run: this.o.run,
      member: u.member,
      step: u.step,
      receipt: r,
    });
  }
}

const minBig = (a: bigint, b: bigint) => (a < b ? a : b);

/** Steps below this are decided. A run finished by its authority mid-round keeps that round's step: finish closed it. */
const decidedEnd = (state: RunAccount) =>
  toBigInt(state.step) + (runStateOf(state.state) === RunState.Finished ? 1n : 0n);

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => ([resolve, reject] = [res, rej]));
  return { promise, resolve, reject };
}
