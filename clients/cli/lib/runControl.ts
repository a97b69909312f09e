// `concord run pause|resume|finish --run R`: the authority halts, restarts or ends its run. A pause asked during a
// round takes effect when the round closes (the program defers it), which the output says.
import * as ix from "../../../sdk/coordinatorInstructions";
import type { RunAccount } from "../../../sdk/coordinatorAccounts";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";
import { RunState, runStateOf } from "../../../sdk/runState";
import type { ClusterArgs } from "./clusterArgs";
import { authorityRun } from "./runAuthority";

export type RunControl = "pause" | "resume" | "finish";

/** Why the program would refuse `action` now (its AlreadyPaused, NotPaused, RunFinished), in words; null if it would not. */
function refusal(action: RunControl, run: RunAccount): string | null {
  const state = runStateOf(run.state);
  if (state === RunState.Finished) return "a finished run stays finished";
  if (action === "pause" && (state === RunState.Paused || run.pendingPause))
    return "it is paused already, or pauses when the round closes (`concord run resume` undoes it)";
  if (action === "resume" && state !== RunState.Paused && !run.pendingPause)
    return "it is not paused: nothing to resume";
  return null;
}

export async function runControl(action: RunControl, args: ClusterArgs & { run: string; json: boolean }) {
  const { run, account, program, sender, wallet } = await authorityRun(args);
  const reason = refusal(action, account);
  // Checked here as well as by the program: the line says what to do, and a repeat of the same transaction within
  // its blockhash's lifetime would not even reach the program.
  if (reason)
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__INVALID_RUN_STATE, {
      run: run.toBase58(),
      state: RunState[runStateOf(account.state)],
      reason,
    });
  await sender.send([await ix.authorityInstruction(program, action, { run, authority: wallet.publicKey })]);
  const after = await program.account.run.fetch(run, "confirmed");
  const state = RunState[runStateOf(after.state)];
  if (args.json) console.log(JSON.stringify({ run: run.toBase58(), action, state, pendingPause: after.pendingPause }));
  else if (after.pendingPause)
    console.log(`run ${run.toBase58()} pauses when the round in flight closes (state ${state})`);
  else console.log(`run ${run.toBase58()} is ${state}`);
}
