// What a member started a round from, re-derived from public data: the shared parameters as every honest node held
// them, the initial weights with the accepted updates of rounds 0..s-2 applied (the pipelining rule of
// trainer/node/trainerNode.ts) through the nodes' own applier, each accepted update's bytes checked against its
// receipt; and the round's data seed and epoch members, which with the member's slot fix its rows.
import type { AcceptedStep, CommittedUpdate, CoordinatorEvent } from "../../sdk/roundHistory";
import { dataSeedAt, epochSlotsAt } from "../../sdk/roundHistory";
import { receiptBytes } from "../node/runReplay";
import type { SharedParameters } from "../node/sharedParameters";

export class RoundBases {
  /** Index in `accepted` of the first step not applied yet. */
  private next = 0;

  constructor(
    /** At the run's initial weights; advanced in place. */
    private readonly shared: SharedParameters,
    /** The run's accepted steps, ascending (sdk/roundHistory.ts's acceptedSteps). */
    private readonly accepted: readonly AcceptedStep[],
    private readonly fetchBytes: (u: CommittedUpdate) => Promise<Uint8Array>,
  ) {}

  /**
   * The parameters round `step` trains from, asked for in ascending steps: the applier's own arrays, to be read before
   * the next call moves them on.
   */
  async at(step: bigint): Promise<readonly Float32Array[]> {
    for (; this.next < this.accepted.length && this.accepted[this.next].step < step - 1n; this.next++) {
      const { step: applied, updates } = this.accepted[this.next];
      const bytes: Uint8Array[] = [];
      for (const u of updates) bytes.push(receiptBytes(u, await this.fetchBytes(u)));
      this.shared.applyRound(Number(applied), bytes);
    }
    return this.shared.params;
  }
}

/** Round `step`'s data seed and epoch members, as the chain recorded them. */
export function roundDraw(
  events: readonly CoordinatorEvent[],
  step: bigint,
): { dataSeed: Uint8Array; epochSlots: number[] } {
  return { dataSeed: dataSeedAt(events, step), epochSlots: epochSlotsAt(events, step) };
}
