// `concord leave`: the wallet's member starts unbonding. It stays in the epoch in progress (a node still running
// for it should serve that epoch out: `concord train --leave` does) and takes part in no later one.
import { Connection } from "@solana/web3.js";
import { providerFor } from "../../../coordinator/localnet/localnetClient";
import * as ix from "../../../sdk/coordinatorInstructions";
import { coordinatorProgram } from "../../../sdk/coordinatorProgram";
import { toBigInt } from "../../../sdk/coordinatorAccounts";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";
import { TransactionSender } from "../../../sdk/transactionSender";
import type { ClusterArgs } from "./clusterArgs";
import { rpcUrlOf, walletOf } from "./clusterArgs";
import { isLeaving, memberStanding, unbondingOfStanding, unbondsText } from "./memberStanding";
import { runAddress } from "./runAddress";

export async function runLeave(args: ClusterArgs & { run: string; json: boolean }): Promise<void> {
  const run = runAddress(args.run);
  const connection = new Connection(await rpcUrlOf(args), "confirmed");
  const wallet = await walletOf(args);
  const member = wallet.publicKey;
  const before = await memberStanding(connection, run, member);
  if (isLeaving(before))
    throw new ConcordError(codes.CONCORD_ERROR__TRAINER__ALREADY_LEAVING, {
      member: member.toBase58(),
      run: run.toBase58(),
      epoch: toBigInt(before.member.leaveEpoch),
      unbonds: unbondsText(unbondingOfStanding(before), before.run),
    });
  const program = coordinatorProgram(providerFor(connection, wallet), before.programId);
  await new TransactionSender(connection, wallet).send([await ix.leaveInstruction(program, { run, member })]);
  const after = await memberStanding(connection, run, member);
  const u = unbondingOfStanding(after);
  if (args.json)
    console.log(
      JSON.stringify({
        run: run.toBase58(),
        member: member.toBase58(),
        leaveEpoch: Number(u.leaveEpoch),
        unbondsAtEpoch: Number(u.epoch),
        unbondsAt: u.at === null ? null : Number(u.at),
      }),
    );
  else
    console.log(
      `${member.toBase58()} left run ${run.toBase58()} in epoch ${u.leaveEpoch}: the stake unbonds ${unbondsText(u, after.run)}`,
    );
}
