/** @brief Emitting events (Anchor's `Program data:` format, see events.h) and the common ones. */
#pragma once
#include "../../events.h"
#include "../../machine/run_machine.h"

/** Logs one event: its bytes already start with the event discriminator. */
static inline void emit_event(const void *event, uint64_t len) {
  SolBytes slice = {(const uint8_t *)event, len};
  sol_log_data(&slice, 1);
}

/** StateChanged for a run that moved from `from` to its current state. */
void emit_state_changed(const SolPubkey *run_key, const Run *run, uint8_t from);
/** EpochEnded when `summary` says an epoch ended. */
void emit_epoch_ended(const SolPubkey *run_key, const EpochSummary *summary);
/** EpochStarted for the epoch whose members the run just chose. */
void emit_epoch_started(const SolPubkey *run_key, const Run *run);
/** RoundStarted for the round the run just entered. */
void emit_round_started(const SolPubkey *run_key, const Run *run);
