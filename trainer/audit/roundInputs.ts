// What a member started a round from, re-derived from public data: the shared parameters after the accepted rounds
// 0..s-2 (members train round s while round s-1 is witnessed: trainer/node/trainerNode.ts), the round's data seed and
// its epoch members, which with the member's slot fix its rows. Steps without a round (a cooldown's) change nothing.
import type { CommittedUpdate, CoordinatorEvent } from "../../sdk/roundHistory";
import { acceptedSteps, dataSeedAt, epochSlotsAt } from "../../sdk/roundHistory";
import { receiptBytes } from "../node/runReplay";
import type { SharedParameters } from "../node/sharedParameters";

/**
 * Yields each of `steps` (ascending) with its base, `shared`'s parameters once the accepted rounds up to step − 2 are
 * applied to them in place: read the base before resuming. `fetchBytes` gives an accepted update's bytes by
 * (member, step), checked here against its receipt.
 */
export async function* roundBases(
  shared: SharedParameters,
  events: readonly CoordinatorEvent[],
  steps: readonly bigint[],
  fetchBytes: (update: CommittedUpdate) => Promise<Uint8Array>,
): AsyncGenerator<{ step: bigint; base: readonly Float32Array[] }> {
  const accepted = acceptedSteps(events);
  let next = 0;
  for (const step of steps) {
    for (; next < accepted.length && accepted[next].step <= step - 2n; next++) {
      const { step: applied, updates } = accepted[next];
      const bytes: Uint8Array[] = [];
      for (const u of updates) bytes.push(receiptBytes(u, await fetchBytes(u)));
      shared.applyRound(Number(applied), bytes);
    }
    yield { step, base: shared.params };
  }
}

/** Round `step`'s data seed and epoch members, as the chain recorded them. */
export function roundDraw(
  events: readonly CoordinatorEvent[],
  step: bigint,
): { dataSeed: Uint8Array; epochSlots: number[] } {
  return { dataSeed: dataSeedAt(events, step), epochSlots: epochSlotsAt(events, step) };
}
