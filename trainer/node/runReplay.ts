// Re-deriving a run's model from public data alone: the recipe (checked against the run's model_hash), the chain's
// record of every round (the coordinator's commit and witness events, trainer/node/runHistory.ts) and the update bytes, fetched
// by hash from anywhere and checked against the receipts. The same applier as the nodes: a replay that reaches the
// nodes' parameter hash shows the network added nothing the chain does not record.
import type { Connection } from "@solana/web3.js";
import type { PublicKey } from "@solana/web3.js";
import type { UpdateLayout } from "../../sdk/codec/updateCodec";
import { updateHash } from "../../sdk/codec/updateCodec";
import type { RunConfig } from "../../sdk/coordinatorAccounts";
import { decodeRun } from "../../sdk/coordinatorAccounts";
import { ConcordError } from "../../sdk/errors/concordError";
import {
  CONCORD_ERROR__CLIENT__ACCOUNT_NOT_FOUND,
  CONCORD_ERROR__CODEC__RECEIPT_METADATA_MISMATCH,
} from "../../sdk/errors/codes";
import type { AcceptedStep, CommittedUpdate } from "../../sdk/roundHistory";
import type { TrainingRecipe } from "../../sdk/trainingRecipe";
import type { Dataset } from "../data/tokenShards";
import { Transformer } from "../model/transformer";
import { planUpdateLayout } from "../../sdk/demo/compress";
import { fetchBlob } from "../../sdk/net/blobFetch";
import { MAX_UPDATE_BYTES } from "../../sdk/peer/peerMessages";
import { runHistory } from "./runHistory";
import type { RunSetup } from "./runSetup";
import { runSetup } from "./runSetup";
import { SharedParameters } from "./sharedParameters";

/** `bytes`, fetched for `u`, if they are the ones its receipt names (hash and size); else RECEIPT_METADATA_MISMATCH. */
export function receiptBytes(u: CommittedUpdate, bytes: Uint8Array): Uint8Array {
  if (!Buffer.from(updateHash(bytes)).equals(Buffer.from(u.hash)) || bytes.length !== u.size)
    throw new ConcordError(CONCORD_ERROR__CODEC__RECEIPT_METADATA_MISMATCH, {
      reason: `bytes fetched for step ${u.step} of ${u.member.toBase58()} do not match its receipt`,
    });
  return bytes;
}

/** `u`'s bytes from the data servers (each tried in turn), checked against its receipt. */
export async function serverBytes(servers: readonly string[], u: CommittedUpdate): Promise<Uint8Array> {
  return receiptBytes(u, await fetchBlob([...servers], u.hash, { maxBytes: MAX_UPDATE_BYTES }));
}

/**
 * A run's starting point: its setup, the model at the recipe's initial weights, the layout its updates decode
 * against, and the shared parameters before any round.
 */
export function runStart(
  config: RunConfig,
  recipe: TrainingRecipe,
  dataset: Dataset,
): { setup: RunSetup; model: Transformer; layout: UpdateLayout; shared: SharedParameters } {
  const setup = runSetup(config, recipe, dataset);
  const model = new Transformer(setup.model, { seed: recipe.initSeed });
  const layout = planUpdateLayout(
    model.specs.map((s) => s.shape),
    setup.round.chunk,
    setup.round.topK,
    setup.round.format,
  );
  return {
    setup,
    model,
    layout,
    shared: new SharedParameters(model.getWeights(), model.specs, setup.round, layout, setup.schedule),
  };
}

/**
 * The model a run's honest nodes hold after its last decided round, rebuilt from the recipe, the chain and
 * `fetchBytes(hash)` (any store: a node's state dir, a data server). The caller disposes the model.
 */
export async function replayRun(
  connection: Connection,
  programId: PublicKey,
  run: PublicKey,
  recipe: TrainingRecipe,
  dataset: Dataset,
  fetchBytes: (hash: Uint8Array) => Promise<Uint8Array>,
  /** Called after each applied step, with the model as it is then (for curves). */
  onStep?: (step: bigint, model: Transformer) => void,
): Promise<Transformer> {
  const info = await connection.getAccountInfo(run, "confirmed");
  if (!info) throw new ConcordError(CONCORD_ERROR__CLIENT__ACCOUNT_NOT_FOUND, { address: run.toBase58() });
  const { model, shared } = runStart(decodeRun(info.data, run.toBase58()).config, recipe, dataset);
  await applyRecordedRounds(
    shared,
    await runHistory(connection, programId, run),
    async (u) => receiptBytes(u, await fetchBytes(u.hash)),
    (step) => {
      if (!onStep) return;
      model.setWeights(shared.params);
      onStep(step, model);
    },
  );
  model.setWeights(shared.params);
  return model;
}

/**
 * Applies recorded rounds to `shared` in order, each accepted update's bytes from `bytesOf`, which checks them against
 * the receipt (receiptBytes, serverBytes): the one way a replay (this file's, the checkpoint publisher's) turns the
 * chain's record into parameters.
 */
export async function applyRecordedRounds(
  shared: SharedParameters,
  steps: readonly AcceptedStep[],
  bytesOf: (u: CommittedUpdate) => Promise<Uint8Array>,
  onStep?: (step: bigint) => void,
): Promise<void> {
  for (const { step, updates } of steps) {
    const bytes: Uint8Array[] = [];
    for (const u of updates) bytes.push(await bytesOf(u));
    shared.applyRound(Number(step), bytes);
    onStep?.(step);
  }
}
