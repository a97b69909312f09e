// Follows a Run account: websocket notifications (accountSubscribe) for speed, and a poll beside them because a
// subscription can drop silently (a restarted RPC node, a proxy timeout) and web3.js does not say so. Every distinct
// account state is decoded once and handed to the listeners in order; a poll that finds nothing new costs one read.
import type { Commitment, Connection, PublicKey } from "@solana/web3.js";
import type { RunAccount } from "../../sdk/coordinatorAccounts";
import { decodeRun } from "../../sdk/coordinatorAccounts";
import { ConcordError } from "../../sdk/errors/concordError";
import { CONCORD_ERROR__CLIENT__ACCOUNT_NOT_FOUND } from "../../sdk/errors/codes";
import { RunState, runStateOf } from "../../sdk/runState";

export interface ChainFollowerOptions {
  /** Poll interval in milliseconds (the fallback when notifications stop). */
  pollMs?: number;
  commitment?: Commitment;
}

export class ChainFollower {
  private latestData?: Buffer;
  private latestRun?: RunAccount;
  private readonly listeners = new Set<(run: RunAccount) => void>();
  private subscription?: number;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    readonly connection: Connection,
    readonly run: PublicKey,
    private readonly options: ChainFollowerOptions = {},
  ) {}

  /** Reads the run once (throwing when it does not exist), then follows it. */
  async start(): Promise<RunAccount> {
    await this.refresh();
    if (!this.latestRun)
      throw new ConcordError(CONCORD_ERROR__CLIENT__ACCOUNT_NOT_FOUND, { address: this.run.toBase58() });
    const commitment = this.options.commitment ?? "confirmed";
    this.subscription = this.connection.onAccountChange(this.run, (info) => this.accept(info.data), commitment);
    const poll = () => {
      if (this.stopped) return;
      this.refresh().then(
        () => (this.timer = setTimeout(poll, this.options.pollMs ?? 1000)),
        () => (this.timer = setTimeout(poll, this.options.pollMs ?? 1000)), // an RPC hiccup: try again next time
      );
    };
    this.timer = setTimeout(poll, this.options.pollMs ?? 1000);
    return this.latestRun;
  }

  /** The newest Run state seen. */
  get latest(): RunAccount {
    if (!this.latestRun) throw new Error("ChainFollower.latest before start()");
    return this.latestRun;
  }

  /** Reads the account now (a caller that needs the freshest state, e.g. after its own transaction). */
  async refresh(): Promise<RunAccount | undefined> {
    const info = await this.connection.getAccountInfo(this.run, this.options.commitment ?? "confirmed");
    if (info) this.accept(info.data);
    return this.latestRun;
  }

  /** Calls `listener` with every new Run state; returns a function that removes it. */
  onChange(listener: (run: RunAccount) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.subscription !== undefined) await this.connection.removeAccountChangeListener(this.subscription);
    this.subscription = undefined;
  }

  private accept(data: Buffer): void {
    if (this.stopped || (this.latestData && this.latestData.equals(data))) return;
    // Notifications and polls can arrive out of order; the run only moves forward, so an older state is dropped.
    const run = decodeRun(data, this.run.toBase58());
    if (this.latestRun && isOlder(run, this.latestRun)) return;
    this.latestData = Buffer.from(data);
    this.latestRun = run;
    for (const listener of this.listeners) listener(run);
  }
}

// Within a step the run moves WaitingForMembers -> Warmup -> RoundTrain -> RoundWitness; leaving RoundWitness
// increments the step, and Cooldown/Paused follow that increment.
const STATE_ORDER: Record<RunState, number> = {
  [RunState.Uninitialized]: 0,
  [RunState.Paused]: 0,
  [RunState.Cooldown]: 0,
  [RunState.WaitingForMembers]: 1,
  [RunState.Warmup]: 2,
  [RunState.RoundTrain]: 3,
  [RunState.RoundWitness]: 4,
  [RunState.Finished]: 5,
};

/** Whether `a` is an earlier state of the run than `b`: by step, state start time, state, then counters. */
function isOlder(a: RunAccount, b: RunAccount): boolean {
  const key = (r: RunAccount) => [
    BigInt(r.step.toString()),
    BigInt(r.stateStartedAt.toString()),
    BigInt(STATE_ORDER[runStateOf(r.state)]),
    BigInt(r.committedCount + r.witnessesSubmitted),
  ];
  const [ka, kb] = [key(a), key(b)];
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i];
  return false;
}
