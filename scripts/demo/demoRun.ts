// The demo's run creator: the recipe and on-chain configuration of a small DeMo run, created and funded on a cluster.
// It goes through what `concord run create` does with a run config file (a spec, its plan, createRun); here the
// demo, the network tests and the benches share it.
import type { Connection, Keypair, PublicKey } from "@solana/web3.js";
import type { RunConfig } from "../../sdk/coordinatorAccounts";
import { coordinatorProgram } from "../../sdk/coordinatorProgram";
import { vocabSize } from "../../sdk/data/datasetManifest";
import { createRun } from "../../sdk/runCreation";
import { runPlan } from "../../sdk/runPlan";
import type { RunSpec } from "../../sdk/runSpec";
import type { RoundRecipe, TrainingRecipe } from "../../sdk/trainingRecipe";
import { DEMO_ROUND } from "../../sdk/trainingRecipe";
import { TransactionSender } from "../../sdk/transactionSender";
import { providerFor } from "../../coordinator/localnet/localnetClient";
import type { Dataset } from "../../trainer/data/tokenShards";

export interface DemoRunOptions {
  readonly dataset: Dataset;
  readonly members: number;
  readonly rounds: number;
  /** Sequences per round, split among the members by the round seed. */
  readonly globalBatchSize?: number;
  /** The transformer's shape (its vocabulary is the dataset's). */
  readonly model?: Partial<Omit<TrainingRecipe["model"], "vocabSize">>;
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

/** The demo's run as a run config file would describe it: a small transformer, cosine schedule to total steps. */
export function demoRunSpec(o: DemoRunOptions): RunSpec {
  const lr = o.learningRate ?? 4e-3;
  const round = { ...DEMO_ROUND, ...o.round };
  const times = { maxRoundTrainTime: 120, roundWitnessTime: 60, cooldownTime: 1, ...o.times };
  return {
    run: { id: BigInt(Date.now()), fund: 1 },
    dataset: { path: o.dataset.dir },
    model: { context_length: 64, layers: 2, heads: 4, width: 64, ...modelKeys(o.model), init_seed: o.initSeed ?? 1 },
    schedule: {
      warmup_time: 1,
      cooldown_time: times.cooldownTime,
      max_round_train_time: times.maxRoundTrainTime,
      round_witness_time: times.roundWitnessTime,
      epoch_time: 3600,
    },
    members: {
      min_clients: o.minClients ?? o.members,
      init_min_clients: o.members,
      witness_nodes: o.witnessNodes ?? Math.min(2, o.members),
    },
    training: {
      total_steps: o.rounds,
      rounds_per_epoch: o.roundsPerEpoch ?? Math.min(o.rounds, 64),
      global_batch_size: o.globalBatchSize ?? 12,
      learning_rate: lr,
      lr_schedule: "cosine",
      min_learning_rate: lr / 10,
      warmup_steps: o.warmupSteps ?? Math.min(2, o.rounds - 1),
    },
    round: {
      inner_steps: o.innerSteps ?? 1,
      inner_optimizer: round.inner.kind,
      ...(round.inner.kind === "adamw" && {
        adamw_beta1: round.inner.beta1,
        adamw_beta2: round.inner.beta2,
        adamw_eps: round.inner.eps,
        adamw_weight_decay: round.inner.weightDecay,
      }),
      grad_clip: round.gradClip,
      transform: round.transform,
      chunk: 64,
      top_k: o.demoTopK ?? 16,
      decay: o.demoDecay ?? 0.999,
      value_bits: o.valueBits ?? 1,
      outer: round.outer,
      outer_learning_rate: o.outerLearningRate ?? lr,
      outer_momentum: o.outerMomentum ?? 0,
      weight_decay: round.weightDecay,
      aggregation: round.aggregation.kind,
      ...(round.aggregation.kind === "trimmedMean" && { trim: round.aggregation.trim }),
    },
    economics: { min_stake: 0.1, reward_per_epoch: 0.5, challenge_bond: 0.01, slash_bps: 5000 },
  };
}

const modelKeys = (m: DemoRunOptions["model"] = {}) => ({
  ...(m.contextLength !== undefined && { context_length: m.contextLength }),
  ...(m.layers !== undefined && { layers: m.layers }),
  ...(m.heads !== undefined && { heads: m.heads }),
  ...(m.width !== undefined && { width: m.width }),
});

/** Creates and funds (1 SOL) the run as `authority`: every member is needed, two witnesses (quorum 2). */
export async function createDemoRun(connection: Connection, authority: Keypair, o: DemoRunOptions): Promise<DemoRun> {
  const program = coordinatorProgram(providerFor(connection, authority));
  const spec = demoRunSpec(o);
  const dataset = { hash: o.dataset.hash, vocabSize: vocabSize(o.dataset.manifest.tokenizer) };
  const plan = runPlan(spec, dataset, { file: "the demo run", defaultRunId: spec.run.id! });
  const run = await createRun(program, new TransactionSender(connection, authority), plan);
  return { run, recipe: plan.recipe, config: plan.config };
}
