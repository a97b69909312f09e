/** @brief Capacities that size the accounts; changing one changes layouts (bump the account versions). */
#pragma once

/** Members a run can register (Psyche's cap). Witness bitmaps are MAX_MEMBERS bits. */
#define MAX_MEMBERS 256
#define MEMBER_BITMAP_BYTES (MAX_MEMBERS / 8)
/** Witnesses per round (Psyche's cap on witness nodes). */
#define MAX_WITNESSES 32
/** Rounds per epoch: EpochReceipts holds at most this many receipts, and a u64 bitmap records their acceptance. */
#define MAX_ROUNDS_PER_EPOCH 64
/** Local optimizer steps per round (H): bounds a round's compute, so max_round_train_time stays meaningful. */
#define MAX_INNER_STEPS 1024
#define MAX_ENDPOINT_LEN 64
#define MAX_URI_LEN 127
/** Epoch rewards are split pro rata to points (at most MAX_ROUNDS_PER_EPOCH per member): reward * points stays < 2^63. */
#define MAX_REWARD_PER_EPOCH (1ULL << 56)
#define BPS_DENOMINATOR 10000
/** An epoch's receipts can be challenged until the run's epoch counter passes epoch + CHALLENGE_WINDOW_EPOCHS. */
#define CHALLENGE_WINDOW_EPOCHS 1
/** An open challenge nobody resolved expires this many epoch_times after it opened: anyone may then reject it. */
#define CHALLENGE_TIMEOUT_EPOCH_TIMES 2
/** Withdraw waits until the epoch counter reaches leave_epoch + UNBONDING_EPOCHS + 1 (one full epoch after leaving). */
#define UNBONDING_EPOCHS 1
