// Whether a receipt was accepted, as the program settles it (programs/coordinator/src/machine/
// receipt_settlement.c): EpochReceipts flags are written lazily, the Run's accepted-round bitmaps are exact for the
// current and previous epoch.
import type { EpochReceiptsAccount, RunAccount } from "./coordinatorAccounts";
import { RunState, runStateOf } from "./runState";
import { toBigInt } from "./coordinatorAccounts";
import { ConcordError } from "./errors/concordError";
import { CONCORD_ERROR__TRAINER__ROUND_UNDECIDABLE } from "./errors/codes";

export type ReceiptStatus = "pending" | "accepted" | "rejected";

/**
 * An epoch's receipts can be challenged until the run's epoch counter passes theirs by more than this
 * (programs/coordinator/src/state/limits.h; tests/coordinator-challenges.test.ts checks the program against it).
 */
export const CHALLENGE_WINDOW_EPOCHS = 1;

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

/**
 * The slots whose receipts round `round` of `epoch` accepted, ascending (the order every node applies them in), read
 * from the Run's per-member bitmaps; null while the round can still gain confirmations. Throws ROUND_UNDECIDABLE
 * once the bitmaps no longer cover the epoch (two epochs later): the settled EpochReceipts flags are the record then.
 */
export function acceptedSlots(run: RunAccount, epoch: bigint, round: number, step: bigint): number[] | null {
  if (roundOpen(run, epoch, round)) return null;
  const current = toBigInt(run.epoch);
  const field = epoch === current ? "acceptedRounds" : epoch + 1n === current ? "prevAcceptedRounds" : null;
  if (!field)
    throw new ConcordError(CONCORD_ERROR__TRAINER__ROUND_UNDECIDABLE, {
      step,
      reason: `epoch ${epoch} is older than the run's bitmaps (epoch ${current})`,
    });
  return run.members.flatMap((m, slot) => ((toBigInt(m[field]) >> BigInt(round)) & 1n ? [slot] : []));
}
