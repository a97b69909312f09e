// The crank: anyone may run it, and none is trusted. It ticks a run whenever the state machine's timing (the SDK's
// mirror of the program) says a transition is due by the chain's own clock. Two cranks racing is harmless: the
// loser's tick fails with NoTransitionDue and changes nothing, as does a tick that lands after the commit or witness
// completing a round made the transition itself (so the crank is left the timeouts and the states between epochs).
// It speaks plain JSON-RPC, so it runs on any cluster.
import type { Connection, PublicKey } from "@solana/web3.js";
import type { TransactionInstruction } from "@solana/web3.js";
import { ComputeBudgetProgram, SYSVAR_CLOCK_PUBKEY } from "@solana/web3.js";
import { decodeRun } from "../../sdk/coordinatorAccounts";
import { COORDINATOR_ERROR_CODES } from "../../sdk/coordinatorErrors";
import { tickInstruction } from "../../sdk/coordinatorInstructions";
import type { CoordinatorProgram } from "../../sdk/coordinatorProgram";
import * as codes from "../../sdk/errors/codes";
import { ConcordError, isConcordError } from "../../sdk/errors/concordError";
import { rpcFailed } from "../../sdk/errors/rpcFailed";
import type { ScheduleView } from "../../sdk/roundSchedule";
import { nextRunState, nextTransitionAt, scheduleView } from "../../sdk/roundSchedule";
import { RunState } from "../../sdk/runState";
import type { TransactionSender } from "../../sdk/transactionSender";
import { programErrorCode } from "../../sdk/transactionSender";

/** The Clock sysvar's unix time: what the program compares deadlines with. */
export async function chainTime(connection: Connection): Promise<bigint> {
  let clock;
  try {
    clock = await connection.getAccountInfo(SYSVAR_CLOCK_PUBKEY);
  } catch (e) {
    throw rpcFailed("getAccountInfo", e);
  }
  if (!clock) throw new ConcordError(codes.CONCORD_ERROR__CLIENT__ACCOUNT_NOT_FOUND, { address: "the Clock sysvar" });
  return clock.data.readBigInt64LE(32); // slot, epoch_start_timestamp, epoch, leader_schedule_epoch, unix_timestamp
}

const NO_TRANSITION_DUE = COORDINATOR_ERROR_CODES.noTransitionDue;
/** Failures of one pass that a long-running crank outlives: it tries again at the next poll. */
const TRANSIENT: readonly number[] = [
  codes.CONCORD_ERROR__TRANSACTION__RPC_FAILED,
  codes.CONCORD_ERROR__TRANSACTION__CONFIRMATION_TIMEOUT,
  codes.CONCORD_ERROR__TRANSACTION__BLOCKHASH_EXPIRED,
];
/** The chain clock counts whole seconds, and may trail wall time: never wait less than this for a due time. */
const MIN_WAIT_MS = 250;

export interface CrankResult {
  from: RunState;
  to: RunState;
}

export interface CrankRunOptions {
  /** Re-read the run at least this often, in case a notification is missed or the chain clock lags. */
  pollMs?: number;
  onTransition?: (move: CrankResult) => void;
  /** A transient failure (RPC, confirmation, expiry) the loop outlives, trying again at the next poll. */
  onError?: (e: ConcordError) => void;
}

/** Above the largest tick's cost (22,627 CU at 256 members, BENCHMARKS.md), so the limit never binds. */
const TICK_COMPUTE_LIMIT = 100_000;

/**
 * Every tick is the same instruction, and identical transactions under one blockhash are one transaction: the sender
 * would wait for the next blockhash (a slot, 400 ms) before a round's second tick. A compute-unit limit that names
 * the transition (step and state) makes each transition's tick its own transaction, while two cranks ticking the
 * same transition still send the same one.
 */
function transitionTag(view: ScheduleView): TransactionInstruction {
  const units = TICK_COMPUTE_LIMIT + Number((view.step * 8n + BigInt(view.state)) % 10_000n);
  return ComputeBudgetProgram.setComputeUnitLimit({ units });
}

export class Crank {
  constructor(
    private readonly program: CoordinatorProgram,
    private readonly run: PublicKey,
    private readonly sender: TransactionSender,
  ) {}

  /** The run's schedule as the chain holds it now; typed errors for a missing or foreign account. */
  async view(): Promise<ScheduleView> {
    const address = this.run.toBase58();
    let info;
    try {
      info = await this.sender.connection.getAccountInfo(this.run);
    } catch (e) {
      throw rpcFailed("getAccountInfo", e);
    }
    if (!info) throw new ConcordError(codes.CONCORD_ERROR__CLIENT__ACCOUNT_NOT_FOUND, { address });
    if (!info.owner.equals(this.program.programId))
      throw new ConcordError(codes.CONCORD_ERROR__CLIENT__MALFORMED_ACCOUNT, {
        address,
        kind: "run",
        reason: `owned by ${info.owner.toBase58()}, not the coordinator program ${this.program.programId.toBase58()}`,
      });
    return scheduleView(decodeRun(info.data, address));
  }

  /** Ticks once if a transition is due now; null when none is (or another crank got there first). */
  async once(): Promise<CrankResult | null> {
    const view = await this.view();
    const to = nextRunState(view, await chainTime(this.sender.connection));
    if (to === view.state) return null;
    try {
      await this.sender.send([transitionTag(view), await tickInstruction(this.program, this.run)]);
    } catch (e) {
      // Another crank ticked first: preflight refused ours, or ours landed after theirs (fee paid, nothing changed).
      if (programErrorCode(e) === NO_TRANSITION_DUE) return null;
      throw e;
    }
    return { from: view.state, to };
  }

  /** Ticks until nothing is due; returns every transition made, in order. */
  async untilIdle(): Promise<CrankResult[]> {
    const moves: CrankResult[] = [];
    for (let r = await this.once(); r; r = await this.once()) moves.push(r);
    return moves;
  }

  /**
   * Ticks the run whenever a transition is due until it is Finished ("finished") or `signal` aborts ("stopped").
   * Between transitions it sleeps until the next due time by the chain clock, waking early when the run account
   * changes (a join, commit or another crank's tick) and at least every pollMs.
   */
  async runUntilFinished(signal: AbortSignal, options: CrankRunOptions = {}): Promise<"finished" | "stopped"> {
    const pollMs = options.pollMs ?? 5000;
    const connection = this.sender.connection;
    let changed = false;
    let wake = () => {};
    const onChange = () => {
      changed = true;
      wake();
    };
    const subscription = connection.onAccountChange(this.run, onChange, "confirmed");
    signal.addEventListener("abort", onChange);
    try {
      while (!signal.aborted) {
        changed = false;
        let waitMs = pollMs;
        try {
          for (const move of await this.untilIdle()) options.onTransition?.(move);
          const view = await this.view();
          if (view.state === RunState.Finished) return "finished";
          const due = nextTransitionAt(view);
          if (due !== null) {
            const untilDue = Number(due - (await chainTime(connection))) * 1000;
            waitMs = Math.min(pollMs, Math.max(MIN_WAIT_MS, untilDue));
          }
        } catch (e) {
          if (!isConcordError(e) || !TRANSIENT.includes(e.code)) throw e;
          options.onError?.(e);
        }
        if (changed || signal.aborted) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = () => {};
      }
      return "stopped";
    } finally {
      signal.removeEventListener("abort", onChange);
      await connection.removeAccountChangeListener(subscription);
    }
  }
}
