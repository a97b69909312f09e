/**
 * Epoch ends. Points (one per receipt a witness quorum accepted) become lamports here: min(reward_per_epoch, pool)
 * is split pro rata to points; the rounding remainder and an epoch without points leave the pool untouched.
 */
#include "run_machine.h"

void run_end_epoch(Run *run, EpochSummary *summary) {
  uint64_t reward = run->config.reward_per_epoch < run->reward_pool ? run->config.reward_per_epoch : run->reward_pool;
  uint64_t total = run->epoch_points, allocated = 0;
  for (uint32_t i = 0; i < MAX_MEMBERS; i++) {
    RunMember *m = &run->members[i];
    if (total && m->epoch_points) {
      /* reward <= 2^56 and points <= 64: the product stays below 2^63 (see MAX_REWARD_PER_EPOCH) */
      uint64_t share = reward * m->epoch_points / total;
      m->rewards_owed += share; /* bounded by the vault's lamports, which fit in u64 */
      allocated += share;
    }
    m->prev_accepted_rounds = m->accepted_rounds;
    m->accepted_rounds = 0;
    m->epoch_points = 0;
    m->in_epoch = 0;
  }
  run->reward_pool -= allocated;
  run->rewards_owed += allocated;
  summary->ended = true;
  summary->epoch = run->epoch;
  summary->rounds = (uint16_t)(run->round + 1);
  summary->points = total;
  summary->rewards = allocated;
  run->epoch_points = 0;
  run->epoch_member_count = 0;
  run->round = 0;
  run->epoch++;
}

void run_abort_epoch(Run *run) {
  for (uint32_t i = 0; i < MAX_MEMBERS; i++) run->members[i].in_epoch = 0;
  run->epoch_member_count = 0;
}
