/**
 * EpochReceipts hold an accepted flag per receipt, but witness and tick cannot write every member's receipts
 * account (up to 256 of them). Acceptance is recorded in the Run (a u64 bitmap of rounds per member, for this and the
 * previous epoch) and copied into a receipts account whenever the program next writes it (commit, challenge).
 * Clients read the same bitmaps through sdk/receiptStatus.ts, so the status is exact as long as the challenge
 * window is open.
 */
#include "run_machine.h"

bool run_round_open(const Run *run, uint64_t epoch, uint16_t round) {
  if (epoch != run->epoch) return epoch > run->epoch;
  bool in_rounds = run->state == RunState_RoundTrain || run->state == RunState_RoundWitness;
  return in_rounds && round >= run->round;
}

void receipts_settle(const Run *run, uint16_t slot, EpochReceipts *receipts) {
  uint64_t bits;
  if (receipts->epoch == run->epoch) bits = run->members[slot].accepted_rounds;
  else if (receipts->epoch + 1 == run->epoch) bits = run->members[slot].prev_accepted_rounds;
  else return;
  for (uint32_t i = 0; i < receipts->receipts_len; i++) {
    Receipt *r = &receipts->receipts[i];
    if (r->accepted != ReceiptStatus_Pending || r->round >= MAX_ROUNDS_PER_EPOCH) continue;
    if ((bits >> r->round) & 1) r->accepted = ReceiptStatus_Accepted;
    else if (!run_round_open(run, receipts->epoch, r->round)) r->accepted = ReceiptStatus_Rejected;
  }
}
