// `concord withdraw`: once a leaving member's stake has unbonded (sdk/unbonding.ts, the program's rule), takes back
// its stake, unclaimed rewards and the Member account's rent. Before that it says when, and sends nothing.
import { Connection } from "@solana/web3.js";
import { providerFor } from "../../../coordinator/localnet/localnetClient";
import { toBigInt } from "../../../sdk/coordinatorAccounts";
import * as ix from "../../../sdk/coordinatorInstructions";
import { coordinatorProgram } from "../../../sdk/coordinatorProgram";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";
import { TransactionSender } from "../../../sdk/transactionSender";
import type { ClusterArgs } from "./clusterArgs";
import { rpcUrlOf, walletOf } from "./clusterArgs";
import { isLeaving, memberStanding, unbondingOfStanding, unbondsText } from "./memberStanding";
import { runAddress } from "./runAddress";

export async function runWithdraw(args: ClusterArgs & { run: string; json: boolean }): Promise<void> {
  const run = runAddress(args.run);
  const connection = new Connection(await rpcUrlOf(args), "confirmed");
  const wallet = await walletOf(args);
  const member = wallet.publicKey;
  const standing = await memberStanding(connection, run, member);
  const who = { member: member.toBase58(), run: run.toBase58() };
  if (!isLeaving(standing)) throw new ConcordError(codes.CONCORD_ERROR__TRAINER__NOT_LEAVING, who);
  const u = unbondingOfStanding(standing);
  if (u.openChallenges)
    throw new ConcordError(codes.CONCORD_ERROR__TRAINER__CHALLENGE_PENDING, { ...who, count: u.openChallenges });
  if (!u.unbonded)
    throw new ConcordError(codes.CONCORD_ERROR__TRAINER__STILL_UNBONDING, {
      ...who,
      unbonds: unbondsText(u, standing.run),
    });

  const program = coordinatorProgram(providerFor(connection, wallet), standing.programId);
  const signature = await new TransactionSender(connection, wallet).send([
    await ix.memberPayoutInstruction(program, "withdraw", { run, member }),
  ]);
  // What the program moves: the stake and unclaimed rewards from the vault, and the closed Member account's rent
  const stake = toBigInt(standing.entry.stake);
  const rewards = toBigInt(standing.entry.rewardsOwed);
  const rent = standing.memberLamports;
  const lamports = stake + rewards + rent;
  if (args.json)
    console.log(
      JSON.stringify({
        ...who,
        lamports: Number(lamports),
        stake: Number(stake),
        rewards: Number(rewards),
        rent: Number(rent),
        signature,
      }),
    );
  else
    console.log(
      `withdrew ${lamports} lamports from run ${run.toBase58()}: stake ${stake}, rewards ${rewards}, member account rent ${rent}`,
    );
}
