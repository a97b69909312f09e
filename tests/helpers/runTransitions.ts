// A run's state transitions as the chain recorded them (its StateChanged events), and the sequence a run that goes
// by the book takes: what shows that no transition was made twice or skipped, whoever ticked.
import type { Connection, PublicKey } from "@solana/web3.js";
import { RunState, runStateOf } from "../../sdk/runState";
import { runEvents } from "../../trainer/node/runHistory";

const move = (from: RunState, to: RunState) => `${RunState[from]} -> ${RunState[to]}`;

/** Every StateChanged event of `run`, oldest first, as "From -> To". */
export async function recordedTransitions(connection: Connection, programId: PublicKey, run: PublicKey) {
  return (await runEvents(connection, programId, run))
    .filter((e) => e.name === "stateChanged")
    .map((e) => move(runStateOf(e.data.from as object), runStateOf(e.data.to as object)));
}

/** The transitions of a run of `rounds` rounds in epochs of `roundsPerEpoch`, every member on time. */
export function byTheBook(rounds: number, roundsPerEpoch: number): string[] {
  const moves = [move(RunState.Uninitialized, RunState.WaitingForMembers)]; // initialize_run
  for (let step = 0; step < rounds; step++) {
    if (step % roundsPerEpoch === 0)
      moves.push(move(RunState.WaitingForMembers, RunState.Warmup), move(RunState.Warmup, RunState.RoundTrain));
    else moves.push(move(RunState.RoundWitness, RunState.RoundTrain));
    moves.push(move(RunState.RoundTrain, RunState.RoundWitness));
    if (step === rounds - 1)
      moves.push(move(RunState.RoundWitness, RunState.Cooldown), move(RunState.Cooldown, RunState.Finished));
    else if ((step + 1) % roundsPerEpoch === 0)
      moves.push(move(RunState.RoundWitness, RunState.Cooldown), move(RunState.Cooldown, RunState.WaitingForMembers));
  }
  return moves;
}
