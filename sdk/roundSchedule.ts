// The run's state machine timing, mirrored from programs/coordinator/src/machine/run_transition.c: from a Run
// account and a time, the state `tick` would move the run to, the state a commit or witness leaves it in (the one
// that completes the round's commits or witnesses makes tick's transition itself), and when the next transition
// becomes due. Clients and cranks use it to tick exactly when it helps; tests/coordinator-schedule.test.ts checks it
// against the program.
import type { RunAccount } from "./coordinatorAccounts";
import { RunState, runStateOf } from "./runState";
import { toBigInt } from "./coordinatorAccounts";

/** What the schedule depends on: the run's timing fields and counters. Times are unix seconds. */
export interface ScheduleView {
  state: RunState;
  pendingPause: boolean;
  epoch: bigint;
  step: bigint;
  round: number;
  stateStartedAt: bigint;
  epochStartedAt: bigint;
  /** Members that would join an epoch starting now: Active with at least min_stake. */
  eligibleCount: number;
  epochMemberCount: number;
  committedCount: number;
  roundWitnessCount: number;
  witnessesSubmitted: number;
  config: {
    warmupTime: number;
    cooldownTime: number;
    maxRoundTrainTime: number;
    roundWitnessTime: number;
    epochTime: number;
    totalSteps: bigint;
    roundsPerEpoch: number;
    minClients: number;
    initMinClients: number;
  };
}

export function scheduleView(run: RunAccount): ScheduleView {
  const c = run.config;
  const minStake = toBigInt(c.minStake);
  return {
    state: runStateOf(run.state),
    pendingPause: run.pendingPause,
    epoch: toBigInt(run.epoch),
    step: toBigInt(run.step),
    round: run.round,
    stateStartedAt: toBigInt(run.stateStartedAt),
    epochStartedAt: toBigInt(run.epochStartedAt),
    eligibleCount: run.members.filter((m) => "active" in m.status && toBigInt(m.stake) >= minStake).length,
    epochMemberCount: run.epochMemberCount,
    committedCount: run.committedCount,
    roundWitnessCount: run.roundWitnessCount,
    witnessesSubmitted: run.witnessesSubmitted,
    config: {
      warmupTime: c.warmupTime,
      cooldownTime: c.cooldownTime,
      maxRoundTrainTime: c.maxRoundTrainTime,
      roundWitnessTime: c.roundWitnessTime,
      epochTime: c.epochTime,
      totalSteps: toBigInt(c.totalSteps),
      roundsPerEpoch: c.roundsPerEpoch,
      minClients: c.minClients,
      initMinClients: c.initMinClients,
    },
  };
}

/** Whether `now` is at least `seconds` after `since` (false when the clock is before `since`). */
export const elapsed = (now: bigint, since: bigint, seconds: number) => now >= since && now - since >= BigInt(seconds);

function afterRound(v: ScheduleView, now: bigint): RunState {
  const c = v.config;
  if (v.pendingPause) return RunState.Paused;
  if (v.step + 1n >= c.totalSteps) return RunState.Cooldown;
  if (v.round + 1 >= c.roundsPerEpoch) return RunState.Cooldown;
  if (elapsed(now, v.epochStartedAt, c.epochTime)) return RunState.Cooldown;
  if (v.epochMemberCount < c.minClients) return RunState.Cooldown;
  return RunState.RoundTrain;
}

/** The state `tick` moves the run to at `now`; the current state when no transition is due. */
export function nextRunState(v: ScheduleView, now: bigint): RunState {
  const c = v.config;
  switch (v.state) {
    case RunState.WaitingForMembers: {
      if (v.step >= c.totalSteps) return RunState.Finished;
      const needed = v.epoch === 0n ? c.initMinClients : c.minClients;
      return v.eligibleCount >= needed ? RunState.Warmup : v.state;
    }
    case RunState.Warmup:
      if (v.epochMemberCount < c.minClients) return RunState.WaitingForMembers;
      return elapsed(now, v.stateStartedAt, c.warmupTime) ? RunState.RoundTrain : v.state;
    case RunState.RoundTrain:
      if (v.committedCount >= v.epochMemberCount) return RunState.RoundWitness;
      return elapsed(now, v.stateStartedAt, c.maxRoundTrainTime) ? RunState.RoundWitness : v.state;
    case RunState.RoundWitness:
      if (v.witnessesSubmitted >= v.roundWitnessCount || elapsed(now, v.stateStartedAt, c.roundWitnessTime))
        return afterRound(v, now);
      return v.state;
    case RunState.Cooldown:
      if (!elapsed(now, v.stateStartedAt, c.cooldownTime)) return v.state;
      return v.step >= c.totalSteps ? RunState.Finished : RunState.WaitingForMembers;
    default:
      return v.state;
  }
}

/**
 * The earliest unix time at which tick will move the run if nothing else happens (no commits, witnesses, joins):
 * the state's start when a transition is already due by the counters, null when only an outside event (members
 * joining, resume) can move it.
 */
export function nextTransitionAt(v: ScheduleView): bigint | null {
  const c = v.config;
  const after = (seconds: number) => v.stateStartedAt + BigInt(seconds);
  switch (v.state) {
    case RunState.WaitingForMembers:
      return nextRunState(v, v.stateStartedAt) !== v.state ? v.stateStartedAt : null;
    case RunState.Warmup:
      return v.epochMemberCount < c.minClients ? v.stateStartedAt : after(c.warmupTime);
    case RunState.RoundTrain:
      return v.committedCount >= v.epochMemberCount ? v.stateStartedAt : after(c.maxRoundTrainTime);
    case RunState.RoundWitness:
      return v.witnessesSubmitted >= v.roundWitnessCount ? v.stateStartedAt : after(c.roundWitnessTime);
    case RunState.Cooldown:
      return after(c.cooldownTime);
    default:
      return null;
  }
}

/**
 * The state an accepted commit leaves the run in, `v` being the run before it: the one that completes the round's
 * commits makes tick's transition (to RoundWitness), any other leaves the state as it was.
 */
export function stateAfterCommit(v: ScheduleView, now: bigint): RunState {
  const after = { ...v, committedCount: v.committedCount + 1 };
  return after.committedCount >= after.epochMemberCount ? nextRunState(after, now) : v.state;
}

/**
 * The state an accepted witness leaves the run in, `v` being the run before it: the last of the round's witnesses
 * makes tick's transition (the next round, Cooldown or Paused), any other leaves the state as it was.
 */
export function stateAfterWitness(v: ScheduleView, now: bigint): RunState {
  const after = { ...v, witnessesSubmitted: v.witnessesSubmitted + 1 };
  return after.witnessesSubmitted >= after.roundWitnessCount ? nextRunState(after, now) : v.state;
}
