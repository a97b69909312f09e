// Generated from programs/coordinator/idl.json by scripts/generateIdlModule.ts. DO NOT EDIT.
// The coordinator's IDL in the camelCase form @coral-xyz/anchor's client uses.

export const CONCORD_COORDINATOR_IDL = {
  address: "9QzudNr92RATf4sj12qmiwbJipLxJw6UbL1fCKSwE6BW",
  metadata: {
    name: "concordCoordinator",
    version: "0.2.0",
    spec: "0.1.0",
    description: "Concord training-run coordinator, written in C and linked by scripts/sbf-link",
  },
  instructions: [
    {
      name: "version",
      docs: ["Returns the program version so clients can check compatibility."],
      discriminator: [118, 65, 195, 198, 129, 216, 252, 192],
      accounts: [],
      args: [],
      returns: { defined: { name: "programVersion" } },
    },
    {
      name: "initializeRun",
      docs: ["Creates a run (first 10 KiB, rent paid for the full size) and its vault; extend_run completes it."],
      discriminator: [41, 107, 106, 65, 174, 229, 220, 97],
      accounts: [
        { name: "authority", writable: true, signer: true },
        {
          name: "run",
          writable: true,
          pda: {
            seeds: [
              { kind: "const", value: [114, 117, 110] },
              { kind: "arg", path: "runId" },
            ],
          },
        },
        {
          name: "vault",
          writable: true,
          pda: {
            seeds: [
              { kind: "const", value: [118, 97, 117, 108, 116] },
              { kind: "account", path: "run" },
            ],
          },
        },
        { name: "systemProgram", address: "11111111111111111111111111111111" },
      ],
      args: [
        { name: "runId", type: "u64" },
        { name: "config", type: { defined: { name: "runConfig" } } },
      ],
    },
    {
      name: "extendRun",
      docs: ["Grows a new run account by up to 10 KiB; at full size the run waits for members. Permissionless."],
      discriminator: [155, 216, 21, 238, 227, 183, 185, 22],
      accounts: [{ name: "run", writable: true }],
      args: [],
    },
    {
      name: "updateConfig",
      docs: ["Replaces the configuration while the run waits for members or is paused. Authority only."],
      discriminator: [29, 158, 252, 191, 10, 83, 219, 99],
      accounts: [
        { name: "authority", signer: true, relations: ["run"] },
        { name: "run", writable: true },
      ],
      args: [{ name: "config", type: { defined: { name: "runConfig" } } }],
    },
    {
      name: "pause",
      docs: ["Pauses the run; during a round the pause waits for the round's end. Authority only."],
      discriminator: [211, 22, 221, 251, 74, 121, 193, 47],
      accounts: [
        { name: "authority", signer: true, relations: ["run"] },
        { name: "run", writable: true },
      ],
      args: [],
    },
    {
      name: "resume",
      docs: ["Paused -> WaitingForMembers, or cancels a pending pause. Authority only."],
      discriminator: [1, 166, 51, 170, 127, 32, 141, 206],
      accounts: [
        { name: "authority", signer: true, relations: ["run"] },
        { name: "run", writable: true },
      ],
      args: [],
    },
    {
      name: "finish",
      docs: ["Finishes the run from any state, ending the epoch in progress. Authority only."],
      discriminator: [67, 74, 170, 132, 125, 233, 182, 37],
      accounts: [
        { name: "authority", signer: true, relations: ["run"] },
        { name: "run", writable: true },
      ],
      args: [],
    },
    {
      name: "tick",
      docs: ["Moves the run along its state machine when a transition is due (clock and counters). Permissionless."],
      discriminator: [92, 79, 44, 8, 101, 80, 63, 15],
      accounts: [{ name: "run", writable: true }],
      args: [],
    },
    {
      name: "fund",
      docs: ["Adds lamports to the run's reward pool."],
      discriminator: [218, 188, 111, 221, 152, 113, 174, 7],
      accounts: [
        { name: "funder", writable: true, signer: true },
        { name: "run", writable: true },
        {
          name: "vault",
          writable: true,
          pda: {
            seeds: [
              { kind: "const", value: [118, 97, 117, 108, 116] },
              { kind: "account", path: "run" },
            ],
          },
        },
        { name: "systemProgram", address: "11111111111111111111111111111111" },
      ],
      args: [{ name: "amount", type: "u64" }],
    },
    {
      name: "join",
      docs: ["Registers (stake >= min_stake) or updates a member; takes part from the next epoch start."],
      discriminator: [206, 55, 2, 106, 113, 220, 17, 163],
      accounts: [
        { name: "member", writable: true, signer: true },
        { name: "run", writable: true },
        {
          name: "vault",
          writable: true,
          pda: {
            seeds: [
              { kind: "const", value: [118, 97, 117, 108, 116] },
              { kind: "account", path: "run" },
            ],
          },
        },
        {
          name: "memberAccount",
          writable: true,
          pda: {
            seeds: [
              { kind: "const", value: [109, 101, 109, 98, 101, 114] },
              { kind: "account", path: "run" },
              { kind: "account", path: "member" },
            ],
          },
        },
        { name: "systemProgram", address: "11111111111111111111111111111111" },
      ],
      args: [
        { name: "endpoint", type: "string" },
        { name: "stake", type: "u64" },
      ],
    },
    {
      name: "leave",
      docs: ["Starts unbonding; the member stays in the epoch in progress."],
      discriminator: [59, 234, 148, 108, 107, 149, 173, 112],
      accounts: [
        { name: "member", signer: true },
        { name: "run", writable: true },
        {
          name: "memberAccount",
          writable: true,
          pda: {
            seeds: [
              { kind: "const", value: [109, 101, 109, 98, 101, 114] },
              { kind: "account", path: "run" },
              { kind: "account", path: "member" },
            ],
          },
        },
      ],
      args: [],
    },
    {
      name: "withdraw",
      docs: ["After unbonding: returns stake and unclaimed rewards, closes the member account, frees the slot."],
      discriminator: [183, 18, 70, 156, 148, 109, 161, 34],
      accounts: [
        { name: "member", writable: true, signer: true },
        { name: "run", writable: true },
        {
          name: "vault",
          writable: true,
          pda: {
            seeds: [
              { kind: "const", value: [118, 97, 117, 108, 116] },
              { kind: "account", path: "run" },
            ],
          },
        },
        {
          name: "memberAccount",
          writable: true,
          pda: {
            seeds: [
              { kind: "const", value: [109, 101, 109, 98, 101, 114] },
              { kind: "account", path: "run" },
              { kind: "account", path: "member" },
            ],
          },
        },
      ],
      args: [],
    },
    {
      name: "commit",
      docs: ["A member's receipt for its batch of the current round: update hash, size and training loss."],
      discriminator: [223, 140, 142, 165, 229, 208, 156, 74],
      accounts: [
        { name: "member", writable: true, signer: true },
        { name: "run", writable: true },
        {
          name: "receipts",
          docs: ['EpochReceipts PDA ["receipts", run, member, run.epoch u64 le], created on first use'],
          writable: true,
          pda: {
            seeds: [
              { kind: "const", value: [114, 101, 99, 101, 105, 112, 116, 115] },
              { kind: "account", path: "run" },
              { kind: "account", path: "member" },
              { kind: "account", path: "run.epoch", account: "run" },
            ],
          },
        },
        { name: "systemProgram", address: "11111111111111111111111111111111" },
      ],
      args: [
        { name: "step", type: "u64" },
        { name: "hash", type: { array: ["u8", 32] } },
        { name: "size", type: "u32" },
        { name: "loss", type: "f32" },
      ],
    },
    {
      name: "witness",
      docs: ["A round witness reports which receipts it received and checked; a quorum accepts a receipt."],
      discriminator: [213, 244, 149, 25, 142, 223, 21, 39],
      accounts: [
        { name: "witness", signer: true },
        { name: "run", writable: true },
      ],
      args: [
        { name: "step", type: "u64" },
        { name: "bitmap", type: { array: ["u8", 32] } },
        { name: "paramsHash", type: { option: { array: ["u8", 32] } } },
      ],
    },
    {
      name: "checkpoint",
      docs: ["Records the checkpoint (content hash, URI) new members start from. Authority only."],
      discriminator: [213, 200, 19, 204, 240, 143, 184, 252],
      accounts: [
        { name: "authority", signer: true, relations: ["run"] },
        { name: "run", writable: true },
      ],
      args: [
        { name: "epoch", type: "u64" },
        { name: "hash", type: { array: ["u8", 32] } },
        { name: "uri", type: "string" },
      ],
    },
    {
      name: "claim",
      docs: ["Pays the member's unclaimed rewards."],
      discriminator: [62, 198, 214, 193, 213, 159, 108, 210],
      accounts: [
        { name: "member", writable: true, signer: true },
        { name: "run", writable: true },
        {
          name: "vault",
          writable: true,
          pda: {
            seeds: [
              { kind: "const", value: [118, 97, 117, 108, 116] },
              { kind: "account", path: "run" },
            ],
          },
        },
        {
          name: "memberAccount",
          writable: true,
          pda: {
            seeds: [
              { kind: "const", value: [109, 101, 109, 98, 101, 114] },
              { kind: "account", path: "run" },
              { kind: "account", path: "member" },
            ],
          },
        },
      ],
      args: [],
    },
    {
      name: "challenge",
      docs: ["Disputes an accepted receipt with evidence, locking the run's challenge bond."],
      discriminator: [16, 107, 14, 39, 244, 150, 81, 187],
      accounts: [
        { name: "challenger", writable: true, signer: true },
        { name: "run", writable: true },
        {
          name: "receipts",
          docs: [
            "EpochReceipts of the accused member holding the receipt. The seeds name the current epoch's; a receipt of the previous epoch (still in the challenge window) needs that epoch's account passed: Anchor's seeds cannot name the epoch of a step",
          ],
          writable: true,
          pda: {
            seeds: [
              { kind: "const", value: [114, 101, 99, 101, 105, 112, 116, 115] },
              { kind: "account", path: "run" },
              { kind: "arg", path: "member" },
              { kind: "account", path: "run.epoch", account: "run" },
            ],
          },
        },
        {
          name: "challenge",
          writable: true,
          pda: {
            seeds: [
              { kind: "const", value: [99, 104, 97, 108, 108, 101, 110, 103, 101] },
              { kind: "account", path: "run" },
              { kind: "arg", path: "member" },
              { kind: "arg", path: "step" },
            ],
          },
        },
        { name: "systemProgram", address: "11111111111111111111111111111111" },
      ],
      args: [
        { name: "member", type: "pubkey" },
        { name: "step", type: "u64" },
        { name: "evidenceHash", type: { array: ["u8", 32] } },
      ],
    },
    {
      name: "resolveChallenge",
      docs: ["Authority verdict, or a stake-weighted auditor vote (2/3 to confirm, more than 1/3 to reject)."],
      discriminator: [81, 191, 124, 119, 131, 248, 157, 109],
      accounts: [
        { name: "resolver", signer: true },
        { name: "run", writable: true },
        {
          name: "vault",
          writable: true,
          pda: {
            seeds: [
              { kind: "const", value: [118, 97, 117, 108, 116] },
              { kind: "account", path: "run" },
            ],
          },
        },
        {
          name: "challenge",
          docs: ["Its seeds are its own fields (member, step): the one account a client passes"],
          writable: true,
          pda: {
            seeds: [
              { kind: "const", value: [99, 104, 97, 108, 108, 101, 110, 103, 101] },
              { kind: "account", path: "run" },
              { kind: "account", path: "challenge.member", account: "challenge" },
              { kind: "account", path: "challenge.step", account: "challenge" },
            ],
          },
        },
        {
          name: "memberAccount",
          docs: ["Member account of the accused"],
          writable: true,
          pda: {
            seeds: [
              { kind: "const", value: [109, 101, 109, 98, 101, 114] },
              { kind: "account", path: "run" },
              { kind: "account", path: "challenge.member", account: "challenge" },
            ],
          },
        },
        {
          name: "challenger",
          docs: ["The wallet that opened the challenge"],
          writable: true,
          relations: ["challenge"],
        },
      ],
      args: [{ name: "approve", type: "bool" }],
    },
  ],
  accounts: [
    { name: "run", discriminator: [199, 54, 155, 86, 235, 115, 246, 189] },
    { name: "member", discriminator: [54, 19, 162, 21, 29, 166, 17, 198] },
    { name: "vault", discriminator: [211, 8, 232, 43, 2, 152, 117, 119] },
    { name: "epochReceipts", discriminator: [127, 239, 141, 82, 74, 230, 141, 31] },
    { name: "challenge", discriminator: [119, 250, 161, 121, 119, 81, 22, 208] },
  ],
  events: [
    { name: "runInitialized", discriminator: [78, 115, 154, 42, 47, 117, 8, 83] },
    { name: "runExtended", discriminator: [46, 159, 171, 176, 4, 195, 247, 250] },
    { name: "configUpdated", discriminator: [40, 241, 230, 122, 11, 19, 198, 194] },
    { name: "stateChanged", discriminator: [0, 150, 55, 224, 43, 26, 214, 192] },
    { name: "pendingPauseChanged", discriminator: [224, 41, 184, 106, 5, 65, 240, 71] },
    { name: "roundStarted", discriminator: [180, 209, 2, 244, 238, 48, 170, 120] },
    { name: "epochStarted", discriminator: [46, 87, 217, 228, 8, 115, 2, 97] },
    { name: "epochMemberRemoved", discriminator: [195, 111, 19, 220, 87, 143, 37, 97] },
    { name: "funded", discriminator: [67, 84, 56, 88, 192, 12, 201, 177] },
    { name: "memberJoined", discriminator: [156, 199, 149, 88, 193, 203, 191, 210] },
    { name: "memberLeft", discriminator: [48, 83, 72, 92, 111, 227, 133, 142] },
    { name: "stakeWithdrawn", discriminator: [33, 120, 159, 58, 140, 255, 174, 79] },
    { name: "receiptCommitted", discriminator: [21, 39, 220, 84, 163, 1, 110, 196] },
    { name: "witnessSubmitted", discriminator: [60, 218, 33, 92, 86, 7, 57, 141] },
    { name: "epochEnded", discriminator: [111, 40, 102, 241, 173, 233, 164, 252] },
    { name: "checkpointRecorded", discriminator: [157, 192, 91, 196, 149, 33, 47, 247] },
    { name: "rewardsClaimed", discriminator: [75, 98, 88, 18, 219, 112, 88, 121] },
    { name: "challengeOpened", discriminator: [42, 83, 165, 62, 80, 17, 63, 181] },
    { name: "challengeVoted", discriminator: [157, 107, 251, 245, 252, 217, 120, 154] },
    { name: "challengeResolved", discriminator: [100, 153, 38, 123, 172, 250, 166, 105] },
  ],
  errors: [
    { code: 6000, name: "tooManyAccounts", msg: "the transaction passed more accounts than any instruction takes" },
    {
      code: 6001,
      name: "invalidInstructionData",
      msg: "instruction arguments are truncated, malformed or have trailing bytes",
    },
    { code: 6002, name: "notEnoughAccounts", msg: "the instruction needs more accounts than were passed" },
    { code: 6003, name: "missingSigner", msg: "an account that must sign did not" },
    { code: 6004, name: "accountNotWritable", msg: "an account the instruction writes was passed read-only" },
    { code: 6005, name: "wrongAccountOwner", msg: "the account is not owned by the program that should own it" },
    { code: 6006, name: "wrongAccountType", msg: "the account's discriminator names another account type" },
    {
      code: 6007,
      name: "unsupportedAccountVersion",
      msg: "the account's layout version is not one this program reads",
    },
    { code: 6008, name: "invalidPda", msg: "the address is not the canonical program-derived address" },
    { code: 6009, name: "wrongAccountSize", msg: "the account's data length does not match its type" },
    { code: 6010, name: "wrongProgramAccount", msg: "a program account (system program) has the wrong address" },
    { code: 6011, name: "accountAlreadyInitialized", msg: "the account to create already exists" },
    { code: 6012, name: "duplicateAccount", msg: "the same account was passed in two roles" },
    { code: 6013, name: "arithmeticOverflow", msg: "an amount or counter would overflow" },
    { code: 6014, name: "unauthorized", msg: "only the run authority may do this" },
    {
      code: 6015,
      name: "invalidConfigTiming",
      msg: "warmup, round, witness, cooldown or epoch times are inconsistent",
    },
    { code: 6016, name: "invalidConfigMembers", msg: "member counts or witness count are out of range" },
    {
      code: 6017,
      name: "invalidConfigTraining",
      msg: "steps, rounds per epoch, batch, learning rate or hashes are invalid",
    },
    { code: 6018, name: "invalidConfigDemo", msg: "DeMo chunk, top-k or decay are invalid" },
    { code: 6019, name: "invalidConfigEconomics", msg: "stake, reward, bond or slash settings are invalid" },
    { code: 6020, name: "invalidRunState", msg: "the instruction is not allowed in the run's current state" },
    {
      code: 6021,
      name: "runNotHalted",
      msg: "the configuration changes only while the run waits for members or is paused",
    },
    { code: 6022, name: "runFinished", msg: "the run has finished" },
    { code: 6023, name: "alreadyPaused", msg: "the run is paused or a pause is already pending" },
    { code: 6024, name: "notPaused", msg: "the run is not paused and no pause is pending" },
    { code: 6025, name: "noTransitionDue", msg: "tick: no state transition is due at this time" },
    { code: 6026, name: "runFull", msg: "the run has no free member slot" },
    { code: 6027, name: "stakeTooLow", msg: "the stake is below the run's minimum" },
    { code: 6028, name: "notAMember", msg: "the key is not a registered member of this run" },
    { code: 6029, name: "memberNotActive", msg: "the member is already leaving" },
    { code: 6030, name: "stillUnbonding", msg: "the member's unbonding epoch has not passed" },
    { code: 6031, name: "notLeaving", msg: "withdraw needs a prior leave" },
    { code: 6032, name: "challengePending", msg: "a challenge against the member is still open" },
    { code: 6033, name: "nothingToClaim", msg: "the member has no unclaimed rewards" },
    { code: 6034, name: "endpointTooLong", msg: "the endpoint is empty or longer than 64 bytes" },
    {
      code: 6035,
      name: "wrongStep",
      msg: "the step is not the run's current round, or the round is not open for this",
    },
    { code: 6036, name: "notInEpoch", msg: "the member does not take part in the current epoch" },
    { code: 6037, name: "alreadyCommitted", msg: "the member already committed a receipt for this step" },
    { code: 6038, name: "invalidLoss", msg: "the loss is NaN, infinite or negative" },
    { code: 6039, name: "invalidReceipt", msg: "the receipt's hash is zero or its size is zero" },
    { code: 6040, name: "notAWitness", msg: "the signer is not one of this round's witnesses" },
    { code: 6041, name: "alreadyWitnessed", msg: "this witness already submitted for this round" },
    { code: 6042, name: "invalidWitnessBitmap", msg: "the bitmap names a member without a receipt this round" },
    { code: 6043, name: "receiptsFull", msg: "the epoch receipts account is full" },
    { code: 6044, name: "insufficientFunds", msg: "the payer cannot cover the amount" },
    { code: 6045, name: "receiptNotFound", msg: "no receipt for that step in the given epoch receipts" },
    { code: 6046, name: "receiptNotAccepted", msg: "only receipts accepted by a witness quorum can be challenged" },
    { code: 6047, name: "challengeWindowClosed", msg: "the receipt's epoch is older than the challenge window" },
    { code: 6048, name: "challengeResolved", msg: "the challenge is already resolved" },
    { code: 6049, name: "alreadyVoted", msg: "this auditor already voted on the challenge" },
    { code: 6050, name: "selfChallenge", msg: "a member cannot challenge or judge its own receipt" },
    { code: 6051, name: "wrongChallenger", msg: "the challenger account is not the one that opened the challenge" },
    {
      code: 6052,
      name: "invalidCheckpoint",
      msg: "the checkpoint epoch is in the future or not newer than the last one",
    },
    { code: 6053, name: "uriTooLong", msg: "the checkpoint URI is empty or longer than 127 bytes" },
    { code: 6054, name: "invalidAmount", msg: "the amount must be greater than zero" },
    { code: 6055, name: "runNotReady", msg: "the run account is not fully allocated yet (extend_run)" },
    { code: 6056, name: "runAlreadySized", msg: "the run account already has its full size" },
    { code: 6060, name: "invalidConfigInnerSteps", msg: "inner steps per round are out of range" },
    { code: 6061, name: "invalidConfigValueBits", msg: "the update value width is not 1, 2, 16 or 32 bits" },
    { code: 6062, name: "invalidConfigOuterOptimizer", msg: "the outer learning rate or momentum is out of range" },
    { code: 6065, name: "authorityIsParty", msg: "the run authority cannot judge a challenge against its own receipt" },
    { code: 6066, name: "witnessSlashed", msg: "the witness was slashed this round: its seat no longer counts" },
  ],
  types: [
    {
      name: "programVersion",
      type: {
        kind: "struct",
        fields: [
          { name: "major", type: "u16" },
          { name: "minor", type: "u16" },
          { name: "patch", type: "u16" },
        ],
      },
    },
    {
      name: "runState",
      type: {
        kind: "enum",
        variants: [
          { name: "uninitialized" },
          { name: "waitingForMembers" },
          { name: "warmup" },
          { name: "roundTrain" },
          { name: "roundWitness" },
          { name: "cooldown" },
          { name: "finished" },
          { name: "paused" },
        ],
      },
    },
    {
      name: "memberStatus",
      type: { kind: "enum", variants: [{ name: "free" }, { name: "active" }, { name: "leaving" }] },
    },
    {
      name: "receiptStatus",
      type: { kind: "enum", variants: [{ name: "pending" }, { name: "accepted" }, { name: "rejected" }] },
    },
    {
      name: "challengeStatus",
      type: { kind: "enum", variants: [{ name: "open" }, { name: "confirmed" }, { name: "rejected" }] },
    },
    {
      name: "runConfig",
      type: {
        kind: "struct",
        fields: [
          { name: "totalSteps", type: "u64", docs: ["the run finishes after this many rounds"] },
          { name: "minStake", type: "u64", docs: ["lamports"] },
          { name: "rewardPerEpoch", type: "u64", docs: ["lamports split pro rata to an epoch's points, at most 2^56"] },
          { name: "challengeBond", type: "u64", docs: ["lamports a challenger locks"] },
          { name: "modelHash", type: { array: ["u8", 32] } },
          { name: "datasetHash", type: { array: ["u8", 32] } },
          { name: "warmupTime", type: "u32", docs: ["seconds"] },
          { name: "cooldownTime", type: "u32", docs: ["seconds"] },
          { name: "maxRoundTrainTime", type: "u32", docs: ["seconds"] },
          { name: "roundWitnessTime", type: "u32", docs: ["seconds"] },
          { name: "epochTime", type: "u32", docs: ["seconds from warmup start after which no round starts"] },
          { name: "globalBatchSize", type: "u32", docs: ["sequences per step"] },
          { name: "sequenceLength", type: "u32", docs: ["tokens per sequence"] },
          { name: "learningRate", type: "f32" },
          { name: "demoDecay", type: "f32", docs: ["in (0, 1)"] },
          {
            name: "outerLearningRate",
            type: "f32",
            docs: ["in (0, 16]: the step applied to a round's aggregated update"],
          },
          { name: "outerMomentum", type: "f32", docs: ["in [0, 1): momentum across rounds of the outer step"] },
          { name: "minClients", type: "u16" },
          { name: "initMinClients", type: "u16" },
          { name: "witnessNodes", type: "u16" },
          { name: "roundsPerEpoch", type: "u16", docs: ["1..64"] },
          { name: "innerSteps", type: "u16", docs: ["H: local optimizer steps per round, 1..1024"] },
          { name: "demoChunk", type: "u16", docs: ["power of two in [2, 256]"] },
          { name: "demoTopK", type: "u16", docs: ["1..demo_chunk^2"] },
          { name: "slashBps", type: "u16", docs: ["1..10000"] },
          {
            name: "valueBits",
            type: "u8",
            docs: ["how update values travel: 1 (sign), 2 (2-bit scaled), 16 (f16) or 32 (f32)"],
          },
          { name: "padding", type: { array: ["u8", 3] } },
        ],
      },
    },
    {
      name: "checkpoint",
      type: {
        kind: "struct",
        fields: [
          { name: "epoch", type: "u64" },
          { name: "step", type: "u64" },
          { name: "hash", type: { array: ["u8", 32] } },
          { name: "uriLen", type: "u8" },
          { name: "uri", type: { array: ["u8", 127] } },
        ],
      },
    },
    {
      name: "roundWitness",
      type: {
        kind: "struct",
        fields: [
          { name: "slot", type: "u16" },
          { name: "submitted", type: "bool" },
          { name: "hasParamsHash", type: "bool" },
          { name: "paramsHash", type: { array: ["u8", 32] } },
        ],
      },
    },
    {
      name: "runMember",
      type: {
        kind: "struct",
        fields: [
          { name: "key", type: "pubkey" },
          { name: "stake", type: "u64" },
          { name: "rewardsOwed", type: "u64" },
          { name: "acceptedRounds", type: "u64", docs: ["bit r: round r of this epoch accepted"] },
          { name: "prevAcceptedRounds", type: "u64" },
          { name: "epochPoints", type: "u32" },
          { name: "status", type: { defined: { name: "memberStatus" } } },
          { name: "inEpoch", type: "bool" },
          { name: "openChallenges", type: "u8" },
          { name: "padding", type: "u8" },
        ],
      },
    },
    {
      name: "roundReceipt",
      type: {
        kind: "struct",
        fields: [
          { name: "hash", type: { array: ["u8", 32] } },
          { name: "size", type: "u32" },
          { name: "loss", type: "f32" },
          { name: "witnessCount", type: "u8" },
          { name: "committed", type: "bool" },
          { name: "accepted", type: "bool" },
          { name: "padding", type: "u8" },
        ],
      },
    },
    {
      name: "run",
      type: {
        kind: "struct",
        fields: [
          { name: "version", type: "u8" },
          { name: "bump", type: "u8" },
          { name: "vaultBump", type: "u8" },
          { name: "state", type: { defined: { name: "runState" } } },
          { name: "pendingPause", type: "bool" },
          { name: "roundWitnessCount", type: "u8" },
          { name: "witnessesSubmitted", type: "u8" },
          { name: "padding", type: "u8" },
          { name: "authority", type: "pubkey" },
          { name: "runId", type: "u64" },
          { name: "config", type: { defined: { name: "runConfig" } } },
          { name: "epoch", type: "u64" },
          { name: "step", type: "u64" },
          { name: "stateStartedAt", type: "i64" },
          { name: "epochStartedAt", type: "i64" },
          { name: "seed", type: { array: ["u8", 32] } },
          {
            name: "dataSeed",
            type: { array: ["u8", 32] },
            docs: ["the previous round's seed: assigns the current round's rows"],
          },
          { name: "totalStake", type: "u64" },
          { name: "rewardPool", type: "u64" },
          { name: "rewardsOwed", type: "u64" },
          { name: "epochPoints", type: "u64" },
          { name: "round", type: "u16" },
          { name: "memberCount", type: "u16" },
          { name: "epochMemberCount", type: "u16" },
          { name: "committedCount", type: "u16" },
          { name: "checkpoint", type: { defined: { name: "checkpoint" } } },
          { name: "witnesses", type: { array: [{ defined: { name: "roundWitness" } }, 32] } },
          { name: "members", type: { array: [{ defined: { name: "runMember" } }, 256] } },
          { name: "roundReceipts", type: { array: [{ defined: { name: "roundReceipt" } }, 256] } },
        ],
      },
    },
    {
      name: "member",
      type: {
        kind: "struct",
        fields: [
          { name: "version", type: "u8" },
          { name: "bump", type: "u8" },
          { name: "slot", type: "u16" },
          { name: "endpointLen", type: "u8" },
          { name: "padding", type: { array: ["u8", 3] } },
          { name: "run", type: "pubkey" },
          { name: "key", type: "pubkey" },
          { name: "joinedEpoch", type: "u64" },
          { name: "leaveEpoch", type: "u64" },
          { name: "leftAt", type: "i64" },
          { name: "rewardsClaimed", type: "u64" },
          { name: "slashed", type: "u64" },
          { name: "endpoint", type: { array: ["u8", 64] } },
        ],
      },
    },
    {
      name: "vault",
      type: {
        kind: "struct",
        fields: [
          { name: "version", type: "u8" },
          { name: "bump", type: "u8" },
          { name: "padding", type: { array: ["u8", 6] } },
          { name: "run", type: "pubkey" },
        ],
      },
    },
    {
      name: "receipt",
      type: {
        kind: "struct",
        fields: [
          { name: "step", type: "u64" },
          { name: "hash", type: { array: ["u8", 32] } },
          { name: "size", type: "u32" },
          { name: "loss", type: "f32" },
          { name: "round", type: "u16" },
          { name: "accepted", type: { defined: { name: "receiptStatus" } } },
          { name: "padding", type: { array: ["u8", 5] } },
        ],
      },
    },
    {
      name: "epochReceipts",
      type: {
        kind: "struct",
        fields: [
          { name: "version", type: "u8" },
          { name: "bump", type: "u8" },
          { name: "capacity", type: "u16" },
          { name: "padding", type: { array: ["u8", 4] } },
          { name: "run", type: "pubkey" },
          { name: "member", type: "pubkey" },
          { name: "epoch", type: "u64" },
          { name: "padding2", type: { array: ["u8", 4] } },
          { name: "receipts", type: { vec: { defined: { name: "receipt" } } } },
        ],
      },
    },
    {
      name: "challenge",
      type: {
        kind: "struct",
        fields: [
          { name: "version", type: "u8" },
          { name: "bump", type: "u8" },
          { name: "status", type: { defined: { name: "challengeStatus" } } },
          { name: "padding", type: "u8" },
          { name: "memberSlot", type: "u16" },
          { name: "padding2", type: { array: ["u8", 2] } },
          { name: "run", type: "pubkey" },
          { name: "member", type: "pubkey" },
          { name: "challenger", type: "pubkey" },
          { name: "step", type: "u64" },
          { name: "epoch", type: "u64" },
          { name: "bond", type: "u64" },
          { name: "evidenceHash", type: { array: ["u8", 32] } },
          { name: "stakeFor", type: "u64" },
          { name: "stakeAgainst", type: "u64" },
          { name: "stakeEligible", type: "u64" },
          { name: "openedAt", type: "i64" },
          { name: "voted", type: { array: ["u8", 32] } },
        ],
      },
    },
    {
      name: "runInitialized",
      type: {
        kind: "struct",
        fields: [
          { name: "run", type: "pubkey" },
          { name: "authority", type: "pubkey" },
          { name: "runId", type: "u64" },
        ],
      },
    },
    {
      name: "runExtended",
      type: {
        kind: "struct",
        fields: [
          { name: "run", type: "pubkey" },
          { name: "dataLen", type: "u32" },
          { name: "ready", type: "bool" },
        ],
      },
    },
    {
      name: "configUpdated",
      type: {
        kind: "struct",
        fields: [
          { name: "run", type: "pubkey" },
          { name: "config", type: { defined: { name: "runConfig" } } },
        ],
      },
    },
    {
      name: "stateChanged",
      type: {
        kind: "struct",
        fields: [
          { name: "run", type: "pubkey" },
          { name: "from", type: { defined: { name: "runState" } } },
          { name: "to", type: { defined: { name: "runState" } } },
          { name: "epoch", type: "u64" },
          { name: "step", type: "u64" },
          { name: "round", type: "u16" },
          { name: "timestamp", type: "i64" },
        ],
      },
    },
    {
      name: "pendingPauseChanged",
      type: {
        kind: "struct",
        fields: [
          { name: "run", type: "pubkey" },
          { name: "pending", type: "bool" },
        ],
      },
    },
    {
      name: "roundStarted",
      type: {
        kind: "struct",
        fields: [
          { name: "run", type: "pubkey" },
          { name: "epoch", type: "u64" },
          { name: "step", type: "u64" },
          { name: "round", type: "u16" },
          { name: "seed", type: { array: ["u8", 32] } },
          { name: "witnessCount", type: "u8" },
          { name: "witnesses", type: { array: ["u16", 32] } },
        ],
      },
    },
    {
      name: "epochStarted",
      type: {
        kind: "struct",
        fields: [
          { name: "run", type: "pubkey" },
          { name: "epoch", type: "u64" },
          { name: "step", type: "u64" },
          { name: "members", type: { array: ["u8", 32] } },
          { name: "memberCount", type: "u16" },
        ],
      },
    },
    {
      name: "epochMemberRemoved",
      type: {
        kind: "struct",
        fields: [
          { name: "run", type: "pubkey" },
          { name: "epoch", type: "u64" },
          { name: "step", type: "u64" },
          { name: "slot", type: "u16" },
        ],
      },
    },
    {
      name: "funded",
      type: {
        kind: "struct",
        fields: [
          { name: "run", type: "pubkey" },
          { name: "funder", type: "pubkey" },
          { name: "amount", type: "u64" },
          { name: "rewardPool", type: "u64" },
        ],
      },
    },
    {
      name: "memberJoined",
      type: {
        kind: "struct",
        fields: [
          { name: "run", type: "pubkey" },
          { name: "member", type: "pubkey" },
          { name: "slot", type: "u16" },
          { name: "stakeAdded", type: "u64" },
          { name: "stake", type: "u64" },
        ],
      },
    },
    {
      name: "memberLeft",
      type: {
        kind: "struct",
        fields: [
          { name: "run", type: "pubkey" },
          { name: "member", type: "pubkey" },
          { name: "slot", type: "u16" },
          { name: "leaveEpoch", type: "u64" },
        ],
      },
    },
    {
      name: "stakeWithdrawn",
      type: {
        kind: "struct",
        fields: [
          { name: "run", type: "pubkey" },
          { name: "member", type: "pubkey" },
          { name: "slot", type: "u16" },
          { name: "stake", type: "u64" },
          { name: "rewards", type: "u64" },
        ],
      },
    },
    {
      name: "receiptCommitted",
      type: {
        kind: "struct",
        fields: [
          { name: "run", type: "pubkey" },
          { name: "member", type: "pubkey" },
          { name: "slot", type: "u16" },
          { name: "epoch", type: "u64" },
          { name: "step", type: "u64" },
          { name: "round", type: "u16" },
          { name: "hash", type: { array: ["u8", 32] } },
          { name: "size", type: "u32" },
          { name: "loss", type: "f32" },
        ],
      },
    },
    {
      name: "witnessSubmitted",
      type: {
        kind: "struct",
        fields: [
          { name: "run", type: "pubkey" },
          { name: "witness", type: "pubkey" },
          { name: "step", type: "u64" },
          { name: "bitmap", type: { array: ["u8", 32] } },
          { name: "newlyAccepted", type: { array: ["u8", 32] } },
          { name: "hasParamsHash", type: "bool" },
          { name: "paramsHash", type: { array: ["u8", 32] } },
        ],
      },
    },
    {
      name: "epochEnded",
      type: {
        kind: "struct",
        fields: [
          { name: "run", type: "pubkey" },
          { name: "epoch", type: "u64" },
          { name: "rounds", type: "u16" },
          { name: "points", type: "u64" },
          { name: "rewards", type: "u64" },
        ],
      },
    },
    {
      name: "checkpointRecorded",
      type: {
        kind: "struct",
        fields: [
          { name: "run", type: "pubkey" },
          { name: "epoch", type: "u64" },
          { name: "step", type: "u64" },
          { name: "hash", type: { array: ["u8", 32] } },
        ],
      },
    },
    {
      name: "rewardsClaimed",
      type: {
        kind: "struct",
        fields: [
          { name: "run", type: "pubkey" },
          { name: "member", type: "pubkey" },
          { name: "amount", type: "u64" },
        ],
      },
    },
    {
      name: "challengeOpened",
      type: {
        kind: "struct",
        fields: [
          { name: "run", type: "pubkey" },
          { name: "challenge", type: "pubkey" },
          { name: "challenger", type: "pubkey" },
          { name: "member", type: "pubkey" },
          { name: "epoch", type: "u64" },
          { name: "step", type: "u64" },
          { name: "evidenceHash", type: { array: ["u8", 32] } },
          { name: "bond", type: "u64" },
        ],
      },
    },
    {
      name: "challengeVoted",
      type: {
        kind: "struct",
        fields: [
          { name: "run", type: "pubkey" },
          { name: "challenge", type: "pubkey" },
          { name: "voter", type: "pubkey" },
          { name: "approve", type: "bool" },
          { name: "stakeFor", type: "u64" },
          { name: "stakeAgainst", type: "u64" },
        ],
      },
    },
    {
      name: "challengeResolved",
      type: {
        kind: "struct",
        fields: [
          { name: "run", type: "pubkey" },
          { name: "challenge", type: "pubkey" },
          { name: "member", type: "pubkey" },
          { name: "step", type: "u64" },
          { name: "confirmed", type: "bool" },
          { name: "slashed", type: "u64" },
          { name: "challengerReward", type: "u64" },
        ],
      },
    },
  ],
} as const;

type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> };
/** The IDL type for `Program<ConcordCoordinator>` (Anchor's types expect mutable arrays). */
export type ConcordCoordinator = Mutable<typeof CONCORD_COORDINATOR_IDL>;
