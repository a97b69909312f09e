// The Run account as the run creator's commands read it, and the authority's standing to change it: a run that is
// not there, an address that is not a run, or a wallet that is not its authority each get one line before anything
// is sent (the program would refuse them too, for a fee).
import type { Keypair } from "@solana/web3.js";
import { Connection, PublicKey } from "@solana/web3.js";
import { providerFor } from "../../../coordinator/localnet/localnetClient";
import type { RunAccount } from "../../../sdk/coordinatorAccounts";
import type { CoordinatorProgram } from "../../../sdk/coordinatorProgram";
import { coordinatorProgram } from "../../../sdk/coordinatorProgram";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";
import { TransactionSender } from "../../../sdk/transactionSender";
import type { ClusterArgs } from "./clusterArgs";
import { rpcUrlOf, walletOf } from "./clusterArgs";
import { readRun as readRunAccount } from "./memberStanding";
import { runAddress } from "./runAddress";

export interface RunView {
  readonly connection: Connection;
  readonly run: PublicKey;
  readonly account: RunAccount;
  /** The program that owns the run (the cluster's deployment, whatever its id). */
  readonly programId: PublicKey;
}

/** Reads and decodes the Run account at `--run`. */
export async function readRun(args: ClusterArgs & { run: string }): Promise<RunView> {
  const run = runAddress(args.run);
  const connection = new Connection(await rpcUrlOf(args), "confirmed");
  const { programId, run: account } = await readRunAccount(connection, run);
  return { connection, run, account, programId };
}

export interface AuthorityRun extends RunView {
  readonly wallet: Keypair;
  readonly program: CoordinatorProgram;
  readonly sender: TransactionSender;
}

/** The run, with the wallet checked to be its authority (NOT_RUN_AUTHORITY otherwise). */
export async function authorityRun(args: ClusterArgs & { run: string }): Promise<AuthorityRun> {
  const view = await readRun(args);
  const wallet = await walletOf(args);
  const authority = new PublicKey(view.account.authority);
  if (!authority.equals(wallet.publicKey))
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__NOT_RUN_AUTHORITY, {
      wallet: wallet.publicKey.toBase58(),
      run: view.run.toBase58(),
      authority: authority.toBase58(),
    });
  return {
    ...view,
    wallet,
    program: coordinatorProgram(providerFor(view.connection, wallet), view.programId),
    sender: new TransactionSender(view.connection, wallet),
  };
}
