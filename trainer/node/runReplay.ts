// Re-deriving a run's model from public data alone: the recipe (checked against the run's model_hash), the chain's
// record of every round (its members' EpochReceipts and the Run's acceptance bitmaps) and the update bytes, fetched
// by hash from anywhere and checked against the receipts. The same applier as the nodes: a replay that reaches the
// nodes' parameter hash shows the network added nothing the chain does not record.
import type { Connection } from "@solana/web3.js";
import { PublicKey } from "@solana/web3.js";
import { updateHash } from "../../sdk/codec/updateCodec";
import type { RunAccount } from "../../sdk/coordinatorAccounts";
import { decodeRun, toBigInt } from "../../sdk/coordinatorAccounts";
import { ConcordError } from "../../sdk/errors/concordError";
import {
  CONCORD_ERROR__CLIENT__ACCOUNT_NOT_FOUND,
  CONCORD_ERROR__CODEC__RECEIPT_METADATA_MISMATCH,
  CONCORD_ERROR__TRAINER__ROUND_UNDECIDABLE,
} from "../../sdk/errors/codes";
import { learningRate } from "../../sdk/lrSchedule";
import { receiptStatus } from "../../sdk/receiptStatus";
import type { TrainingRecipe } from "../../sdk/trainingRecipe";
import type { Dataset } from "../data/tokenShards";
import { Transformer } from "../model/transformer";
import { planUpdateLayout } from "../../sdk/demo/compress";
import type { AcceptedUpdate } from "./roundDecisions";
import { fetchEpochReceipts } from "./roundDecisions";
import { runSetup } from "./runSetup";
import { applyEncodedUpdates } from "./updateApplier";

export interface AcceptedStep {
  readonly step: bigint;
  /** Ascending by slot: the order every node applies them in. */
  readonly updates: AcceptedUpdate[];
}

/** Every step with at least one accepted receipt, ascending, as the chain records them. */
export async function acceptedHistory(
  connection: Connection,
  programId: PublicKey,
  run: PublicKey,
  state: RunAccount,
): Promise<AcceptedStep[]> {
  const slots = state.members.flatMap((m, slot) => (m.key.equals(PublicKey.default) ? [] : [slot]));
  const byStep = new Map<bigint, AcceptedUpdate[]>();
  for (let epoch = 0n; epoch <= toBigInt(state.epoch); epoch++) {
    const members = slots.map((s) => state.members[s].key);
    const receipts = await fetchEpochReceipts(connection, programId, run, members, epoch);
    receipts.forEach((account, i) => {
      account?.receipts.forEach((r, index) => {
        const status = receiptStatus(state, slots[i], account, index);
        if (status === "pending")
          throw new ConcordError(CONCORD_ERROR__TRAINER__ROUND_UNDECIDABLE, {
            step: toBigInt(r.step),
            reason: `${members[i].toBase58()}'s receipt is not settled on-chain`,
          });
        if (status !== "accepted") return;
        const step = toBigInt(r.step);
        const list = byStep.get(step) ?? [];
        list.push({ slot: slots[i], member: members[i], hash: Uint8Array.from(r.hash), size: r.size });
        byStep.set(step, list);
      });
    });
  }
  return [...byStep.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([step, updates]) => ({ step, updates: updates.sort((a, b) => a.slot - b.slot) }));
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
): Promise<Transformer> {
  const info = await connection.getAccountInfo(run, "confirmed");
  if (!info) throw new ConcordError(CONCORD_ERROR__CLIENT__ACCOUNT_NOT_FOUND, { address: run.toBase58() });
  const state = decodeRun(info.data, run.toBase58());
  const setup = runSetup(state.config, recipe, dataset);
  const model = new Transformer(setup.model, { seed: recipe.initSeed });
  const layout = planUpdateLayout(
    model.specs.map((s) => s.shape),
    setup.demo.chunk,
    setup.demo.topK,
    setup.demo.format,
  );
  for (const { step, updates } of await acceptedHistory(connection, programId, run, state)) {
    const bytes: Uint8Array[] = [];
    for (const u of updates) {
      const b = await fetchBytes(u.hash);
      if (!Buffer.from(updateHash(b)).equals(Buffer.from(u.hash)) || b.length !== u.size)
        throw new ConcordError(CONCORD_ERROR__CODEC__RECEIPT_METADATA_MISMATCH, {
          reason: `bytes fetched for step ${step} of ${u.member.toBase58()} do not match its receipt`,
        });
      bytes.push(b);
    }
    applyEncodedUpdates(model, layout, setup.demo, bytes, learningRate(setup.schedule, Number(step)));
  }
  return model;
}
