// `concord run fund --run R --sol N`: lamports from the wallet into the run's reward pool (anyone may fund a run).
import { providerFor } from "../../../coordinator/localnet/localnetClient";
import * as ix from "../../../sdk/coordinatorInstructions";
import { coordinatorProgram } from "../../../sdk/coordinatorProgram";
import { toBigInt } from "../../../sdk/coordinatorAccounts";
import { TransactionSender } from "../../../sdk/transactionSender";
import type { ClusterArgs } from "./clusterArgs";
import { walletOf } from "./clusterArgs";
import { readRun } from "./runAuthority";
import { solArgument, solText } from "./solAmount";

export async function runFund(args: ClusterArgs & { run: string; sol: number; json: boolean }): Promise<void> {
  const amount = solArgument("--sol", args.sol);
  const { connection, run, programId } = await readRun(args);
  const wallet = await walletOf(args);
  const program = coordinatorProgram(providerFor(connection, wallet), programId);
  await new TransactionSender(connection, wallet).send([
    await ix.fundInstruction(program, { run, funder: wallet.publicKey, amount }),
  ]);
  const pool = toBigInt((await program.account.run.fetch(run, "confirmed")).rewardPool);
  if (args.json)
    console.log(
      JSON.stringify({ run: run.toBase58(), fundedLamports: String(amount), rewardPoolLamports: String(pool) }),
    );
  else console.log(`funded run ${run.toBase58()} with ${solText(amount)}: reward pool ${solText(pool)}`);
}
