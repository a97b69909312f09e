// Joining a run and claiming rewards, as `concord train` (TrainerNode) and `concord join` / `concord claim` do them:
// one path each, so a member staked ahead with `concord join` is the member its trainer node later finds.
import type { PublicKey, TransactionInstruction } from "@solana/web3.js";
import type { MemberAccount, RunAccount } from "../../sdk/coordinatorAccounts";
import { decodeMember, memberEndpoint, toBigInt } from "../../sdk/coordinatorAccounts";
import * as ix from "../../sdk/coordinatorInstructions";
import { findMemberAddress } from "../../sdk/coordinatorPdas";
import type { CoordinatorProgram } from "../../sdk/coordinatorProgram";
import { rpcFailed } from "../../sdk/errors/rpcFailed";
import type { TransactionSender } from "../../sdk/transactionSender";

export interface JoinRequest {
  /** The endpoint peers dial; a member already in keeps its own when this is omitted. */
  readonly endpoint?: string;
  /** Lamports a first join stakes (default: the run's min_stake). */
  readonly firstStake?: bigint;
  /** Lamports added to the stake of a member already in (default none). */
  readonly addStake?: bigint;
}

export interface JoinPlan {
  /** The member's account before joining; undefined for a first join. */
  readonly existing?: MemberAccount;
  readonly endpoint?: string;
  /** Lamports this join moves into the vault. */
  readonly stake: bigint;
  /** The join to send; undefined when a member already in would change nothing. */
  readonly instruction?: TransactionInstruction;
}

/**
 * What joining does for `member`: a first join takes a slot with its stake and endpoint (the program takes part from
 * the next epoch on); a later one may add stake and moves the endpoint when it differs. `state` is the Run account.
 */
export async function planJoin(
  program: CoordinatorProgram,
  run: PublicKey,
  state: RunAccount,
  member: PublicKey,
  request: JoinRequest,
): Promise<JoinPlan> {
  const address = findMemberAddress(run, member, program.programId)[0];
  const info = await program.provider.connection.getAccountInfo(address, "confirmed");
  const existing = info ? decodeMember(info.data, address.toBase58()) : undefined;
  const stake = existing ? (request.addStake ?? 0n) : (request.firstStake ?? toBigInt(state.config.minStake));
  const endpoint = request.endpoint ?? (existing && memberEndpoint(existing));
  if (endpoint === undefined || (existing && stake === 0n && endpoint === memberEndpoint(existing)))
    return { existing, endpoint, stake };
  return {
    existing,
    endpoint,
    stake,
    instruction: await ix.joinInstruction(program, { run, member, endpoint, stake }),
  };
}

/** Sends claim and resolves to the lamports it paid the member (the program pays all its rewards owed). */
export async function claimRewards(
  program: CoordinatorProgram,
  sender: TransactionSender,
  run: PublicKey,
  member: PublicKey,
): Promise<{ lamports: bigint; signature: string }> {
  const signature = await sender.send([await ix.memberPayoutInstruction(program, "claim", { run, member })]);
  const tx = await program.provider.connection.getTransaction(signature, {
    commitment: "confirmed",
    maxSupportedTransactionVersion: 0,
  });
  const meta = tx?.meta;
  if (!meta) throw rpcFailed("getTransaction", `the claim ${signature} landed, but its record is not served`);
  // The fee payer is account 0: its balance rose by the rewards, less the fee
  return { lamports: BigInt(meta.postBalances[0] - meta.preBalances[0] + meta.fee), signature };
}
