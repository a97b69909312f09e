import { elapsed, nextRunState, nextTransitionAt, stateAfterCommit, stateAfterWitness } from "./roundSchedule";
import type { ScheduleView } from "./roundSchedule";
import { RunState } from "./runState";

const view = (overrides: Partial<ScheduleView> = {}): ScheduleView => ({
  state: RunState.RoundWitness,
  pendingPause: false,
  epoch: 1n,
  step: 4n,
  round: 0,
  stateStartedAt: 1000n,
  epochStartedAt: 900n,
  eligibleCount: 3,
  epochMemberCount: 3,
  committedCount: 3,
  roundWitnessCount: 2,
  witnessesSubmitted: 0,
  config: {
    warmupTime: 10,
    cooldownTime: 5,
    maxRoundTrainTime: 30,
    roundWitnessTime: 10,
    epochTime: 600,
    totalSteps: 100n,
    roundsPerEpoch: 4,
    minClients: 2,
    initMinClients: 3,
  },
  ...overrides,
});

describe("roundSchedule", () => {
  test("elapsed never fires for a clock before the start", () => {
    expect(elapsed(999n, 1000n, 0)).toBe(false);
    expect(elapsed(1000n, 1000n, 0)).toBe(true);
    expect(elapsed(1009n, 1000n, 10)).toBe(false);
    expect(elapsed(1010n, 1000n, 10)).toBe(true);
  });

  test("the witness phase closes by time or when every witness reported", () => {
    expect(nextRunState(view(), 1009n)).toBe(RunState.RoundWitness);
    expect(nextRunState(view(), 1010n)).toBe(RunState.RoundTrain);
    expect(nextRunState(view({ witnessesSubmitted: 2 }), 1000n)).toBe(RunState.RoundTrain);
  });

  test("a closing round goes to Paused, Cooldown or the next round, in that priority", () => {
    expect(nextRunState(view({ pendingPause: true, step: 99n }), 1010n)).toBe(RunState.Paused);
    expect(nextRunState(view({ step: 99n }), 1010n)).toBe(RunState.Cooldown); // total steps
    expect(nextRunState(view({ round: 3 }), 1010n)).toBe(RunState.Cooldown); // rounds per epoch
    expect(nextRunState(view(), 1500n)).toBe(RunState.Cooldown); // epoch time
    expect(nextRunState(view({ epochMemberCount: 1 }), 1010n)).toBe(RunState.Cooldown); // min clients
  });

  test("the first epoch needs init_min_clients, later ones min_clients", () => {
    const waiting = view({ state: RunState.WaitingForMembers, eligibleCount: 2 });
    expect(nextRunState({ ...waiting, epoch: 0n }, 0n)).toBe(RunState.WaitingForMembers);
    expect(nextRunState(waiting, 0n)).toBe(RunState.Warmup);
    expect(nextTransitionAt({ ...waiting, epoch: 0n })).toBeNull();
  });

  test("the commit and the witness that complete the round make tick's transition; earlier ones change nothing", () => {
    const training = view({ state: RunState.RoundTrain, committedCount: 1 });
    expect(stateAfterCommit(training, 1000n)).toBe(RunState.RoundTrain);
    expect(stateAfterCommit({ ...training, committedCount: 2 }, 1000n)).toBe(RunState.RoundWitness);
    expect(stateAfterWitness(view(), 1000n)).toBe(RunState.RoundWitness);
    expect(stateAfterWitness(view({ witnessesSubmitted: 1 }), 1000n)).toBe(RunState.RoundTrain);
    expect(stateAfterWitness(view({ witnessesSubmitted: 1, round: 3 }), 1000n)).toBe(RunState.Cooldown);
    expect(stateAfterWitness(view({ witnessesSubmitted: 1, pendingPause: true }), 1000n)).toBe(RunState.Paused);
  });

  test("nextTransitionAt: the state's start when due by counters, else start + the state's time", () => {
    expect(nextTransitionAt(view())).toBe(1010n);
    expect(nextTransitionAt(view({ witnessesSubmitted: 2 }))).toBe(1000n);
    expect(nextTransitionAt(view({ state: RunState.RoundTrain, committedCount: 1 }))).toBe(1030n);
    expect(nextTransitionAt(view({ state: RunState.Paused }))).toBeNull();
    expect(nextTransitionAt(view({ state: RunState.Finished }))).toBeNull();
  });
});
