// When a transaction sent to the local chain lands and is confirmed. "instant": it lands as sendTransaction arrives and
// subscribers hear of it at once. "cluster": what a real Solana cluster costs — sendTransaction answers at once
// (preflight included), the transaction lands at the next slot boundary in arrival order, and it is confirmed (status
// `confirmed`, notifications sent) one slot after landing, `finalized` one slot after that. Pure: slots in, slots and
// commitments out; the chain does the landing.
export const LATENCIES = ["instant", "cluster"] as const;
export type Latency = (typeof LATENCIES)[number];

export type Commitment = "processed" | "confirmed" | "finalized";

/**
 * The commitment a transaction that landed in `landedSlot` has reached in `slot`. Under instant latency it is final
 * at once (the local chain never forks). Under cluster latency a real cluster roots a block ~32 slots later; one slot
 * after `confirmed` is enough to show the step without making `finalized` clients wait 13 s for nothing.
 */
export function commitmentAt(latency: Latency, landedSlot: number, slot: number): Commitment {
  if (latency === "instant" || slot > landedSlot + 1) return "finalized";
  return slot === landedSlot + 1 ? "confirmed" : "processed";
}

/**
 * The next slot the clock stops at on its way to `target`. While transactions wait to land or to be confirmed, every
 * slot: each of those steps happens in its own slot, one after the other, even when the clock catches up several at
 * once (a busy event loop); otherwise straight to `target`.
 */
export const nextStop = (slot: number, target: number, waiting: boolean): number => (waiting ? slot + 1 : target);
