// Follows one run from the browser: the Run account by subscription (accountSubscribe through web3.js, which
// resubscribes by itself when its websocket comes back) and the run's coordinator events from its transaction
// history, read incrementally (RunRecord: only what is newer than the last signature seen). A slow poll covers what a
// subscription misses while the chain is down or restarting; every failure is reported and retried, never fatal.
import type { Connection, PublicKey } from "@solana/web3.js";
import type { RunAccount } from "../../sdk/coordinatorAccounts";
import { decodeRun } from "../../sdk/coordinatorAccounts";
import type { CoordinatorEvent } from "../../sdk/roundHistory";
import { RunRecord } from "../../trainer/node/runHistory";

export interface FollowerHandlers {
  onUpdate(run: RunAccount, events: readonly CoordinatorEvent[]): void;
  /** null when the chain answered the last refresh, else why it did not. */
  onError(error: Error | null): void;
}

export class RunFollower {
  /** Made at the first refresh: the program id is the Run account's owner. */
  private record: RunRecord | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private subscription: number | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly run: PublicKey,
    private readonly handlers: FollowerHandlers,
    private readonly pollMs = 3_000,
  ) {}

  start(): void {
    this.subscription = this.connection.onAccountChange(this.run, () => this.refresh(), { commitment: "confirmed" });
    this.timer = setInterval(() => this.refresh(), this.pollMs);
    this.refresh();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (this.subscription !== undefined) await this.connection.removeAccountChangeListener(this.subscription);
  }

  /** One refresh at a time; a request during one runs once more after it. */
  refresh(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.fetch()
      .then(
        () => this.handlers.onError(null),
        (e: unknown) => this.handlers.onError(e instanceof Error ? e : new Error(String(e))),
      )
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
  }

  private async fetch(): Promise<void> {
    const info = await this.connection.getAccountInfo(this.run, "confirmed");
    if (!info) throw new Error(`run ${this.run.toBase58()} not found`);
    const run = decodeRun(info.data, this.run.toBase58());
    this.record ??= new RunRecord(this.connection, info.owner, this.run);
    this.handlers.onUpdate(run, await this.record.read());
  }
}
