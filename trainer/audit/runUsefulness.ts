// Usefulness over a whole run (usefulness.ts scores one update): every receipt on record scored from its round's
// base and rows, as the chain and the published bytes give them, then judged per member over all its receipts. A
// receipt whose bytes nobody published, that do not match it, or that do not decode is left unscored here:
// `concord audit verify` reports those.
import type { PublicKey } from "@solana/web3.js";
import type { UpdateLayout } from "../../sdk/codec/updateCodec";
import { decodeUpdate } from "../../sdk/codec/updateCodec";
import type { RunConfig } from "../../sdk/coordinatorAccounts";
import type { CommittedUpdate, CoordinatorEvent } from "../../sdk/roundHistory";
import { acceptedSteps, committedUpdates } from "../../sdk/roundHistory";
import type { TrainingRecipe } from "../../sdk/trainingRecipe";
import type { Dataset } from "../data/tokenShards";
import { assignedBatches } from "../node/roundTraining";
import { receiptBytes, runStart } from "../node/runReplay";
import { RoundBases, roundDraw } from "./roundInputs";
import type { MemberUsefulness, UsefulnessScore } from "./usefulness";
import { memberUsefulness, unassignedBatches, usefulness } from "./usefulness";

export interface MemberUsefulnessRow extends MemberUsefulness {
  readonly member: string;
  /** Its receipts on record, scored or not. */
  readonly committed: number;
}

export async function runUsefulness(input: {
  readonly config: RunConfig;
  readonly recipe: TrainingRecipe;
  readonly dataset: Dataset;
  /** The run's coordinator events, oldest first (the chain's order). */
  readonly events: readonly CoordinatorEvent[];
  /** A receipt's published bytes (those with its hash if any source has them), or null when no source has any. */
  readonly published: (member: PublicKey, step: bigint, hash: Uint8Array) => Uint8Array | null;
}): Promise<MemberUsefulnessRow[]> {
  const { config, events, published } = input;
  const { setup, model, layout, shared } = runStart(config, input.recipe, input.dataset);
  const commits = committedUpdates(events);
  const scores = new Map<string, UsefulnessScore[]>(commits.map((c) => [c.member.toBase58(), []]));
  const committed = new Map<string, number>();
  for (const c of commits) committed.set(c.member.toBase58(), (committed.get(c.member.toBase58()) ?? 0) + 1);
  const steps = [...new Set(commits.map((c) => c.step))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const seqLen = setup.model.contextLength;
  try {
    const bases = new RoundBases(shared, acceptedSteps(events), (member, step, hash) => {
      const bytes = published(member, step, hash);
      return bytes && { bytes };
    });
    for (const step of steps) {
      const base = bases.at(step);
      const draw = roundDraw(events, step);
      for (const c of commits.filter((x) => x.step === step)) {
        const update = decodedReceipt(c, published(c.member, step, c.hash), layout);
        const round = {
          ...draw,
          slot: c.slot,
          globalBatchSize: config.globalBatchSize,
          step: Number(step),
          innerSteps: setup.round.innerSteps,
        };
        const own = assignedBatches(setup.train, seqLen, round);
        const others = unassignedBatches(setup.train, seqLen, round);
        if (!update || !own || !others) continue;
        scores.get(c.member.toBase58())!.push(usefulness(model, { base, update, config: setup.round, own, others }));
      }
    }
  } finally {
    model.dispose();
  }
  return [...scores].map(([member, s]) => ({ member, committed: committed.get(member)!, ...memberUsefulness(s) }));
}

/** The receipt's update, or null when its bytes are missing, do not match it or do not decode. */
function decodedReceipt(c: CommittedUpdate, bytes: Uint8Array | null, layout: UpdateLayout) {
  if (!bytes) return null;
  try {
    return decodeUpdate(receiptBytes(c, bytes), layout);
  } catch {
    return null;
  }
}
