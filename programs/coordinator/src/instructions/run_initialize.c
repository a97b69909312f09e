/**
 * initialize_run(run_id: u64, config: RunConfig)
 *
 * Accounts:
 *   0. [writable, signer] authority: pays rent, controls config, pause, resume, finish, checkpoints
 *   1. [writable] run: PDA ["run", run_id], created here (first 10 KiB; extend_run grows it)
 *   2. [writable] vault: PDA ["vault", run], created here
 *   3. [] system program
 *
 * The run is funded for its full size now, so extend_run needs no payer. It stays Uninitialized until then.
 */
#include "instructions.h"
#include "shared/accounts.h"
#include "shared/args.h"
#include "shared/run_config_check.h"
#include "shared/events.h"
#include "shared/seeds.h"
#include "shared/system.h"
#include "../error.h"
#include "../generated/discriminators.h"

/** The most a CPI may allocate in one instruction (MAX_PERMITTED_DATA_INCREASE). */
#define RUN_INITIAL_SIZE MAX_PERMITTED_DATA_INCREASE

__attribute__((noinline)) static uint64_t create_run(SolParameters *params, const uint8_t *run_id, uint8_t *bump) {
  uint64_t full_rent, initial_rent;
  uint64_t rc = rent_exempt_minimum(sizeof(Run), &full_rent);
  if (!rc) rc = rent_exempt_minimum(RUN_INITIAL_SIZE, &initial_rent);
  if (rc) return rc;
  SolSignerSeed seeds[RUN_SEED_COUNT];
  run_seeds(seeds, run_id, 0);
  PdaCreation c = {&params->ka[0], &params->ka[1], seeds, RUN_SEED_COUNT, RUN_INITIAL_SIZE,
                   full_rent - initial_rent, 0};
  rc = create_pda(params, &c);
  *bump = c.bump;
  return rc;
}

__attribute__((noinline)) static uint64_t create_vault(SolParameters *params, uint8_t *bump) {
  SolSignerSeed seeds[VAULT_SEED_COUNT];
  vault_seeds(seeds, params->ka[1].key, 0);
  PdaCreation c = {&params->ka[0], &params->ka[2], seeds, VAULT_SEED_COUNT, sizeof(Vault), 0, 0};
  uint64_t rc = create_pda(params, &c);
  *bump = c.bump;
  return rc;
}

uint64_t process_initialize_run(SolParameters *params) {
  uint64_t rc = check_account_count(params, 4);
  if (!rc) rc = check_distinct(params, 4);
  if (!rc) rc = check_payer(&params->ka[0]);
  if (!rc) rc = check_writable(&params->ka[1]);
  if (!rc) rc = check_writable(&params->ka[2]);
  if (!rc) rc = check_system_program(&params->ka[3]);
  if (rc) return rc;

  Args args = args_start(params);
  const uint8_t *run_id = args_take(&args, 8);
  const uint8_t *config_bytes = args_take(&args, sizeof(RunConfig));
  rc = args_finish(&args);
  if (rc) return rc;
  const RunConfig *config = (const RunConfig *)config_bytes; /* sBPF loads need no alignment */
  rc = check_run_config(config);
  if (rc) return rc;

  uint8_t run_bump, vault_bump;
  rc = create_run(params, run_id, &run_bump);
  if (!rc) rc = create_vault(params, &vault_bump);
  if (rc) return rc;

  SolClock clock;
  clock_read(&clock);
  Run *run = (Run *)params->ka[1].data; /* only the first RUN_INITIAL_SIZE bytes exist yet */
  write_u64(run->discriminator, ACCOUNT_RUN);
  run->version = RUN_ACCOUNT_VERSION;
  run->bump = run_bump;
  run->vault_bump = vault_bump;
  run->state = RunState_Uninitialized;
  run->authority = *params->ka[0].key;
  run->run_id = read_u64(run_id);
  run->config = *config;
  run->state_started_at = clock.unix_timestamp;

  Vault *vault = (Vault *)params->ka[2].data;
  write_u64(vault->discriminator, ACCOUNT_VAULT);
  vault->version = VAULT_ACCOUNT_VERSION;
  vault->bump = vault_bump;
  vault->run = *params->ka[1].key;

  RunInitializedEvent e;
  e.discriminator = EVENT_RUN_INITIALIZED;
  __builtin_memcpy(e.run, params->ka[1].key->x, 32);
  __builtin_memcpy(e.authority, params->ka[0].key->x, 32);
  e.run_id = run->run_id;
  emit_event(&e, sizeof(e));
  return SUCCESS;
}
