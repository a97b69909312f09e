#include "authority.h"
#include "../../error.h"

uint64_t load_authority_run(SolParameters *params, Run **run) {
  uint64_t rc = load_caller_run(params, 2, false, run);
  if (rc) return rc;
  if (!SolPubkey_same(&(*run)->authority, params->ka[0].key)) {
    sol_log("Error: only the run authority may do this");
    return ConcordError_Unauthorized;
  }
  return SUCCESS;
}
