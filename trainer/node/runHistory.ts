// Reads a run's record from a cluster: every successful transaction that names the run, its coordinator events
// parsed, and from them the accepted updates of every step and the epoch members each step's rows were drawn among
// (sdk/roundHistory.ts). Needs an RPC node that still holds the run's transactions (an archival node on a public
// cluster; the local chain keeps them all).
import type { ConfirmedSignatureInfo, Connection, PublicKey } from "@solana/web3.js";
import type { AcceptedStep, CoordinatorEvent } from "../../sdk/roundHistory";
import { acceptedSteps, coordinatorEvents, epochSlotsAt } from "../../sdk/roundHistory";

/** Signatures per getSignaturesForAddress page, and transactions per batched getTransactions request. */
const PAGE = 1000;
const BATCH = 100;

/** Every transaction naming `address` (failed ones too), newest first; with `until`, only those after it. */
export async function addressSignatures(
  connection: Connection,
  address: PublicKey,
  until?: string,
): Promise<ConfirmedSignatureInfo[]> {
  const all: ConfirmedSignatureInfo[] = [];
  for (let before: string | undefined; ;) {
    const page = await connection.getSignaturesForAddress(address, { before, until, limit: PAGE }, "confirmed");
    all.push(...page);
    if (page.length < PAGE) return all;
    before = page[page.length - 1].signature;
  }
}

/**
 * The coordinator events of every successful transaction naming `run` (after signature `until`, when given), oldest
 * first, and the newest signature naming it: the `until` of the next call, for a reader that follows the run.
 */
export async function runEventsSince(
  connection: Connection,
  programId: PublicKey,
  run: PublicKey,
  until?: string,
): Promise<{ events: CoordinatorEvent[]; newest: string | undefined }> {
  const all = await addressSignatures(connection, run, until);
  const signatures = all
    .filter((s) => !s.err)
    .map((s) => s.signature)
    .reverse();
  const events: CoordinatorEvent[] = [];
  for (let i = 0; i < signatures.length; i += BATCH) {
    const txs = await connection.getTransactions(signatures.slice(i, i + BATCH), {
      commitment: "confirmed",
      maxSupportedTransactionVersion: 0,
    });
    for (const tx of txs)
      if (tx?.meta && !tx.meta.err) events.push(...coordinatorEvents(programId, tx.meta.logMessages ?? []));
  }
  return { events, newest: all[0]?.signature ?? until };
}

/** The coordinator events of every successful transaction naming `run`, oldest first. */
export async function runEvents(
  connection: Connection,
  programId: PublicKey,
  run: PublicKey,
): Promise<CoordinatorEvent[]> {
  return (await runEventsSince(connection, programId, run)).events;
}

/**
 * A run's record read as it grows: every read asks only for the transactions after the newest one the reader has
 * seen, so a follower of a long run (a node catching up on a round it missed, the checkpoint publisher at each
 * Cooldown, the dashboard) pays for each transaction once. Reads run one at a time: two at once would each add the
 * same new transactions.
 */
export class RunRecord {
  private readonly events: CoordinatorEvent[] = [];
  private newest: string | undefined;
  private reading: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly connection: Connection,
    private readonly programId: PublicKey,
    private readonly run: PublicKey,
  ) {}

  /** The coordinator events of every successful transaction naming the run so far, oldest first. */
  read(): Promise<readonly CoordinatorEvent[]> {
    const next = this.reading.then(
      () => this.readNew(),
      () => this.readNew(),
    );
    this.reading = next;
    return next;
  }

  private async readNew(): Promise<readonly CoordinatorEvent[]> {
    const { events, newest } = await runEventsSince(this.connection, this.programId, this.run, this.newest);
    this.events.push(...events);
    this.newest = newest;
    return this.events;
  }
}

export interface ReplayStep extends AcceptedStep {
  /** The epoch members the step's rows were drawn among: with its data seed, each member's rows. */
  readonly epochSlots: number[];
}

/** Every step with accepted updates, ascending, as the chain recorded it. */
export async function runHistory(connection: Connection, programId: PublicKey, run: PublicKey): Promise<ReplayStep[]> {
  const events = await runEvents(connection, programId, run);
  return acceptedSteps(events).map((s) => ({ ...s, epochSlots: epochSlotsAt(events, s.step) }));
}
