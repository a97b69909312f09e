// The outer step every honest node takes with a round's accepted updates (roundConfig.ts has the rules). It runs on
// plain float32 arrays in JavaScript, one rounding per operation in a fixed order, so the shared parameters are the
// same bits on every node whatever its backend or kernels: the parameter hash is the protocol's proof of agreement.
import type { SparseUpdate } from "../../sdk/demo/sparseUpdate";
import type { ChunkedDct } from "../../sdk/demo/chunkedDct";
import { aggregateUpdates } from "../../sdk/demo/aggregate";
import type { RoundConfig } from "./roundConfig";
import { validateRoundConfig } from "./roundConfig";
import { roundTransform } from "./updateCompressor";

const f = Math.fround;

export class OuterOptimizer {
  /** Nesterov velocity per tensor (sgd with momentum only): shared state, the same on every node. */
  private readonly velocity: Float32Array[] | null;

  constructor(
    sizes: readonly number[],
    /** Per tensor: whether weight decay applies to it. */
    private readonly decay: readonly boolean[],
    private readonly config: RoundConfig,
    private readonly transform: ChunkedDct = roundTransform(config),
  ) {
    validateRoundConfig(config);
    this.velocity = config.outer === "sgd" && config.outerMomentum > 0 ? sizes.map((n) => new Float32Array(n)) : null;
  }

  /** Applies the aggregate of `updates` (the agreed order) to `params` in place at rate `eta`; none changes nothing. */
  apply(params: readonly Float32Array[], updates: readonly SparseUpdate[], eta: number): void {
    if (!updates.length) return;
    const { outer, outerMomentum: mu, weightDecay } = this.config;
    const directions = aggregateUpdates(updates, this.config.aggregation, this.transform);
    params.forEach((p, i) => {
      const u = directions[i];
      const keep = f(1 - f(eta * (this.decay[i] ? weightDecay : 0)));
      const v = this.velocity?.[i];
      for (let j = 0; j < p.length; j++) {
        let d: number;
        if (outer === "sign") d = Math.sign(u[j]);
        else if (v) {
          v[j] = f(f(mu * v[j]) + u[j]);
          d = f(u[j] + f(mu * v[j]));
        } else d = u[j];
        p[j] = f(f(p[j] * keep) - f(eta * d));
      }
    });
  }

  /** Copies of the velocity (empty without momentum), for checkpoints and tests. */
  velocityState(): Float32Array[] {
    return this.velocity?.map((v) => Float32Array.from(v)) ?? [];
  }

  /** Puts back a velocity velocityState() returned (a checkpoint's); empty only without momentum. */
  restoreVelocity(state: readonly Float32Array[]): void {
    const v = this.velocity ?? [];
    if (state.length !== v.length || state.some((s, i) => s.length !== v[i].length))
      throw new Error(`outer velocity of ${state.length} tensors does not fit this optimizer's ${v.length}`);
    v.forEach((x, i) => x.set(state[i]));
  }
}
