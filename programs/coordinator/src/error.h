/**
 * @brief Custom program error codes (the lower 32 bits of a result; Anchor clients show them as custom errors).
 *
 * Codes are explicitly numbered, grouped in fives, and never renumbered or reused: clients and the IDL's
 * `errors` table depend on them (tests/coordinator-idl.test.ts checks that both agree). Anchor's framework range is
 * used only for InstructionFallbackNotFound (101), which Anchor clients already decode. Every failing check logs
 * its reason with sol_log before returning its code, so a transaction's logs say which rule refused it.
 */
#pragma once

#define ERROR_INSTRUCTION_FALLBACK_NOT_FOUND 101

typedef enum {
  /* 6000: instruction shape */
  ConcordError_TooManyAccounts = 6000,        /** the transaction passed more accounts than any instruction takes */
  ConcordError_InvalidInstructionData = 6001, /** instruction arguments are truncated, malformed or have trailing bytes */
  ConcordError_NotEnoughAccounts = 6002,      /** the instruction needs more accounts than were passed */
  ConcordError_MissingSigner = 6003,          /** an account that must sign did not */
  ConcordError_AccountNotWritable = 6004,     /** an account the instruction writes was passed read-only */
  /* 6005: account identity */
  ConcordError_WrongAccountOwner = 6005,         /** the account is not owned by the program that should own it */
  ConcordError_WrongAccountType = 6006,          /** the account's discriminator names another account type */
  ConcordError_UnsupportedAccountVersion = 6007, /** the account's layout version is not one this program reads */
  ConcordError_InvalidPda = 6008,                /** the address is not the canonical program-derived address */
  ConcordError_WrongAccountSize = 6009,          /** the account's data length does not match its type */
  /* 6010: account relations and arithmetic */
  ConcordError_WrongProgramAccount = 6010,       /** a program account (system program) has the wrong address */
  ConcordError_AccountAlreadyInitialized = 6011, /** the account to create already exists */
  ConcordError_DuplicateAccount = 6012,          /** the same account was passed in two roles */
  ConcordError_ArithmeticOverflow = 6013,        /** an amount or counter would overflow */
  ConcordError_Unauthorized = 6014,              /** only the run authority may do this */
  /* 6015: run configuration */
  ConcordError_InvalidConfigTiming = 6015,    /** warmup, round, witness, cooldown or epoch times are inconsistent */
  ConcordError_InvalidConfigMembers = 6016,   /** member counts or witness count are out of range */
  ConcordError_InvalidConfigTraining = 6017,  /** steps, rounds per epoch, batch, learning rate or hashes are invalid */
  ConcordError_InvalidConfigDemo = 6018,      /** DeMo chunk, top-k or decay are invalid */
  ConcordError_InvalidConfigEconomics = 6019, /** stake, reward, bond or slash settings are invalid */
  /* 6020: run state */
  ConcordError_InvalidRunState = 6020, /** the instruction is not allowed in the run's current state */
  ConcordError_RunNotHalted = 6021,    /** the configuration changes only while the run waits for members or is paused */
  ConcordError_RunFinished = 6022,     /** the run has finished */
  ConcordError_AlreadyPaused = 6023,   /** the run is paused or a pause is already pending */
  ConcordError_NotPaused = 6024,       /** the run is not paused and no pause is pending */
  /* 6025: membership */
  ConcordError_NoTransitionDue = 6025, /** tick: no state transition is due at this time */
  ConcordError_RunFull = 6026,         /** the run has no free member slot */
  ConcordError_StakeTooLow = 6027,     /** the stake is below the run's minimum */
  ConcordError_NotAMember = 6028,      /** the key is not a registered member of this run */
  ConcordError_MemberNotActive = 6029, /** the member is already leaving */
  /* 6030: stake and rewards */
  ConcordError_StillUnbonding = 6030,   /** the member's unbonding epoch has not passed */
  ConcordError_NotLeaving = 6031,       /** withdraw needs a prior leave */
  ConcordError_ChallengePending = 6032, /** a challenge against the member is still open */
  ConcordError_NothingToClaim = 6033,   /** the member has no unclaimed rewards */
  ConcordError_EndpointTooLong = 6034,  /** the endpoint is empty or longer than 64 bytes */
  /* 6035: receipts */
  ConcordError_WrongStep = 6035,       /** the step is not the run's current round, or the round is not open for this */
  ConcordError_NotInEpoch = 6036,      /** the member does not take part in the current epoch */
  ConcordError_AlreadyCommitted = 6037, /** the member already committed a receipt for this step */
  ConcordError_InvalidLoss = 6038,     /** the loss is NaN, infinite or negative */
  ConcordError_InvalidReceipt = 6039,  /** the receipt's hash is zero or its size is zero */
  /* 6040: witnesses */
  ConcordError_NotAWitness = 6040,          /** the signer is not one of this round's witnesses */
  ConcordError_AlreadyWitnessed = 6041,     /** this witness already submitted for this round */
  ConcordError_InvalidWitnessBitmap = 6042, /** the bitmap names a member without a receipt this round */
  ConcordError_ReceiptsFull = 6043,         /** the epoch receipts account is full */
  ConcordError_InsufficientFunds = 6044,    /** the payer cannot cover the amount */
  /* 6045: challenges */
  ConcordError_ReceiptNotFound = 6045,       /** no receipt for that step in the given epoch receipts */
  ConcordError_ReceiptNotAccepted = 6046,    /** only receipts accepted by a witness quorum can be challenged */
  ConcordError_ChallengeWindowClosed = 6047, /** the receipt's epoch is older than the challenge window */
  ConcordError_ChallengeResolved = 6048,     /** the challenge is already resolved */
  ConcordError_AlreadyVoted = 6049,          /** this auditor already voted on the challenge */
  /* 6050: challenges and checkpoints */
  ConcordError_SelfChallenge = 6050,     /** a member cannot challenge or judge its own receipt */
  ConcordError_WrongChallenger = 6051,   /** the challenger account is not the one that opened the challenge */
  ConcordError_InvalidCheckpoint = 6052, /** the checkpoint epoch is in the future or not newer than the last one */
  ConcordError_UriTooLong = 6053,        /** the checkpoint URI is empty or longer than 127 bytes */
  ConcordError_InvalidAmount = 6054,     /** the amount must be greater than zero */
  /* 6055: run account lifecycle */
  ConcordError_RunNotReady = 6055,     /** the run account is not fully allocated yet (extend_run) */
  ConcordError_RunAlreadySized = 6056, /** the run account already has its full size */
  /* 6060: rounds of inner steps */
  ConcordError_InvalidConfigInnerSteps = 6060,     /** inner steps per round are out of range */
  ConcordError_InvalidConfigValueBits = 6061,      /** the update value width is not 1, 2, 16 or 32 bits */
  ConcordError_InvalidConfigOuterOptimizer = 6062, /** the outer learning rate or momentum is out of range */
  /* 6065: parties to a dispute */
  ConcordError_AuthorityIsParty = 6065, /** the run authority cannot judge a challenge against its own receipt */
  ConcordError_WitnessSlashed = 6066,   /** the witness was slashed this round: its seat no longer counts */
} ConcordError;
