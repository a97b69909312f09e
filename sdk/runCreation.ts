// Creating a run on-chain from its plan (sdk/runPlan.ts): what `concord run create` and the demo's run creator send.
import type { PublicKey } from "@solana/web3.js";
import * as ix from "./coordinatorInstructions";
import type { CoordinatorProgram } from "./coordinatorProgram";
import type { RunPlan } from "./runPlan";
import type { TransactionSender } from "./transactionSender";

/**
 * initialize_run and the extend_run calls in one transaction, then fund when the plan moves lamports into the
 * reward pool. `sender` signs as the run's authority.
 */
export async function createRun(
  program: CoordinatorProgram,
  sender: TransactionSender,
  plan: RunPlan,
): Promise<PublicKey> {
  const authority = sender.payer.publicKey;
  const { run } = ix.runAddresses(program, plan.runId);
  await sender.send(await ix.createRunInstructions(program, { authority, runId: plan.runId, config: plan.config }));
  if (plan.fundLamports > 0n)
    await sender.send([await ix.fundInstruction(program, { run, funder: authority, amount: plan.fundLamports })]);
  return run;
}
