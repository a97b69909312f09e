/**
 * When tick moves the run, and what each move does. One transition per tick, decided by the clock and the
 * counters in the Run alone, so a client holding the account predicts the next one exactly (sdk/roundSchedule.ts).
 */
#include "run_machine.h"
#include "../error.h"

bool elapsed(int64_t now, int64_t since, uint64_t seconds) {
  return now >= since && (uint64_t)now - (uint64_t)since >= seconds;
}

uint16_t run_eligible_count(const Run *run) {
  uint16_t n = 0;
  for (uint32_t i = 0; i < MAX_MEMBERS; i++) {
    const RunMember *m = &run->members[i];
    if (m->status == MemberStatus_Active && m->stake >= run->config.min_stake) n++;
  }
  return n;
}

/** Where the run goes when the witness phase of the current round closes. */
static uint8_t after_round(const Run *run, int64_t now) {
  const RunConfig *c = &run->config;
  if (run->pending_pause) return RunState_Paused;
  if (run->step + 1 >= c->total_steps) return RunState_Cooldown;
  if ((uint32_t)run->round + 1 >= c->rounds_per_epoch) return RunState_Cooldown;
  if (elapsed(now, run->epoch_started_at, c->epoch_time)) return RunState_Cooldown;
  if (run->epoch_member_count < c->min_clients) return RunState_Cooldown;
  return RunState_RoundTrain;
}

uint8_t run_next_state(const Run *run, int64_t now) {
  const RunConfig *c = &run->config;
  switch (run->state) {
  case RunState_WaitingForMembers: {
    if (run->step >= c->total_steps) return RunState_Finished;
    uint16_t needed = run->epoch == 0 ? c->init_min_clients : c->min_clients;
    return run_eligible_count(run) >= needed ? RunState_Warmup : run->state;
  }
  case RunState_Warmup:
    if (run->epoch_member_count < c->min_clients) return RunState_WaitingForMembers;
    return elapsed(now, run->state_started_at, c->warmup_time) ? RunState_RoundTrain : run->state;
  case RunState_RoundTrain:
    if (run->committed_count >= run->epoch_member_count) return RunState_RoundWitness;
    return elapsed(now, run->state_started_at, c->max_round_train_time) ? RunState_RoundWitness : run->state;
  case RunState_RoundWitness:
    if (run->witnesses_submitted >= run->round_witness_count ||
        elapsed(now, run->state_started_at, c->round_witness_time))
      return after_round(run, now);
    return run->state;
  case RunState_Cooldown:
    if (!elapsed(now, run->state_started_at, c->cooldown_time)) return run->state;
    return run->step >= c->total_steps ? RunState_Finished : RunState_WaitingForMembers;
  default:
    return run->state;
  }
}

static void start_epoch(Run *run, int64_t now) {
  uint16_t n = 0;
  for (uint32_t i = 0; i < MAX_MEMBERS; i++) {
    RunMember *m = &run->members[i];
    m->in_epoch = m->status == MemberStatus_Active && m->stake >= run->config.min_stake;
    n += m->in_epoch;
  }
  run->epoch_member_count = n;
  run->epoch_started_at = now;
  run->round = 0;
}

/**
 * A new round: its seed, its witnesses, and an empty receipt table (the previous one was mixed into the seed). The
 * round's rows come from the seed it replaces, known a round ahead, so members can train round s while round s-1 is
 * witnessed; the witness draw keeps the fresh seed nobody could predict.
 */
static void start_round(Run *run, const Transition *t) {
  for (int i = 0; i < 32; i++) {
    run->data_seed[i] = run->seed[i];
    run->seed[i] = t->seed[i];
  }
  run_select_witnesses(run, t->seed, t->scratch);
  uint64_t *table = (uint64_t *)run->round_receipts;
  for (uint32_t i = 0; i < sizeof(run->round_receipts) / 8; i++) table[i] = 0;
  run->committed_count = 0;
  run->witnesses_submitted = 0;
}

void run_apply_transition(Run *run, const Transition *t, EpochSummary *summary) {
  uint8_t from = run->state;
  summary->ended = false;
  switch (t->to) {
  case RunState_Warmup:
    start_epoch(run, t->now);
    break;
  case RunState_WaitingForMembers:
    if (from == RunState_Warmup) run_abort_epoch(run);
    else if (from == RunState_Cooldown) run_end_epoch(run, summary);
    break;
  case RunState_RoundTrain:
    if (from == RunState_RoundWitness) {
      run->step++;
      run->round++;
    }
    start_round(run, t);
    break;
  case RunState_Cooldown:
    run->step++;
    break;
  case RunState_Paused: /* only tick's pending pause comes here */
    run->step++;
    run->pending_pause = 0;
    run_end_epoch(run, summary);
    break;
  case RunState_Finished:
    if (from == RunState_Cooldown) run_end_epoch(run, summary);
    break;
  default:
    break;
  }
  run->state = t->to;
  run->state_started_at = t->now;
}

uint64_t run_pause(Run *run, int64_t now, EpochSummary *summary) {
  summary->ended = false;
  switch (run->state) {
  case RunState_RoundTrain:
  case RunState_RoundWitness:
    if (run->pending_pause) return ConcordError_AlreadyPaused;
    run->pending_pause = 1;
    return 0;
  case RunState_Warmup:
    run_abort_epoch(run);
    break;
  case RunState_Cooldown:
    run_end_epoch(run, summary);
    break;
  case RunState_WaitingForMembers:
    break;
  case RunState_Paused:
    return ConcordError_AlreadyPaused;
  case RunState_Finished:
    return ConcordError_RunFinished;
  default:
    return ConcordError_RunNotReady;
  }
  run->state = RunState_Paused;
  run->state_started_at = now;
  return 0;
}

uint64_t run_resume(Run *run, int64_t now, EpochSummary *summary) {
  summary->ended = false; /* resume ends no epoch; it takes a summary as pause and finish do */
  if (run->state == RunState_Paused) {
    run->state = RunState_WaitingForMembers;
    run->state_started_at = now;
    return 0;
  }
  if (run->pending_pause) {
    run->pending_pause = 0;
    return 0;
  }
  return ConcordError_NotPaused;
}

uint64_t run_finish(Run *run, int64_t now, EpochSummary *summary) {
  summary->ended = false;
  switch (run->state) {
  case RunState_Finished:
    return ConcordError_RunFinished;
  case RunState_Uninitialized:
    return ConcordError_RunNotReady;
  case RunState_Warmup:
    run_abort_epoch(run);
    break;
  case RunState_RoundTrain:
  case RunState_RoundWitness:
  case RunState_Cooldown:
    run_end_epoch(run, summary);
    break;
  default:
    break;
  }
  run->pending_pause = 0;
  run->state = RunState_Finished;
  run->state_started_at = now;
  return 0;
}
