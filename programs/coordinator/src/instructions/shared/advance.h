/** @brief The state machine's due transition, made by tick and by the commit and witness that complete a round. */
#pragma once
#include "../../machine/run_machine.h"

/**
 * Moves the run to run_next_state's state at the Clock's time (drawing the round seed when it enters RoundTrain) and
 * emits EpochEnded, StateChanged and RoundStarted as they apply; NoTransitionDue, logged, when nothing is due.
 */
uint64_t advance_run(const SolPubkey *run_key, Run *run);
