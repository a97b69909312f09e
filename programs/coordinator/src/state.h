/** @brief On-chain constants and every account layout (one header per account under state/). */
#pragma once
#include "solana_sdk.h"
#include "state/limits.h"
#include "state/run.h"
#include "state/member.h"
#include "state/vault.h"
#include "state/epoch_receipts.h"
#include "state/challenge.h"

/** Semantic version of the program; `version` returns it so clients can check compatibility. */
#define PROGRAM_VERSION_MAJOR 0
#define PROGRAM_VERSION_MINOR 2
#define PROGRAM_VERSION_PATCH 0
