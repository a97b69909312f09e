/** @brief On-chain constants shared by instructions and accounts. */
#pragma once
#include "solana_sdk.h"

/** Semantic version of the program; `version` returns it so clients can check compatibility. */
#define PROGRAM_VERSION_MAJOR 0
#define PROGRAM_VERSION_MINOR 1
#define PROGRAM_VERSION_PATCH 0
