// A DeMo run of honest members (the demo's model and round: gradient, DCT, top-k sign values, sign descent) through
// the network's own modules, each round's rows assigned as on the network and each round trained from the shared
// parameters after rounds 0..s-2, with every update scored for usefulness (trainer/audit/usefulness.ts). Every round,
// member 0's rows are also claimed by attackers that are scored but never applied: a free-rider (its compressor fed
// noise), a lazy member trained on member 1's rows, a lazy member trained on its rows under another data seed, and
// member 0's own update sign-flipped. The usefulness test and bench/usefulnessSweep.ts both run it.
import { sha256 } from "@noble/hashes/sha256";
import { decodeUpdate } from "../../sdk/codec/updateCodec";
import type { SparseUpdate } from "../../sdk/demo/sparseUpdate";
import type { LrSchedule } from "../../sdk/lrSchedule";
import { fillNormal, mulberry32 } from "../../sdk/seededRandom";
import { DEMO_ROUND } from "../../sdk/trainingRecipe";
import type { UsefulnessScore } from "../../trainer/audit/usefulness";
import { unassignedBatches, usefulness } from "../../trainer/audit/usefulness";
import type { TokenSource } from "../../trainer/data/tokenSource";
import { Transformer } from "../../trainer/model/transformer";
import type { AssignedRound } from "../../trainer/node/roundTraining";
import { assignedBatches, RoundTrainer, runToEnd } from "../../trainer/node/roundTraining";
import { SharedParameters } from "../../trainer/node/sharedParameters";
import type { RoundConfig } from "../../trainer/optim/roundConfig";
import { UpdateCompressor } from "../../trainer/optim/updateCompressor";

export const ATTACKS = ["freeRider", "lazyOtherMember", "lazyOtherSeed", "signFlip"] as const;
export type Attack = (typeof ATTACKS)[number];

export interface UsefulnessRun {
  /** Per honest member, its scores by round. */
  readonly honest: UsefulnessScore[][];
  /** Per attack, its scores by round (empty without attackers). */
  readonly attacks: Record<Attack, UsefulnessScore[]>;
}

export function usefulnessRounds(o: {
  readonly train: TokenSource;
  readonly vocabSize: number;
  /** Model initialisation and data seeds. */
  readonly seed: number;
  readonly rounds: number;
  readonly members: number;
  /** Rows per member per round. */
  readonly rows: number;
  readonly attackers: boolean;
  readonly lr?: number;
  readonly topK?: number;
}): UsefulnessRun {
  const { train, seed, rounds, members } = o;
  const lr = o.lr ?? 4e-3;
  const model = new Transformer(
    { vocabSize: o.vocabSize, contextLength: 64, layers: 2, heads: 4, width: 64 },
    { seed: 1000 + seed },
  );
  const config: RoundConfig = {
    ...DEMO_ROUND,
    innerSteps: 1,
    chunk: 64,
    topK: o.topK ?? 16,
    decay: 0.999,
    format: "sign",
    outerLr: lr,
    outerMomentum: 0,
  };
  const warmupSteps = Math.min(2, rounds - 1);
  const schedule: LrSchedule = { kind: "cosine", lr, minLr: lr / 10, warmupSteps, totalSteps: rounds };
  const seqLen = model.config.contextLength;
  const epochSlots = Array.from({ length: members }, (_, i) => i);
  const honest = epochSlots.map(() => new RoundTrainer(model, config, schedule));
  const lazyMember = new RoundTrainer(model, config, schedule);
  const lazySeed = new RoundTrainer(model, config, schedule);
  const trainers = [...honest, lazyMember, lazySeed];
  const noise = new UpdateCompressor(
    model.specs.map((s) => s.shape),
    config,
  );
  const { layout } = noise;
  const shared = new SharedParameters(model.getWeights(), model.specs, config, layout, schedule);
  const random = mulberry32(seed);
  const result: UsefulnessRun = {
    honest: epochSlots.map(() => []),
    attacks: { freeRider: [], lazyOtherMember: [], lazyOtherSeed: [], signFlip: [] },
  };
  let pending: Uint8Array[] | null = null;
  try {
    for (let step = 0; step < rounds; step++) {
      const base = shared.params.map((p) => p.slice());
      const round = (slot: number, salt = ""): AssignedRound => ({
        dataSeed: sha256(`usefulness-rounds/${seed}/${step}${salt}`),
        epochSlots,
        slot,
        globalBatchSize: members * o.rows,
        step,
        innerSteps: 1,
      });
      const rowsOf = (r: AssignedRound) => assignedBatches(train, seqLen, r)!;
      const trained = (trainer: RoundTrainer, r: AssignedRound) => runToEnd(trainer.train(base, rowsOf(r), step)).bytes;
      const score = (slot: number, update: SparseUpdate) => {
        const [own, others] = [rowsOf(round(slot)), unassignedBatches(train, seqLen, round(slot))!];
        return usefulness(model, { base, update, config, own, others });
      };
      const received = epochSlots.map((w) => trained(honest[w], round(w)));
      received.forEach((bytes, w) => result.honest[w].push(score(w, decodeUpdate(bytes, layout))));
      if (o.attackers) {
        const own = decodeUpdate(received[0], layout);
        const claimed: Record<Attack, SparseUpdate> = {
          freeRider: noise.compress(
            base.map((p) => fillNormal(new Float32Array(p.length), random, 1)),
            1,
          ),
          lazyOtherMember: decodeUpdate(trained(lazyMember, round(1)), layout),
          lazyOtherSeed: decodeUpdate(trained(lazySeed, round(0, "/other")), layout),
          signFlip: { ...own, tensors: own.tensors.map((x) => ({ ...x, values: x.values.map((v) => -v) })) },
        };
        for (const attack of ATTACKS) result.attacks[attack].push(score(0, claimed[attack]));
      }
      for (const m of trainers) m.settle(step);
      if (pending) shared.applyRound(step - 1, pending);
      pending = received;
    }
    return result;
  } finally {
    for (const m of trainers) m.dispose();
    model.dispose();
  }
}
