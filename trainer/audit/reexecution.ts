// Re-execution of members' contributions from public data alone: the recipe, the chain's events and the update bytes
// by hash. An honest member's update of round s is a pure function of them, so anyone can train it again and compare.
//
// Method, per committed receipt (member, s), in ascending steps:
// - base: the shared parameters after the accepted rounds 0..s-2 (roundInputs.ts, the nodes' own applier);
// - rows: as the node draws them, assignedBatches(dataSeedAt(s), epochSlotsAt(s), member's slot, batch size, s, H);
// - state: the member's error feedback and inner AdamW moments are not published; they are re-derived by training the
//   member's own earlier committed rounds in order with a RoundTrainer (the class the node trains with) and settling
//   each, which is exactly what the node keeps (it settles a round on commit and rolls back every round it trained
//   but never committed: trainer/node/trainerNode.ts's undoFrom).
// The update trained is compared with the receipt: the same hash is a match. Otherwise, with the member's published
// bytes and metadata at hand: on the auditor's own compute (sdk/receiptMetadata.ts's descriptor) the bits had to
// reproduce, so it is a mismatch; on other compute the two updates are compared within CROSS_COMPUTE_TOLERANCE
// (sdk/audit/updateAgreement.ts). Without published bytes the step is unavailable and the member's state goes on as an
// honest member's would; a later match shows it was.
// A member may restart its state from zero at any round (a node that crashed between its commit and saving its state
// does: trainer/node/roundStateFile.ts), so an update that does not match the carried state is trained again from a
// zero state, and a match there ("restarted") goes on from that state.
// After a mismatch the member's real state is unknown (its committed bytes say what it sent, not what it kept), so its
// later receipts are reported unverifiable rather than judged against a state it may never have had.
//
// Members share one model (RoundTrainer.train loads each round's base); each member's trainer holds its own error
// feedback and moments (memory grows with the members re-executed), so every receipt of the run is trained once. The run's current
// config is used throughout (a config changed while paused is not followed), as the replay does.
import type { PublicKey } from "@solana/web3.js";
import type { PublishedUpdate } from "../../sdk/audit/runAudit";
import { checkIntegrity } from "../../sdk/audit/integrity";
import type { UpdateAgreement } from "../../sdk/audit/updateAgreement";
import { updateAgreement, withinTolerance } from "../../sdk/audit/updateAgreement";
import { decodeUpdate, updateHash } from "../../sdk/codec/updateCodec";
import type { RunConfig } from "../../sdk/coordinatorAccounts";
import type { ComputeDescriptor } from "../../sdk/receiptMetadata";
import { sameCompute } from "../../sdk/receiptMetadata";
import type { CommittedUpdate, CoordinatorEvent } from "../../sdk/roundHistory";
import { acceptedSteps, committedUpdates } from "../../sdk/roundHistory";
import type { TrainingRecipe } from "../../sdk/trainingRecipe";
import type { Dataset } from "../data/tokenShards";
import { assignedBatches, RoundTrainer, runToEnd } from "../node/roundTraining";
import { runStart } from "../node/runReplay";
import { RoundBases, roundDraw } from "./roundInputs";

export type StepResult =
  /** The re-executed update's hash is the receipt's (`restarted`: from a zero round state). */
  | { readonly step: number; readonly result: "match"; readonly restarted?: true }
  /** On other compute than the member's: close enough to the committed update. */
  | {
      readonly step: number;
      readonly result: "within tolerance";
      readonly agreement: UpdateAgreement;
      readonly restarted?: true;
    }
  | { readonly step: number; readonly result: "mismatch"; readonly reason: string }
  /** The receipt's bytes (and metadata) were not to be had, or not the receipt's: nothing to compare with. */
  | { readonly step: number; readonly result: "unavailable"; readonly reason: string }
  /** After a mismatch at `after`: the member's state is no longer known. */
  | { readonly step: number; readonly result: "unverifiable"; readonly after: number };

export interface MemberReexecution {
  readonly member: string;
  readonly receipts: number;
  /** Receipts re-executed and compared (match, within tolerance or mismatch). */
  readonly reexecuted: number;
  /** Of those, the ones that matched or were within tolerance. */
  readonly matched: number;
  readonly firstMismatch: number | null;
  /** Per receipt, in step order. */
  readonly steps: StepResult[];
  /** flagged: a mismatch; incomplete: no mismatch, but a receipt could not be compared; ok: every one matched. */
  readonly verdict: "ok" | "flagged" | "incomplete";
}

export async function reexecuteRun(input: {
  readonly run: PublicKey;
  readonly config: RunConfig;
  /** Checked against the run (runSetup). */
  readonly recipe: TrainingRecipe;
  readonly dataset: Dataset;
  /** The run's coordinator events, oldest first (the chain's order). */
  readonly events: readonly CoordinatorEvent[];
  readonly published: (member: PublicKey, step: bigint, hash: Uint8Array) => PublishedUpdate | null;
  /** The auditor's compute (computeDescriptor(selectBackend(...))): updates made on it must reproduce exactly. */
  readonly compute: ComputeDescriptor;
  /** Only these members (base58); all when absent. */
  readonly members?: readonly string[];
}): Promise<MemberReexecution[]> {
  const { config, events } = input;
  const { setup, model, layout, shared } = runStart(config, input.recipe, input.dataset);
  const receipts = committedUpdates(events)
    .filter((r) => !input.members || input.members.includes(r.member.toBase58()))
    .sort((a, b) => (a.step < b.step ? -1 : a.step > b.step ? 1 : 0));

  const bases = new RoundBases(shared, acceptedSteps(events), input.published);
  // Each scans the events: once per step, not once per receipt
  const rounds = new Map<bigint, { dataSeed: Uint8Array; epochSlots: number[] }>();
  const roundOf = (step: bigint) => {
    let round = rounds.get(step);
    if (!round) rounds.set(step, (round = roundDraw(events, step)));
    return round;
  };
  const members = new Map<string, { trainer: RoundTrainer | null; steps: StepResult[]; mismatch: number | null }>();
  try {
    for (const r of receipts) {
      const key = r.member.toBase58();
      let m = members.get(key);
      if (!m) members.set(key, (m = { trainer: null, steps: [], mismatch: null }));
      const step = Number(r.step);
      if (m.mismatch !== null) {
        m.steps.push({ step, result: "unverifiable", after: m.mismatch });
        continue;
      }
      m.trainer ??= new RoundTrainer(model, setup.round, setup.schedule);
      const batches = assignedBatches(setup.train, setup.model.contextLength, {
        ...roundOf(r.step),
        slot: r.slot,
        globalBatchSize: config.globalBatchSize,
        step,
        innerSteps: setup.round.innerSteps,
      });
      let result: StepResult = batches
        ? compare(r, runToEnd(m.trainer.train(bases.at(r.step), batches, step)).bytes)
        : { step, result: "mismatch", reason: "committed for a round in which it had no rows" };
      m.trainer.settle(step);
      if (batches && result.result === "mismatch") {
        const fresh = new RoundTrainer(model, setup.round, setup.schedule);
        const restarted = compare(r, runToEnd(fresh.train(bases.at(r.step), batches, step)).bytes);
        fresh.settle(step);
        if (restarted.result === "match" || restarted.result === "within tolerance") {
          m.trainer.dispose();
          m.trainer = fresh;
          result = { ...restarted, restarted: true };
        } else fresh.dispose();
      }
      m.steps.push(result);
      if (result.result === "mismatch") {
        m.mismatch = step;
        m.trainer.dispose(); // its state is of no more use
        m.trainer = null;
      }
    }
  } finally {
    for (const m of members.values()) m.trainer?.dispose();
    model.dispose();
  }
  return [...members].map(([member, m]) => {
    const compared = m.steps.filter((s) => ["match", "within tolerance", "mismatch"].includes(s.result));
    return {
      member,
      receipts: m.steps.length,
      reexecuted: compared.length,
      matched: compared.filter((s) => s.result !== "mismatch").length,
      firstMismatch: m.mismatch,
      steps: m.steps,
      verdict: m.mismatch !== null ? "flagged" : compared.length === m.steps.length ? "ok" : "incomplete",
    };
  });

  /** The re-executed update of receipt `r` against what the member committed. */
  function compare(r: CommittedUpdate, reexecuted: Uint8Array): StepResult {
    const step = Number(r.step);
    if (Buffer.from(updateHash(reexecuted)).equals(Buffer.from(r.hash))) return { step, result: "match" };
    const published = input.published(r.member, r.step, r.hash);
    if (!published) return { step, result: "unavailable", reason: "no bytes published for the receipt" };
    const checked = checkIntegrity(published, r, { run: input.run, member: r.member, step, layout });
    if (!checked.ok) return { step, result: "unavailable", reason: checked.reason };
    if (sameCompute(checked.metadata.compute, input.compute))
      return { step, result: "mismatch", reason: "not the update its rows and state give on its own compute" };
    const agreement = updateAgreement(decodeUpdate(reexecuted, layout), checked.update);
    return withinTolerance(agreement)
      ? { step, result: "within tolerance", agreement }
      : {
          step,
          result: "mismatch",
          reason: `index overlap ${agreement.indexOverlap.toFixed(3)}, relative error ${agreement.relativeError.toFixed(3)} (other compute)`,
        };
  }
}
