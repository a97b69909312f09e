// A member's standing in a run, as `concord leave`, `concord withdraw` and `concord train --leave` read it: the Run
// and the Member account (typed errors for a run or a member that does not exist), and when its stake unbonds.
import type { Connection, PublicKey } from "@solana/web3.js";
import { chainTime } from "../../../coordinator/crank/crank";
import type { MemberAccount, RunAccount, RunMember } from "../../../sdk/coordinatorAccounts";
import { decodeMember, decodeRun, toBigInt } from "../../../sdk/coordinatorAccounts";
import { findMemberAddress } from "../../../sdk/coordinatorPdas";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";
import { rpcFailed } from "../../../sdk/errors/rpcFailed";
import { RunState, runStateOf } from "../../../sdk/runState";
import type { Unbonding } from "../../../sdk/unbonding";
import { unbondingOf } from "../../../sdk/unbonding";

export interface MemberStanding {
  readonly programId: PublicKey;
  readonly run: RunAccount;
  readonly member: MemberAccount;
  /** The member's slot in the Run's table: stake, rewards owed, status, open challenges. */
  readonly entry: RunMember;
  /** The Member account's lamports (its rent, returned by withdraw). */
  readonly memberLamports: bigint;
  /** The Clock sysvar's unix time when this was read. */
  readonly now: bigint;
}

const accountInfo = (connection: Connection, address: PublicKey) =>
  connection.getAccountInfo(address, "confirmed").catch((e: unknown) => {
    throw rpcFailed("getAccountInfo", e);
  });

/** The Run account and the program that owns it; ACCOUNT_NOT_FOUND, or MALFORMED_ACCOUNT for another account. */
export async function readRun(
  connection: Connection,
  run: PublicKey,
): Promise<{ programId: PublicKey; run: RunAccount }> {
  const info = await accountInfo(connection, run);
  if (!info) throw new ConcordError(codes.CONCORD_ERROR__CLIENT__ACCOUNT_NOT_FOUND, { address: run.toBase58() });
  return { programId: info.owner, run: decodeRun(info.data, run.toBase58()) };
}

export async function memberStanding(connection: Connection, run: PublicKey, key: PublicKey): Promise<MemberStanding> {
  const account = (address: PublicKey) => accountInfo(connection, address);
  const { programId, run: runAccount } = await readRun(connection, run);
  const address = findMemberAddress(run, key, programId)[0];
  const [info, now] = await Promise.all([account(address), chainTime(connection)]);
  if (!info)
    throw new ConcordError(codes.CONCORD_ERROR__TRAINER__NOT_A_MEMBER, {
      member: key.toBase58(),
      run: run.toBase58(),
      reason: "it has no Member account (members join with `concord join` or `concord train`)",
    });
  const member = decodeMember(info.data, address.toBase58());
  return {
    programId,
    run: runAccount,
    member,
    entry: runAccount.members[member.slot],
    memberLamports: BigInt(info.lamports),
    now,
  };
}

export const isLeaving = (s: MemberStanding) => "leaving" in s.entry.status;

export const unbondingOfStanding = (s: MemberStanding): Unbonding => unbondingOf(s.run, s.member, s.now);

/** When the stake unbonds, in words: the epoch, and the time where the halted-run rule gives one. */
export function unbondsText(u: Unbonding, run: RunAccount): string {
  if (u.unbonded) return "now";
  const epoch = `once the run reaches epoch ${u.epoch} (it is in epoch ${toBigInt(run.epoch)})`;
  if (u.at === null) return `${epoch}; no time is known while epochs run`;
  const state = RunState[runStateOf(run.state)];
  return `${epoch}, or at ${new Date(Number(u.at) * 1000).toISOString()} if the run stays ${state} until then`;
}
