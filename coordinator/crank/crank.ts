// The crank: anyone may run it, and none is trusted. It ticks a run whenever the state machine's timing (the SDK's
// mirror of the program) says a transition is due by the chain's own clock. Two cranks racing is harmless: the
// loser's tick fails with NoTransitionDue and changes nothing.
import type { Connection, PublicKey } from "@solana/web3.js";
import { SYSVAR_CLOCK_PUBKEY, SendTransactionError, Transaction } from "@solana/web3.js";
import { COORDINATOR_ERROR_CODES } from "../../sdk/coordinatorErrors";
import { tickInstruction } from "../../sdk/coordinatorInstructions";
import type { CoordinatorProgram } from "../../sdk/coordinatorProgram";
import { nextRunState, scheduleView } from "../../sdk/roundSchedule";
import type { RunState } from "../../sdk/runState";
import { customErrorCode } from "../localnet/transactionError";

/** The Clock sysvar's unix time: what the program compares deadlines with. */
export async function chainTime(connection: Connection): Promise<bigint> {
  const clock = await connection.getAccountInfo(SYSVAR_CLOCK_PUBKEY);
  if (!clock) throw new Error("the cluster has no Clock sysvar account");
  return clock.data.readBigInt64LE(32); // slot, epoch_start_timestamp, epoch, leader_schedule_epoch, unix_timestamp
}

const NO_TRANSITION_DUE = COORDINATOR_ERROR_CODES.noTransitionDue;
/** Another crank ticked first and preflight caught it: sendRawTransaction throws the simulation's error. */
const refusedAsNotDue = (e: unknown) =>
  e instanceof SendTransactionError && e.message.includes(`custom program error: 0x${NO_TRANSITION_DUE.toString(16)}`);

export interface CrankResult {
  from: RunState;
  to: RunState;
}

export class Crank {
  /** Two ticks under one blockhash are the same transaction, which the cluster drops as already processed. */
  private lastBlockhash?: string;

  constructor(
    private readonly program: CoordinatorProgram,
    private readonly run: PublicKey,
  ) {}

  /** Ticks once if a transition is due now; null when none is (or another crank got there first). */
  async once(): Promise<CrankResult | null> {
    const connection = this.program.provider.connection;
    const view = scheduleView(await this.program.account.run.fetch(this.run));
    const to = nextRunState(view, await chainTime(connection));
    if (to === view.state) return null;
    let latest = await connection.getLatestBlockhash();
    while (latest.blockhash === this.lastBlockhash) {
      await new Promise((r) => setTimeout(r, 100));
      latest = await connection.getLatestBlockhash();
    }
    this.lastBlockhash = latest.blockhash;
    const wallet = this.program.provider.wallet!;
    const tx = new Transaction({ ...latest, feePayer: wallet.publicKey }).add(
      await tickInstruction(this.program, this.run),
    );
    let signature: string;
    try {
      signature = await connection.sendRawTransaction((await wallet.signTransaction(tx)).serialize());
    } catch (e) {
      if (refusedAsNotDue(e)) return null;
      throw e;
    }
    const { value } = await connection.confirmTransaction({ signature, ...latest });
    // Another crank's tick landed after our preflight passed: ours lands failed (fee paid) with NoTransitionDue.
    if (value.err && customErrorCode(value.err) === NO_TRANSITION_DUE) return null;
    if (value.err) throw new Error(`tick ${signature} failed: ${JSON.stringify(value.err)}`);
    return { from: view.state, to };
  }

  /** Ticks until nothing is due; returns every transition made, in order. */
  async untilIdle(): Promise<CrankResult[]> {
    const moves: CrankResult[] = [];
    for (let r = await this.once(); r; r = await this.once()) moves.push(r);
    return moves;
  }
}
