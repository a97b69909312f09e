// What the chain decided for a round: the accepted receipts in slot order, each with the member and the update hash
// it committed. The live node and the replay (anyone re-deriving the model) read it the same way: the Run's
// acceptance bitmaps name the slots, the members' EpochReceipts accounts give the hashes.
import type { Connection, PublicKey } from "@solana/web3.js";
import type { EpochReceiptsAccount, RunAccount } from "../../sdk/coordinatorAccounts";
import { decodeEpochReceipts, toBigInt } from "../../sdk/coordinatorAccounts";
import { findEpochReceiptsAddress } from "../../sdk/coordinatorPdas";
import { ConcordError } from "../../sdk/errors/concordError";
import { CONCORD_ERROR__TRAINER__ROUND_UNDECIDABLE } from "../../sdk/errors/codes";
import { acceptedSlots } from "../../sdk/receiptStatus";

export interface AcceptedUpdate {
  readonly slot: number;
  readonly member: PublicKey;
  readonly hash: Uint8Array;
  readonly size: number;
}

export interface RoundRef {
  readonly epoch: bigint;
  readonly round: number;
  readonly step: bigint;
}

/** The members' receipts accounts for `epoch` (null where a member has none). */
export async function fetchEpochReceipts(
  connection: Connection,
  programId: PublicKey,
  run: PublicKey,
  members: readonly PublicKey[],
  epoch: bigint,
): Promise<(EpochReceiptsAccount | null)[]> {
  const addresses = members.map((m) => findEpochReceiptsAddress(run, m, epoch, programId)[0]);
  const infos = await connection.getMultipleAccountsInfo(addresses, "confirmed");
  return infos.map((info, i) => (info ? decodeEpochReceipts(info.data, addresses[i].toBase58()) : null));
}

/**
 * The accepted updates of `ref`, ascending by slot; null while the round can still gain confirmations. `run` is any
 * Run state at most one epoch after the round's.
 */
export async function roundDecision(
  connection: Connection,
  programId: PublicKey,
  run: PublicKey,
  state: RunAccount,
  ref: RoundRef,
): Promise<AcceptedUpdate[] | null> {
  const slots = acceptedSlots(state, ref.epoch, ref.round, ref.step);
  if (!slots) return null;
  const members = slots.map((slot) => state.members[slot].key);
  const receipts = await fetchEpochReceipts(connection, programId, run, members, ref.epoch);
  return slots.map((slot, i) => {
    const receipt = receipts[i]?.receipts.find((r) => toBigInt(r.step) === ref.step);
    if (!receipt)
      throw new ConcordError(CONCORD_ERROR__TRAINER__ROUND_UNDECIDABLE, {
        step: ref.step,
        reason: `slot ${slot} is accepted but ${members[i].toBase58()} has no receipt for the step`,
      });
    return { slot, member: members[i], hash: Uint8Array.from(receipt.hash), size: receipt.size };
  });
}
