// Learning-rate schedules. Part of a run's configuration: every trainer and auditor computes the same rate for a step.
import { ConcordError } from "./errors/concordError";
import { CONCORD_ERROR__TRAINER__INVALID_CONFIG } from "./errors/codes";

/**
 * constant: `lr` after a linear warm-up.
 * cosine: warm-up, then cosine from `lr` down to `minLr` at step `totalSteps`, `minLr` after (nanoGPT's schedule).
 * wsd (warmup-stable-decay): warm-up, `lr` until `decayStart`, then linear down to `minLr` at `totalSteps`.
 * Warm-up is nanoGPT's: lr * (step + 1) / (warmupSteps + 1) for step < warmupSteps.
 */
export type LrSchedule =
  | { readonly kind: "constant"; readonly lr: number; readonly warmupSteps: number }
  | {
      readonly kind: "cosine";
      readonly lr: number;
      readonly minLr: number;
      readonly warmupSteps: number;
      readonly totalSteps: number;
    }
  | {
      readonly kind: "wsd";
      readonly lr: number;
      readonly minLr: number;
      readonly warmupSteps: number;
      readonly decayStart: number;
      readonly totalSteps: number;
    };

/** Throws INVALID_CONFIG unless the schedule's numbers make sense; its `field` context names the field at fault. */
export function validateLrSchedule(s: LrSchedule): LrSchedule {
  const bad = (field: string, reason: string): never => {
    throw new ConcordError(CONCORD_ERROR__TRAINER__INVALID_CONFIG, { what: "learning-rate schedule", reason, field });
  };
  if (!(s.lr > 0 && Number.isFinite(s.lr))) bad("lr", `lr must be positive, got ${s.lr}`);
  if (!Number.isInteger(s.warmupSteps) || s.warmupSteps < 0) bad("warmupSteps", `warmupSteps must be a natural number`);
  if (s.kind === "constant") return s;
  if (!(s.minLr >= 0 && s.minLr <= s.lr)) bad("minLr", `minLr must be in [0, lr], got ${s.minLr}`);
  if (!Number.isInteger(s.totalSteps) || s.totalSteps <= s.warmupSteps)
    bad("warmupSteps", `totalSteps must exceed warmupSteps`);
  if (
    s.kind === "wsd" &&
    !(Number.isInteger(s.decayStart) && s.decayStart >= s.warmupSteps && s.decayStart < s.totalSteps)
  )
    bad("decayStart", `decayStart must be in [warmupSteps, totalSteps)`);
  if (s.kind !== "cosine" && s.kind !== "wsd") bad("kind", `unknown kind ${(s as { kind: string }).kind}`);
  return s;
}

/** The learning rate at `step` (0-based). */
export function learningRate(s: LrSchedule, step: number): number {
  if (step < s.warmupSteps) return (s.lr * (step + 1)) / (s.warmupSteps + 1);
  if (s.kind === "constant") return s.lr;
  if (step >= s.totalSteps) return s.minLr;
  if (s.kind === "cosine") {
    const progress = (step - s.warmupSteps) / (s.totalSteps - s.warmupSteps);
    return s.minLr + 0.5 * (1 + Math.cos(Math.PI * progress)) * (s.lr - s.minLr);
  }
  if (step < s.decayStart) return s.lr;
  return s.lr - ((step - s.decayStart) / (s.totalSteps - s.decayStart)) * (s.lr - s.minLr);
}
