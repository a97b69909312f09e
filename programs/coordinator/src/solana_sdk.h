/** @brief The Solana C ABI subset this program uses, one header per concern (as the Solana C SDK does). */
#pragma once
#include "sol/types.h"
#include "sol/pubkey.h"
#include "sol/log.h"
#include "sol/memory.h"
#include "sol/entrypoint.h"
#include "sol/return_data.h"
#include "sol/cpi.h"
#include "sol/sysvar.h"
#include "sol/hash.h"
