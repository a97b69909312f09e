// Whether a receipt was accepted, as the program settles it (programs/coordinator/src/machine/
// receipt_settlement.c): EpochReceipts flags are written lazily, the Run's accepted-round bitmaps are exact for the
// current and previous epoch.
import type { EpochReceiptsAccount, RunAccount } from "./coordinatorAccounts";
import { RunState, runStateOf } from "./runState";
import { toBigInt } from "./coordinatorAccounts";

export type ReceiptStatus = "pending" | "accepted" | "rejected";

/** Whether round `round` of `epoch` can still gain witness confirmations. */
export function roundOpen(run: RunAccount, epoch: bigint, round: number): boolean {
  const current = toBigInt(run.epoch);
  if (epoch !== current) return epoch > current;
  const state = runStateOf(run.state);
  return (state === RunState.RoundTrain || state === RunState.RoundWitness) && round >= run.round;
}

/**
 * Status of receipt `index` of `receipts`, member `slot` of `run`: the stored flag when settled, else what the
 * run's bitmaps say; "pending" while the round is open or when the epoch is older than the bitmaps.
 */
export function receiptStatus(
  run: RunAccount,
  slot: number,
  receipts: EpochReceiptsAccount,
  index: number,
): ReceiptStatus {
  const receipt = receipts.receipts[index];
  if ("accepted" in receipt.accepted) return "accepted";
  if ("rejected" in receipt.accepted) return "rejected";
  const epoch = toBigInt(receipts.epoch);
  const member = run.members[slot];
  const bits =
    epoch === toBigInt(run.epoch)
      ? toBigInt(member.acceptedRounds)
      : epoch + 1n === toBigInt(run.epoch)
        ? toBigInt(member.prevAcceptedRounds)
        : null;
  if (bits === null) return "pending";
  if ((bits >> BigInt(receipt.round)) & 1n) return "accepted";
  return roundOpen(run, epoch, receipt.round) ? "pending" : "rejected";
}
