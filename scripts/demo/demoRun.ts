// The demo's run creator: the recipe and on-chain configuration of a small DeMo run, created and funded on a cluster.
// What `concord run create` will do from a config file; here the demo, the network test and the bench share it.
import { BN } from "@coral-xyz/anchor";
import type { Connection, Keypair, PublicKey } from "@solana/web3.js";
import { LAMPORTS_PER_SOL } from "@solana/web3.js";
import type { RunConfig } from "../../sdk/coordinatorAccounts";
import * as ix from "../../sdk/coordinatorInstructions";
import { coordinatorProgram } from "../../sdk/coordinatorProgram";
import { vocabSize } from "../../sdk/data/datasetManifest";
import type { RoundRecipe, TrainingRecipe } from "../../sdk/trainingRecipe";
import { DEMO_ROUND, RECIPE_VERSION, recipeHash } from "../../sdk/trainingRecipe";
import { TransactionSender } from "../../sdk/transactionSender";
import { providerFor } from "../../coordinator/localnet/localnetClient";
import type { Dataset } from "../../trainer/data/tokenShards";

const SOL = BigInt(LAMPORTS_PER_SOL);

export interface DemoRunOptions {
  readonly dataset: Dataset;
  readonly members: number;
  readonly rounds: number;
  /** Sequences per round, split among the members by the round seed. */
  readonly globalBatchSize?: number;
  readonly model?: Partial<TrainingRecipe["model"]>;
  readonly learningRate?: number;
  /** Warm-up steps of the cosine schedule (default 2, fewer for runs of 1-2 rounds). */
  readonly warmupSteps?: number;
  /** DeMo coefficients sent per chunk (default 16). */
  readonly demoTopK?: number;
  readonly initSeed?: number;
  /** Rounds per epoch (at most 64; default min(rounds, 64)). */
  readonly roundsPerEpoch?: number;
  /** Local optimizer steps per round, H (default 1: one step per round, today's DeMo). */
  readonly innerSteps?: number;
  /** Width of the update values: 1 (sign, the default), 2, 16 or 32 bits. */
  readonly valueBits?: number;
  /** The outer step's learning rate (default the run's learning rate). */
  readonly outerLearningRate?: number;
  /** The outer step's momentum (default 0). */
  readonly outerMomentum?: number;
  /** Members an epoch after the first needs (default all of them): fewer lets the run go on after some leave. */
  readonly minClients?: number;
  /** Witnesses drawn per round (default min(2, members)). */
  readonly witnessNodes?: number;
  /** Error-feedback (DeMo momentum) decay per round (default 0.999). */
  readonly demoDecay?: number;
  /** The round's recipe choices (default: DeMo's one step: gradient, DCT, sign descent, mean). */
  readonly round?: Partial<RoundRecipe>;
  /** Phase limits in seconds, where a run must not wait long for a member that is gone (fault tests). */
  readonly times?: Partial<Pick<RunConfig, "maxRoundTrainTime" | "roundWitnessTime" | "cooldownTime">>;
}

export interface DemoRun {
  readonly run: PublicKey;
  readonly recipe: TrainingRecipe;
  readonly config: RunConfig;
}

/** The demo's recipe: a small transformer, cosine schedule to total steps, DeMo's round unless told otherwise. */
export function demoRecipe(o: DemoRunOptions): TrainingRecipe {
  const lr = o.learningRate ?? 4e-3;
  return {
    version: RECIPE_VERSION,
    model: {
      vocabSize: vocabSize(o.dataset.manifest.tokenizer),
      contextLength: 64,
      layers: 2,
      heads: 4,
      width: 64,
      ...o.model,
    },
    initSeed: o.initSeed ?? 1,
    schedule: {
      kind: "cosine",
      lr,
      minLr: lr / 10,
      warmupSteps: o.warmupSteps ?? Math.min(2, o.rounds - 1),
      totalSteps: o.rounds,
    },
    round: { ...DEMO_ROUND, ...o.round },
  };
}

/** Creates, configures and funds the run as `authority`; every member is needed, two witnesses (quorum 2). */
export async function createDemoRun(connection: Connection, authority: Keypair, o: DemoRunOptions): Promise<DemoRun> {
  const program = coordinatorProgram(providerFor(connection, authority));
  const sender = new TransactionSender(connection, authority);
  const recipe = demoRecipe(o);
  const config: RunConfig = {
    totalSteps: new BN(o.rounds),
    minStake: new BN((SOL / 10n).toString()),
    rewardPerEpoch: new BN((SOL / 2n).toString()),
    challengeBond: new BN((SOL / 100n).toString()),
    modelHash: Array.from(recipeHash(recipe)),
    datasetHash: Array.from(Buffer.from(o.dataset.hash, "hex")),
    warmupTime: 1,
    cooldownTime: 1,
    maxRoundTrainTime: 120,
    roundWitnessTime: 60,
    ...o.times,
    epochTime: 3600,
    globalBatchSize: o.globalBatchSize ?? 12,
    sequenceLength: recipe.model.contextLength,
    learningRate: recipe.schedule.lr,
    demoDecay: o.demoDecay ?? 0.999,
    outerLearningRate: o.outerLearningRate ?? recipe.schedule.lr,
    outerMomentum: o.outerMomentum ?? 0,
    minClients: o.minClients ?? o.members,
    initMinClients: o.members,
    witnessNodes: o.witnessNodes ?? Math.min(2, o.members),
    roundsPerEpoch: o.roundsPerEpoch ?? Math.min(o.rounds, 64),
    innerSteps: o.innerSteps ?? 1,
    demoChunk: 64,
    demoTopK: o.demoTopK ?? 16,
    slashBps: 5000,
    valueBits: o.valueBits ?? 1,
    padding: [0, 0, 0],
  };
  const runId = BigInt(Date.now());
  const { run } = ix.runAddresses(program, runId);
  await sender.send(await ix.createRunInstructions(program, { authority: authority.publicKey, runId, config }));
  await sender.send([await ix.fundInstruction(program, { run, funder: authority.publicKey, amount: SOL })]);
  return { run, recipe, config };
}
