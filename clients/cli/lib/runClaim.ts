// `concord claim`: the member's rewards owed (allocated at each epoch's end, pro rata to its accepted receipts) paid
// out of the run's vault, the claim `concord train` sends when its run finishes (trainer/node/membership.ts).
import { Connection } from "@solana/web3.js";
import { providerFor } from "../../../coordinator/localnet/localnetClient";
import { toBigInt } from "../../../sdk/coordinatorAccounts";
import { coordinatorProgram } from "../../../sdk/coordinatorProgram";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";
import { TransactionSender } from "../../../sdk/transactionSender";
import { claimRewards } from "../../../trainer/node/membership";
import type { ClusterArgs } from "./clusterArgs";
import { rpcUrlOf, walletOf } from "./clusterArgs";
import { memberStanding } from "./memberStanding";
import { runAddress } from "./runAddress";

export async function runClaim(args: ClusterArgs & { run: string; json: boolean }): Promise<void> {
  const run = runAddress(args.run);
  const connection = new Connection(await rpcUrlOf(args), "confirmed");
  const wallet = await walletOf(args);
  const member = wallet.publicKey;
  const who = { member: member.toBase58(), run: run.toBase58() };
  const standing = await memberStanding(connection, run, member);
  const { entry } = standing;
  if (toBigInt(entry.rewardsOwed) === 0n) {
    const claimed = toBigInt(standing.member.rewardsClaimed);
    const reason =
      entry.epochPoints > 0
        ? `its ${entry.epochPoints} point(s) of epoch ${toBigInt(standing.run.epoch)} are paid when that epoch ends`
        : claimed > 0n
          ? `it claimed ${claimed} lamports already`
          : "rewards come at an epoch's end, for receipts the witnesses accepted";
    throw new ConcordError(codes.CONCORD_ERROR__TRAINER__NOTHING_TO_CLAIM, { ...who, reason });
  }
  if (entry.openChallenges > 0)
    throw new ConcordError(codes.CONCORD_ERROR__TRAINER__CLAIM_CHALLENGED, { ...who, count: entry.openChallenges });

  const program = coordinatorProgram(providerFor(connection, wallet), standing.programId);
  const { lamports, signature } = await claimRewards(program, new TransactionSender(connection, wallet), run, member);
  if (args.json) console.log(JSON.stringify({ ...who, lamports: Number(lamports), signature }));
  else console.log(`claimed ${lamports} lamports of rewards from run ${who.run}`);
}
