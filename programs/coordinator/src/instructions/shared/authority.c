#include "authority.h"
#include "../../error.h"

uint64_t load_authority_run(SolParameters *params, Run **run) {
  uint64_t rc = check_account_count(params, 2);
  if (!rc) rc = check_distinct(params, 2);
  if (!rc) rc = check_signer(&params->ka[0]);
  if (!rc) rc = load_run(params, &params->ka[1], run);
  if (rc) return rc;
  if (!SolPubkey_same(&(*run)->authority, params->ka[0].key)) {
    sol_log("Error: only the run authority may do this");
    return ConcordError_Unauthorized;
  }
  return SUCCESS;
}
