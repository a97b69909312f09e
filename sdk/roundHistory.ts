// A run's record of every round, from the coordinator's own events: ReceiptCommitted (member, slot, epoch, step,
// hash, size) and WitnessSubmitted (the slots a witness brought to quorum). Together they say, for any step of any
// epoch, which updates every honest node applied and in what order, without the accounts' bitmaps (which cover only
// the last two epochs) or EpochReceipts flags (settled lazily). EpochStarted and EpochMemberRemoved give the epoch
// members a round's rows were drawn among (epochSlotsAt), and RoundStarted the seed they were drawn with
// (dataSeedAt). Pure: the caller fetches the transaction logs.
import { BorshCoder, EventParser } from "@coral-xyz/anchor";
import type { PublicKey } from "@solana/web3.js";
import { toBigInt } from "./coordinatorAccounts";
import { COORDINATOR_IDL } from "./coordinatorProgram";
import { ConcordError } from "./errors/concordError";
import { CONCORD_ERROR__TRAINER__ROUND_UNDECIDABLE } from "./errors/codes";

export interface CommittedUpdate {
  readonly slot: number;
  readonly member: PublicKey;
  readonly epoch: bigint;
  readonly step: bigint;
  readonly hash: Uint8Array;
  readonly size: number;
  /** The training loss the member reported. */
  readonly loss: number;
}

export interface AcceptedStep {
  readonly step: bigint;
  /** Ascending by slot: the order every node applies them in. */
  readonly updates: CommittedUpdate[];
}

export interface CoordinatorEvent {
  readonly name: string;
  readonly data: Record<string, unknown>;
}

// Built once per program id: a replay parses the logs of every transaction of a run.
const parsers = new Map<string, EventParser>();

/** The coordinator's events in one transaction's logs, in order. */
export function coordinatorEvents(programId: PublicKey, logs: readonly string[]): CoordinatorEvent[] {
  let parser = parsers.get(programId.toBase58());
  if (!parser)
    parsers.set(programId.toBase58(), (parser = new EventParser(programId, new BorshCoder(COORDINATOR_IDL))));
  return [...parser.parseLogs([...logs])].map((e) => ({ name: e.name, data: e.data as Record<string, unknown> }));
}

/** Slots set in a 32-byte member bitmap (bit i of byte i / 8), ascending. */
export function bitmapSlots(bitmap: readonly number[] | Uint8Array): number[] {
  const slots: number[] = [];
  for (let i = 0; i < bitmap.length * 8; i++) if ((bitmap[i >> 3] >> (i & 7)) & 1) slots.push(i);
  return slots;
}

/** Every receipt the events record (ReceiptCommitted), in their order. */
export function committedUpdates(events: readonly CoordinatorEvent[]): CommittedUpdate[] {
  return events
    .filter((e) => e.name === "receiptCommitted")
    .map((e) => {
      const d = e.data as {
        slot: number;
        member: PublicKey;
        epoch: object;
        step: object;
        hash: number[];
        size: number;
        loss: number;
      };
      return {
        slot: d.slot,
        member: d.member,
        epoch: toBigInt(d.epoch),
        step: toBigInt(d.step),
        hash: Uint8Array.from(d.hash),
        size: d.size,
        loss: d.loss,
      };
    });
}

/**
 * Every step with at least one accepted receipt, ascending, from the events of a run's successful transactions
 * (any order). Throws ROUND_UNDECIDABLE when a witness accepted a slot with no commit of that step on record.
 */
export function acceptedSteps(events: readonly CoordinatorEvent[]): AcceptedStep[] {
  const commits = new Map(committedUpdates(events).map((c) => [`${c.step}/${c.slot}`, c]));
  const accepted = new Map<bigint, Set<number>>();
  for (const e of events) {
    if (e.name === "witnessSubmitted") {
      const d = e.data as { step: object; newlyAccepted: number[] };
      const step = toBigInt(d.step);
      const set = accepted.get(step) ?? new Set<number>();
      for (const slot of bitmapSlots(d.newlyAccepted)) set.add(slot);
      accepted.set(step, set);
    }
  }
  return [...accepted.entries()]
    .filter(([, slots]) => slots.size > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([step, slots]) => ({
      step,
      updates: [...slots]
        .sort((a, b) => a - b)
        .map((slot) => {
          const commit = commits.get(`${step}/${slot}`);
          if (!commit)
            throw new ConcordError(CONCORD_ERROR__TRAINER__ROUND_UNDECIDABLE, {
              step,
              reason: `slot ${slot} was accepted but no commit of it is on record`,
            });
          return commit;
        }),
    }));
}

/**
 * The epoch members whose rows round `step` was drawn among (sdk/batchAssignment.ts's epochSlots), ascending: the
 * members of the last EpochStarted at or before the step, less those an EpochMemberRemoved took out from a step at
 * or before it. `events` in the order the chain recorded them (an aborted warmup's members are replaced by the next
 * EpochStarted of the same step). Throws ROUND_UNDECIDABLE when no epoch started at or before the step.
 */
export function epochSlotsAt(events: readonly CoordinatorEvent[], step: bigint): number[] {
  let slots: Set<number> | undefined;
  for (const e of events) {
    if (e.name !== "epochStarted" && e.name !== "epochMemberRemoved") continue;
    const d = e.data as { step: object; members?: number[]; slot?: number };
    if (toBigInt(d.step) > step) continue;
    if (e.name === "epochStarted") slots = new Set(bitmapSlots(d.members!));
    else slots?.delete(d.slot!);
  }
  if (!slots)
    throw new ConcordError(CONCORD_ERROR__TRAINER__ROUND_UNDECIDABLE, {
      step,
      reason: "no epoch started at or before it on record",
    });
  return [...slots].sort((a, b) => a - b);
}

/** The first step of `epoch` (its last EpochStarted: an aborted warmup's is replaced), null while it has not started. */
export function epochStartStep(events: readonly CoordinatorEvent[], epoch: bigint): bigint | null {
  let step: bigint | null = null;
  for (const e of events) {
    if (e.name !== "epochStarted") continue;
    const d = e.data as { epoch: object; step: object };
    if (toBigInt(d.epoch) === epoch) step = toBigInt(d.step);
  }
  return step;
}

/**
 * The data seed of round `step` (the Run's data_seed while it trains; sdk/batchAssignment.ts): the program's
 * start_round moves the Run's seed to data_seed as it draws the round's own, so it is the seed of the last
 * RoundStarted before the round's, the Run's initial seed (all zero: the program never sets it) for the run's first
 * round. An aborted warmup starts no round and leaves the seed as it was, and steps only grow, so any order of events
 * gives the same answer.
 */
export function dataSeedAt(events: readonly CoordinatorEvent[], step: bigint): Uint8Array {
  let seed = new Uint8Array(32);
  let latest = -1n;
  for (const e of events) {
    if (e.name !== "roundStarted") continue;
    const d = e.data as { step: object; seed: number[] };
    const s = toBigInt(d.step);
    if (s < step && s > latest) [latest, seed] = [s, Uint8Array.from(d.seed)];
  }
  return seed;
}

/**
 * The parameter hashes the witnesses of round `step` reported (each the hash after rounds 0..step-1, as they held
 * it), in the order they were submitted: what a checkpoint of that many rounds is checked against.
 */
export function reportedParamsHashes(events: readonly CoordinatorEvent[], step: bigint): Uint8Array[] {
  return events.flatMap((e) => {
    if (e.name !== "witnessSubmitted") return [];
    const d = e.data as { step: object; hasParamsHash: boolean; paramsHash: number[] };
    return toBigInt(d.step) === step && d.hasParamsHash ? [Uint8Array.from(d.paramsHash)] : [];
  });
}

/** The steps whose round started (RoundStarted): a step the run reached but never ran (its end) is not among them. */
export function startedSteps(events: readonly CoordinatorEvent[]): Set<bigint> {
  return new Set(
    events.filter((e) => e.name === "roundStarted").map((e) => toBigInt((e.data as { step: object }).step)),
  );
}
