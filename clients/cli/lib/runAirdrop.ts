// `concord airdrop`: SOL from the cluster's faucet (requestAirdrop), confirmed before the balance is printed, so a
// script's next command (join, run create) finds the funds there.
import { Connection } from "@solana/web3.js";
import { airdrop } from "../../../coordinator/localnet/localnetClient";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";
import { lamportsOf } from "../../../sdk/runPlan";
import type { ClusterArgs } from "./clusterArgs";
import { rpcUrlOf, walletOf } from "./clusterArgs";
import { runAddress } from "./runAddress";
import { solText } from "./solAmount";

export async function runAirdrop(args: ClusterArgs & { sol: number; to?: string; json: boolean }): Promise<void> {
  if (!(args.sol > 0) || !Number.isFinite(args.sol))
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__VALUE_OUT_OF_RANGE, {
      name: "--sol",
      value: args.sol,
      range: "a positive amount",
    });
  const to = args.to ? runAddress(args.to, "--to") : (await walletOf(args)).publicKey;
  const url = await rpcUrlOf(args);
  const connection = new Connection(url, "confirmed");
  try {
    await airdrop(connection, to, Number(lamportsOf(args.sol)));
  } catch (e) {
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__AIRDROP_FAILED, {
      sol: args.sol,
      to: to.toBase58(),
      url,
      reason: (e as Error).message.split("\n")[0],
    });
  }
  const balance = await connection.getBalance(to, "confirmed");
  const account = to.toBase58();
  console.log(
    args.json ? JSON.stringify({ account, lamports: balance }) : `${account} holds ${solText(BigInt(balance))}`,
  );
}
