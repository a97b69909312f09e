#include "events.h"
#include "../../generated/discriminators.h"

void emit_state_changed(const SolPubkey *run_key, const Run *run, uint8_t from) {
  StateChangedEvent e;
  e.discriminator = EVENT_STATE_CHANGED;
  __builtin_memcpy(e.run, run_key->x, 32);
  e.from = from;
  e.to = run->state;
  e.epoch = run->epoch;
  e.step = run->step;
  e.round = run->round;
  e.timestamp = run->state_started_at;
  emit_event(&e, sizeof(e));
}

void emit_epoch_ended(const SolPubkey *run_key, const EpochSummary *summary) {
  if (!summary->ended) return;
  EpochEndedEvent e;
  e.discriminator = EVENT_EPOCH_ENDED;
  __builtin_memcpy(e.run, run_key->x, 32);
  e.epoch = summary->epoch;
  e.rounds = summary->rounds;
  e.points = summary->points;
  e.rewards = summary->rewards;
  emit_event(&e, sizeof(e));
}

void emit_epoch_started(const SolPubkey *run_key, const Run *run) {
  EpochStartedEvent e;
  e.discriminator = EVENT_EPOCH_STARTED;
  __builtin_memcpy(e.run, run_key->x, 32);
  e.epoch = run->epoch;
  e.step = run->step;
  for (uint32_t b = 0; b < MEMBER_BITMAP_BYTES; b++) {
    uint8_t byte = 0;
    for (uint32_t k = 0; k < 8; k++) byte |= (uint8_t)(run->members[b * 8 + k].in_epoch << k);
    e.members[b] = byte;
  }
  e.member_count = run->epoch_member_count;
  emit_event(&e, sizeof(e));
}

void emit_round_started(const SolPubkey *run_key, const Run *run) {
  RoundStartedEvent e;
  e.discriminator = EVENT_ROUND_STARTED;
  __builtin_memcpy(e.run, run_key->x, 32);
  e.epoch = run->epoch;
  e.step = run->step;
  e.round = run->round;
  __builtin_memcpy(e.seed, run->seed, 32);
  e.witness_count = run->round_witness_count;
  for (int i = 0; i < MAX_WITNESSES; i++) e.witnesses[i] = run->witnesses[i].slot;
  emit_event(&e, sizeof(e));
}
