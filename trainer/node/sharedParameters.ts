// The parameters every honest node agrees on: the initial weights with the accepted updates of every decided round
// applied in step order, each round's updates decoded strictly against the run's layout, in ascending slot order,
// and aggregated into one outer step. The node, the replay and the single-process runs all apply through here;
// members train from these parameters (one round late: trainer/node/trainerNode.ts) but never change them.
import { decodeUpdate } from "../../sdk/codec/updateCodec";
import type { UpdateLayout } from "../../sdk/codec/updateCodec";
import type { LrSchedule } from "../../sdk/lrSchedule";
import { learningRate } from "../../sdk/lrSchedule";
import type { ParameterSpec } from "../model/transformer";
import { OuterOptimizer } from "../optim/outerOptimizer";
import type { RoundConfig } from "../optim/roundConfig";
import { outerRate } from "../optim/roundConfig";
import { parameterHash } from "./parameterHash";

export class SharedParameters {
  private readonly outer: OuterOptimizer;

  constructor(
    /** Row-major, parameter order; updated in place. */
    readonly params: Float32Array[],
    specs: readonly ParameterSpec[],
    private readonly config: RoundConfig,
    private readonly layout: UpdateLayout,
    private readonly schedule: LrSchedule,
  ) {
    this.outer = new OuterOptimizer(
      params.map((p) => p.length),
      specs.map((s) => s.decay),
      config,
    );
  }

  /** Applies round `step`'s accepted updates (already in the agreed order); none leaves the parameters as they are. */
  applyRound(step: number, updates: readonly Uint8Array[]): void {
    const decoded = updates.map((bytes) => decodeUpdate(bytes, this.layout));
    const lrScale = learningRate(this.schedule, step) / this.schedule.lr;
    this.outer.apply(this.params, decoded, outerRate(this.config, lrScale));
  }

  /** The outer optimizer's velocity (empty without momentum): with the parameters, all a checkpoint holds. */
  velocity(): Float32Array[] {
    return this.outer.velocityState();
  }

  /** Takes a checkpoint's state: its parameters and velocity, both in parameter order. */
  restore(params: readonly Float32Array[], velocity: readonly Float32Array[]): void {
    this.outer.restoreVelocity(velocity);
    this.params.forEach((p, i) => p.set(params[i]));
  }

  /** sha256 of the parameters: what witnesses report and replays compare. */
  hash(): Uint8Array {
    return parameterHash(this.params);
  }
}
