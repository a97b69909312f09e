/**
 * fund(amount: u64)
 *
 * Accounts:
 *   0. [writable, signer] funder
 *   1. [writable] run
 *   2. [writable] vault
 *   3. [] system program
 *
 * Anyone adds lamports to the run's reward pool.
 */
#include "instructions.h"
#include "shared/accounts.h"
#include "shared/args.h"
#include "shared/events.h"
#include "shared/system.h"
#include "../error.h"
#include "../generated/discriminators.h"

uint64_t process_fund(SolParameters *params) {
  Run *run;
  uint64_t rc = load_caller_run(params, 4, true, &run);
  if (!rc) rc = load_vault(params, &params->ka[2], &params->ka[1], run);
  if (!rc) rc = check_system_program(&params->ka[3]);
  if (rc) return rc;
  Args args = args_start(params);
  uint64_t amount = args_u64(&args);
  rc = args_finish(&args);
  if (rc) return rc;
  if (amount == 0) {
    sol_log("Error: the amount must be greater than zero");
    return ConcordError_InvalidAmount;
  }
  rc = check_not_finished(run);
  if (rc) return rc;
  uint64_t pool;
  if (__builtin_add_overflow(run->reward_pool, amount, &pool)) {
    sol_log("Error: the reward pool would overflow");
    return ConcordError_ArithmeticOverflow;
  }
  rc = system_transfer(params, &params->ka[0], &params->ka[2], amount);
  if (rc) return rc;
  run->reward_pool = pool;

  FundedEvent e;
  e.discriminator = EVENT_FUNDED;
  __builtin_memcpy(e.run, params->ka[1].key->x, 32);
  __builtin_memcpy(e.funder, params->ka[0].key->x, 32);
  e.amount = amount;
  e.reward_pool = pool;
  emit_event(&e, sizeof(e));
  return SUCCESS;
}
