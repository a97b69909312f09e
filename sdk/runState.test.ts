import { isRunStateEdge, RUN_STATE_EDGES, RunState, runStateOf } from "./runState";

describe("runState", () => {
  test("Anchor's enum objects map to the program's numbers", () => {
    expect(runStateOf({ waitingForMembers: {} })).toBe(1);
    expect(runStateOf({ roundWitness: {} })).toBe(RunState.RoundWitness);
    expect(runStateOf({ paused: {} })).toBe(7);
  });

  test("edges: staying is allowed, Finished is final, rounds never jump straight to Paused", () => {
    expect(isRunStateEdge(RunState.RoundTrain, RunState.RoundTrain)).toBe(true);
    expect(isRunStateEdge(RunState.RoundTrain, RunState.Paused)).toBe(false);
    expect(isRunStateEdge(RunState.RoundWitness, RunState.Paused)).toBe(true);
    expect(RUN_STATE_EDGES[RunState.Finished]).toEqual([]);
    expect(isRunStateEdge(RunState.Finished, RunState.WaitingForMembers)).toBe(false);
  });
});
