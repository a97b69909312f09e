// The run's states, numbered as in the program (state/run.h), and the edges its state machine may take.

export enum RunState {
  Uninitialized = 0,
  WaitingForMembers = 1,
  Warmup = 2,
  RoundTrain = 3,
  RoundWitness = 4,
  Cooldown = 5,
  Finished = 6,
  Paused = 7,
}

/** Anchor decodes a fieldless enum as `{ roundTrain: {} }`; this gives the numeric state back. */
export function runStateOf(decoded: object): RunState {
  const [name] = Object.keys(decoded);
  return RunState[(name[0].toUpperCase() + name.slice(1)) as keyof typeof RunState];
}

/**
 * Every move the program can make (tick, pause, resume, finish, extend_run). Staying put is always allowed.
 * Pause during a round is deferred: RoundTrain and RoundWitness reach Paused only through tick at the round's end.
 */
export const RUN_STATE_EDGES: Readonly<Record<RunState, readonly RunState[]>> = {
  [RunState.Uninitialized]: [RunState.WaitingForMembers],
  [RunState.WaitingForMembers]: [RunState.Warmup, RunState.Paused, RunState.Finished],
  [RunState.Warmup]: [RunState.RoundTrain, RunState.WaitingForMembers, RunState.Paused, RunState.Finished],
  [RunState.RoundTrain]: [RunState.RoundWitness, RunState.Finished],
  [RunState.RoundWitness]: [RunState.RoundTrain, RunState.Cooldown, RunState.Paused, RunState.Finished],
  [RunState.Cooldown]: [RunState.WaitingForMembers, RunState.Finished, RunState.Paused],
  [RunState.Paused]: [RunState.WaitingForMembers, RunState.Finished],
  [RunState.Finished]: [],
};

export function isRunStateEdge(from: RunState, to: RunState): boolean {
  return from === to || RUN_STATE_EDGES[from].includes(to);
}
