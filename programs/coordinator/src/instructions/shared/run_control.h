/** @brief The shape pause, resume and finish share: authority accounts, no arguments, the clock, events. */
#pragma once
#include "../../machine/run_machine.h"

/** A state-machine operation of the authority: (run, now, summary) -> 0 or a ConcordError. */
typedef uint64_t (*RunControl)(Run *run, int64_t now, EpochSummary *summary);

/** Loads [authority, run], applies `control` at the Clock's time and emits what changed. */
uint64_t process_run_control(SolParameters *params, RunControl control);
