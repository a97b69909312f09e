// What a member started a round from, re-derived from public data: the shared parameters as every honest node held
// them, the initial weights with the accepted updates of rounds 0..s-2 applied (the pipelining rule of
// trainer/node/trainerNode.ts) through the nodes' own applier, each accepted update's bytes checked against its
// receipt; and the round's data seed and epoch members, which with the member's slot fix its rows.
import { ConcordError } from "../../sdk/errors/concordError";
import { CONCORD_ERROR__TRAINER__ROUND_UNDECIDABLE } from "../../sdk/errors/codes";
import type { AcceptedStep, CoordinatorEvent } from "../../sdk/roundHistory";
import { dataSeedAt, epochSlotsAt } from "../../sdk/roundHistory";
import { receiptBytes } from "../node/runReplay";
import type { SharedParameters } from "../node/sharedParameters";
import type { PublicKey } from "@solana/web3.js";

export class RoundBases {
  /** Index in `accepted` of the first step not applied yet. */
  private next = 0;

  constructor(
    /** At the run's initial weights; advanced in place. */
    private readonly shared: SharedParameters,
    /** The run's accepted steps, ascending (sdk/roundHistory.ts's acceptedSteps). */
    private readonly accepted: readonly AcceptedStep[],
    /** What the member published for a receipt (auditInputs' lookup); null when no source has it. */
    private readonly published: (member: PublicKey, step: bigint, hash: Uint8Array) => { bytes: Uint8Array } | null,
  ) {}

  /**
   * The parameters round `step` trains from, asked for in ascending steps: the applier's own arrays, to be read before
   * the next call moves them on.
   */
  at(step: bigint): readonly Float32Array[] {
    for (; this.next < this.accepted.length && this.accepted[this.next].step < step - 1n; this.next++) {
      const { step: applied, updates } = this.accepted[this.next];
      const bytes: Uint8Array[] = [];
      for (const u of updates) {
        const p = this.published(u.member, u.step, u.hash);
        // without every accepted update, no later round's base can be derived
        if (!p)
          throw new ConcordError(CONCORD_ERROR__TRAINER__ROUND_UNDECIDABLE, {
            step: u.step,
            reason: `no bytes of ${u.member.toBase58()}'s accepted update (every later round's base needs them)`,
          });
        bytes.push(receiptBytes(u, p.bytes));
      }
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
