#include "receipts_account.h"
#include "seeds.h"
#include "../../error.h"
#include "../../generated/discriminators.h"

uint64_t load_epoch_receipts(const SolParameters *params, SolAccountInfo *account, const SolAccountInfo *run_account,
                             const SolPubkey *member, EpochReceipts **out) {
  uint64_t rc = check_writable(account);
  if (rc) return rc;
  /* the size depends on the capacity stored in the account: check the header first, then the whole */
  AccountType type = {ACCOUNT_EPOCH_RECEIPTS, 0, EPOCH_RECEIPTS_ACCOUNT_VERSION};
  type.size = account->data_len >= sizeof(EpochReceipts)
                  ? EPOCH_RECEIPTS_SIZE(((const EpochReceipts *)account->data)->capacity)
                  : sizeof(EpochReceipts);
  rc = check_program_account(params, account, &type);
  if (rc) return rc;
  EpochReceipts *r = (EpochReceipts *)account->data;
  if (r->capacity > MAX_ROUNDS_PER_EPOCH || r->receipts_len > r->capacity) {
    sol_log("Error: malformed epoch receipts");
    return ConcordError_WrongAccountSize;
  }
  SolSignerSeed seeds[RECEIPTS_SEED_COUNT];
  receipts_seeds(seeds, run_account->key, member, (const uint8_t *)&r->epoch, &r->bump);
  rc = check_pda(params, account, seeds, RECEIPTS_SEED_COUNT);
  if (rc) return rc;
  *out = r;
  return SUCCESS;
}
