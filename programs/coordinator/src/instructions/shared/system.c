#include "system.h"
#include "accounts.h"
#include "../../error.h"

enum { SYSTEM_CREATE_ACCOUNT = 0, SYSTEM_ASSIGN = 1, SYSTEM_TRANSFER = 2, SYSTEM_ALLOCATE = 8 };

/** Data length as the runtime sees it: after a CPI the loader writes it just before the data, not into our copy. */
static inline uint64_t *serialized_len(SolAccountInfo *account) { return (uint64_t *)(account->data - 8); }

static uint64_t invoke_system(const SolParameters *params, SolAccountMeta *metas, uint64_t meta_count, uint8_t *data,
                              uint64_t data_len, const SolSignerSeeds *signer) {
  SolInstruction ix = {(SolPubkey *)&SYSTEM_PROGRAM_ID, metas, meta_count, data, data_len};
  return sol_invoke_signed_c(&ix, params->ka, (int)params->ka_num, signer, signer ? 1 : 0);
}

void clock_read(SolClock *clock) { sol_get_clock_sysvar(clock); }

uint64_t rent_exempt_minimum(uint64_t space, uint64_t *lamports) {
  uint8_t rent[24];
  sol_get_rent_sysvar(rent);
  uint64_t per_byte_year = read_u64(rent), threshold = read_u64(rent + 8);
  /* exemption_threshold is an f64: clusters use 2.0 (legacy) or 1.0 (SIMD-0194) */
  uint64_t multiplier = threshold == 0x4000000000000000ULL ? 2 : threshold == 0x3ff0000000000000ULL ? 1 : 0;
  if (!multiplier) {
    sol_log("Error: unexpected rent exemption threshold");
    return ERROR_INVALID_ACCOUNT_DATA;
  }
  *lamports = (128 + space) * per_byte_year * multiplier;
  return SUCCESS;
}

uint64_t system_transfer(const SolParameters *params, SolAccountInfo *from, SolAccountInfo *to, uint64_t lamports) {
  if (*from->lamports < lamports) {
    sol_log("Error: the payer cannot cover the amount");
    sol_log_64_(*from->lamports, lamports, 0, 0, 0);
    return ConcordError_InsufficientFunds;
  }
  uint8_t data[12];
  write_u32(data, SYSTEM_TRANSFER);
  write_u64(data + 4, lamports);
  SolAccountMeta metas[2] = {{from->key, true, true}, {to->key, true, false}};
  return invoke_system(params, metas, 2, data, sizeof(data), 0);
}

/** Allocate + Assign, signed by the PDA: for an address that already holds lamports. */
static uint64_t allocate_and_assign(const SolParameters *params, PdaCreation *c, const SolSignerSeeds *signer) {
  uint8_t data[36];
  SolAccountMeta meta[1] = {{c->target->key, true, true}};
  write_u32(data, SYSTEM_ALLOCATE);
  write_u64(data + 4, c->space);
  uint64_t rc = invoke_system(params, meta, 1, data, 12, signer);
  if (rc) return rc;
  write_u32(data, SYSTEM_ASSIGN);
  __builtin_memcpy(data + 4, params->program_id->x, 32);
  return invoke_system(params, meta, 1, data, 36, signer);
}

uint64_t create_pda(const SolParameters *params, PdaCreation *c) {
  SolPubkey address;
  if (sol_try_find_program_address(c->seeds, c->seed_count - 1, params->program_id, &address, &c->bump) ||
      !SolPubkey_same(&address, c->target->key)) {
    sol_log("Error: account is not the canonical program-derived address");
    sol_log_pubkey(c->target->key);
    return ConcordError_InvalidPda;
  }
  c->seeds[c->seed_count - 1] = (SolSignerSeed){&c->bump, 1};
  if (!SolPubkey_same(c->target->owner, &SYSTEM_PROGRAM_ID) || c->target->data_len != 0) {
    sol_log("Error: account already exists");
    sol_log_pubkey(c->target->key);
    return ConcordError_AccountAlreadyInitialized;
  }
  uint64_t rent, rc = rent_exempt_minimum(c->space, &rent);
  if (rc) return rc;
  if (__builtin_add_overflow(rent, c->extra_lamports, &rent)) return ConcordError_ArithmeticOverflow;
  SolSignerSeeds signer = {c->seeds, (uint64_t)c->seed_count};
  uint64_t held = *c->target->lamports;
  if (held == 0) {
    if (*c->payer->lamports < rent) {
      sol_log("Error: the payer cannot cover the new account");
      sol_log_64_(*c->payer->lamports, rent, 0, 0, 0);
      return ConcordError_InsufficientFunds;
    }
    uint8_t data[52];
    write_u32(data, SYSTEM_CREATE_ACCOUNT);
    write_u64(data + 4, rent);
    write_u64(data + 12, c->space);
    __builtin_memcpy(data + 20, params->program_id->x, 32);
    SolAccountMeta metas[2] = {{c->payer->key, true, true}, {c->target->key, true, true}};
    rc = invoke_system(params, metas, 2, data, sizeof(data), &signer);
  } else {
    if (held < rent) rc = system_transfer(params, c->payer, c->target, rent - held);
    if (!rc) rc = allocate_and_assign(params, c, &signer);
  }
  if (rc) return rc;
  c->target->data_len = *serialized_len(c->target);
  if (c->target->data_len != c->space) {
    sol_log("Error: created account has an unexpected size");
    return ERROR_INVALID_ACCOUNT_DATA;
  }
  return SUCCESS;
}

uint64_t move_lamports(SolAccountInfo *from, SolAccountInfo *to, uint64_t amount) {
  if (*from->lamports < amount) {
    sol_log("Error: the account cannot cover the payment");
    return ConcordError_InsufficientFunds;
  }
  if (*to->lamports > ~0ULL - amount) return ConcordError_ArithmeticOverflow;
  *from->lamports -= amount;
  *to->lamports += amount;
  return SUCCESS;
}

void set_data_len(SolAccountInfo *account, uint64_t len) {
  *serialized_len(account) = len;
  account->data_len = len;
}

void close_account(SolAccountInfo *account, SolAccountInfo *to) {
  *to->lamports += *account->lamports; /* lamports of two accounts never exceed the supply, which fits in u64 */
  *account->lamports = 0;
  sol_memset_(account->data, 0, account->data_len);
  set_data_len(account, 0);
  *account->owner = SYSTEM_PROGRAM_ID;
}
