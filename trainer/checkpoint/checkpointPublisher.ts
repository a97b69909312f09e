// Who publishes checkpoints: the run's authority (only it may call `checkpoint`), through a service it runs beside a
// data server (`concord serve --checkpoints`). It trains nothing and trusts no member: at each epoch's Cooldown (or,
// when it missed one, as soon as it sees the next epoch train) it rebuilds the shared state from public data, as any replay does (the previous checkpoint or the initial weights,
// then the accepted updates of every round since, by hash from the data servers, each checked against its receipt),
// checks it against the parameter hash the witnesses of the epoch's last round reported on-chain, and only then
// stores it and records its hash. The checkpoint holds the state one round before the epoch's end
// (sdk/codec/checkpointCodec.ts), the very state those witnesses hashed.
import { sha256 } from "@noble/hashes/sha256";
import { bytesToHex } from "@noble/hashes/utils";
import type { PublicKey } from "@solana/web3.js";
import { encodeCheckpoint } from "../../sdk/codec/checkpointCodec";
import type { RunAccount } from "../../sdk/coordinatorAccounts";
import { toBigInt } from "../../sdk/coordinatorAccounts";
import * as ix from "../../sdk/coordinatorInstructions";
import type { CoordinatorProgram } from "../../sdk/coordinatorProgram";
import { ConcordError } from "../../sdk/errors/concordError";
import { CONCORD_ERROR__CODEC__CHECKPOINT_MISMATCH } from "../../sdk/errors/codes";
import { acceptedSteps, epochStartStep, reportedParamsHashes } from "../../sdk/roundHistory";
import { RunState, runStateOf } from "../../sdk/runState";
import type { TrainingRecipe } from "../../sdk/trainingRecipe";
import type { TransactionSender } from "../../sdk/transactionSender";
import type { Dataset } from "../data/tokenShards";
import type { ParameterSpec } from "../model/transformer";
import { ChainFollower } from "../node/chainFollower";
import { RunRecord } from "../node/runHistory";
import { applyRecordedRounds, runStart, serverBytes } from "../node/runReplay";
import type { SharedParameters } from "../node/sharedParameters";
import { fetchRunCheckpoint } from "./runCheckpoints";

export interface CheckpointPublisherOptions {
  readonly program: CoordinatorProgram;
  /** Sends as the run's authority. */
  readonly sender: TransactionSender;
  readonly authority: PublicKey;
  readonly run: PublicKey;
  readonly recipe: TrainingRecipe;
  readonly dataset: Dataset;
  /** Stores a checkpoint's bytes where `uri` serves them by hash (the data server's own folder). */
  readonly store: (bytes: Uint8Array) => void | Promise<void>;
  /** What the chain records as the checkpoint's location: the data server's base URL. */
  readonly uri: string;
  /** Where past rounds' update bytes are fetched (members upload theirs), the data server's own URL first. */
  readonly servers: readonly string[];
}

export interface PublishedCheckpoint {
  readonly epoch: number;
  readonly rounds: number;
  readonly hash: string;
  readonly bytes: number;
  /** Witnesses of the epoch's last round whose reported parameter hash is the checkpoint's. */
  readonly witnesses: number;
}

export class CheckpointPublisher {
  private readonly shared: SharedParameters;
  private readonly specs: readonly ParameterSpec[];
  /** Rounds applied to `shared`: it holds the state after rounds 0..applied-1. */
  private applied = 0n;
  private started = false;
  /** The last epoch this publisher recorded a checkpoint of (states may lag behind its own transaction). */
  private publishedEpoch = -1n;
  /** The run's transactions, read on at each Cooldown from where the last read ended. */
  private readonly record: RunRecord;

  constructor(
    private readonly o: CheckpointPublisherOptions,
    state: RunAccount,
  ) {
    const { model, shared } = runStart(state.config, o.recipe, o.dataset);
    this.specs = model.specs;
    this.shared = shared;
    this.record = new RunRecord(o.program.provider.connection, o.program.programId, o.run);
    model.dispose(); // the state lives in `shared`: the model only gave the initial weights
  }

  /**
   * Publishes the checkpoint of the epoch `state` is in Cooldown of, or, when that Cooldown passed without one (the
   * publisher was down or behind), of the epoch before the one training now; null when none is due or one is
   * recorded. Throws CHECKPOINT_MISMATCH, publishing nothing, when the rebuilt state is not the one the witnesses
   * reported.
   */
  async publishDue(state: RunAccount): Promise<PublishedCheckpoint | null> {
    const runState = runStateOf(state.state);
    const inCooldown = runState === RunState.Cooldown;
    const late = [RunState.Warmup, RunState.RoundTrain, RunState.RoundWitness].includes(runState);
    const epoch = toBigInt(state.epoch) - (inCooldown ? 0n : 1n);
    const recorded = state.checkpoint.uriLen > 0;
    if (!(inCooldown || late) || epoch < 0n || epoch <= this.publishedEpoch) return null;
    if (recorded && toBigInt(state.checkpoint.epoch) >= epoch) return null;
    const events = await this.record.read();
    // One round before the epoch's end: its Cooldown's step, the next epoch's first, less one
    const end = inCooldown ? toBigInt(state.step) : epochStartStep(events, epoch + 1n);
    if (end === null || end < 1n) return null;
    const rounds = end - 1n;
    if (!this.started && recorded) {
      // A publisher that starts late begins from the last checkpoint recorded (this run's, checked by decoding)
      const previous = await fetchRunCheckpoint(state, this.o.run, this.specs, this.o.servers);
      this.shared.restore(previous!.params, previous!.velocity);
      this.applied = BigInt(previous!.rounds);
    }
    this.started = true;
    const due = acceptedSteps(events).filter(({ step }) => step >= this.applied && step < rounds);
    await applyRecordedRounds(this.shared, due, (u) => serverBytes(this.o.servers, u));
    this.applied = rounds;
    const ours = bytesToHex(this.shared.hash());
    const reported = reportedParamsHashes(events, rounds).map(bytesToHex);
    const agreeing = reported.filter((h) => h === ours).length;
    if (agreeing * 2 <= reported.length)
      throw new ConcordError(CONCORD_ERROR__CODEC__CHECKPOINT_MISMATCH, {
        reason: `the state rebuilt after ${rounds} rounds hashes to ${ours}; ${agreeing} of the ${reported.length} witnesses of step ${rounds} reported it`,
      });
    const bytes = encodeCheckpoint(
      {
        run: this.o.run,
        epoch: Number(epoch),
        rounds: Number(rounds),
        params: this.shared.params,
        velocity: this.shared.velocity(),
      },
      this.specs,
    );
    const hash = sha256(bytes);
    await this.o.store(bytes);
    await this.o.sender.send([
      await ix.checkpointInstruction(this.o.program, {
        run: this.o.run,
        authority: this.o.authority,
        epoch,
        hash,
        uri: this.o.uri,
      }),
    ]);
    this.publishedEpoch = epoch;
    return {
      epoch: Number(epoch),
      rounds: Number(rounds),
      hash: bytesToHex(hash),
      bytes: bytes.length,
      witnesses: agreeing,
    };
  }

  /**
   * Follows the run and publishes each epoch's checkpoint at its Cooldown until the run is Finished or `signal`
   * aborts. A failed attempt is reported and tried again on the next change of the run.
   */
  async follow(
    signal: AbortSignal,
    report: { onPublished: (c: PublishedCheckpoint) => void; onError: (e: Error) => void },
  ): Promise<void> {
    const follower = new ChainFollower(this.o.program.provider.connection, this.o.run);
    let busy = Promise.resolve();
    const attempt = (state: RunAccount) =>
      (busy = busy.then(() =>
        this.publishDue(state).then(
          (c) => void (c && report.onPublished(c)),
          (e: Error) => report.onError(e),
        ),
      ));
    await attempt(await follower.start());
    follower.onChange((state) => void attempt(state));
    await new Promise<void>((done) => {
      const off = follower.onChange((state) => runStateOf(state.state) === RunState.Finished && done());
      signal.addEventListener("abort", () => {
        off();
        done();
      });
    });
    await follower.stop();
    await busy;
  }
}
