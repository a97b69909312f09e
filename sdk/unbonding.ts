// When a leaving member's stake unbonds, mirrored from programs/coordinator/src/instructions/member_withdraw.c:
// withdraw passes once the run's epoch counter reaches leave_epoch + UNBONDING_EPOCHS + 1 (one full epoch after the
// one it left in, in which auditors can still challenge its last receipts), or, while no epoch runs (waiting,
// paused, finished), once epoch_time seconds have passed since both the leave and the halt. An open challenge holds
// it either way. tests/coordinator-unbonding.test.ts checks it against the program.
import type { MemberAccount, RunAccount } from "./coordinatorAccounts";
import { toBigInt } from "./coordinatorAccounts";
import { elapsed } from "./roundSchedule";
import { RunState, runStateOf } from "./runState";

/** programs/coordinator/src/state/limits.h */
export const UNBONDING_EPOCHS = 1n;

export interface Unbonding {
  /** Whether withdraw's unbonding check passes at `now` (open challenges aside). */
  readonly unbonded: boolean;
  /** The epoch the member left in. */
  readonly leaveEpoch: bigint;
  /** The run's epoch counter from which the stake is free, whatever the run's state. */
  readonly epoch: bigint;
  /** While the run stays halted: the first unix second the stake is free by the halted-run rule; null while an epoch runs. */
  readonly at: bigint | null;
  /** Challenges against the member still open: withdraw waits for them whatever the time. */
  readonly openChallenges: number;
}

const HALTED: readonly RunState[] = [RunState.WaitingForMembers, RunState.Paused, RunState.Finished];

/** The run's epoch counter from which a leaving member's stake is free, whatever the run's state. */
export const unbondingEpoch = (member: MemberAccount): bigint => toBigInt(member.leaveEpoch) + UNBONDING_EPOCHS + 1n;

/** The unbonding of `member` (a Leaving member of `run`) at unix time `now`, as withdraw would judge it. */
export function unbondingOf(run: RunAccount, member: MemberAccount, now: bigint): Unbonding {
  const leaveEpoch = toBigInt(member.leaveEpoch);
  const epoch = unbondingEpoch(member);
  const since = maxBig(toBigInt(member.leftAt), toBigInt(run.stateStartedAt));
  const epochTime = run.config.epochTime;
  const at = HALTED.includes(runStateOf(run.state)) ? since + BigInt(epochTime) : null;
  return {
    unbonded: toBigInt(run.epoch) >= epoch || (at !== null && elapsed(now, since, epochTime)),
    leaveEpoch,
    epoch,
    at,
    openChallenges: run.members[member.slot].openChallenges,
  };
}

const maxBig = (a: bigint, b: bigint) => (a > b ? a : b);
