// What the dashboard shows, as a pure function of the Run account, the run's coordinator events (oldest first) and
// the time: no DOM and no I/O, so it is the same in the page and in a test.
import type { PublicKey } from "@solana/web3.js";
import type { RunAccount } from "../../sdk/coordinatorAccounts";
import { toBigInt } from "../../sdk/coordinatorAccounts";
import type { CoordinatorEvent } from "../../sdk/roundHistory";
import { acceptedSteps, committedUpdates } from "../../sdk/roundHistory";
import { nextTransitionAt, scheduleView } from "../../sdk/roundSchedule";
import { RunState, runStateOf } from "../../sdk/runState";

export interface MemberView {
  readonly key: string;
  readonly slot: number;
  readonly status: string;
  readonly stake: bigint;
  readonly committed: number;
  readonly accepted: number;
  /** This epoch's points, and the rounds accepted over the run. */
  readonly epochPoints: number;
  readonly acceptedRounds: bigint;
  readonly rewardsOwed: bigint;
  readonly openChallenges: number;
  /** The parameter hash it last reported as a witness (hex), and whether it is the one most witnesses of that step reported. */
  readonly paramsHash: string | null;
  readonly paramsAgree: boolean | null;
}

export interface ChallengeView {
  readonly challenge: string;
  readonly member: string;
  readonly challenger: string;
  readonly step: bigint;
  readonly status: "open" | "confirmed" | "rejected";
  readonly slashed: bigint;
}

export interface RunView {
  readonly state: string;
  readonly epoch: bigint;
  readonly step: bigint;
  readonly totalSteps: bigint;
  readonly round: number;
  /** Seconds until tick may move the run (0 when due now), null when only an outside event can. */
  readonly nextTransitionIn: number | null;
  readonly members: MemberView[];
  readonly challenges: ChallengeView[];
  /** Per member key: [step, loss] of each receipt it committed. */
  readonly lossByMember: Map<string, [number, number][]>;
  /** [step, mean loss of the accepted receipts] per step with any accepted. */
  readonly acceptedMeanLoss: [number, number][];
  /** [step, bytes of the updates committed that step], and their total. */
  readonly bytesByStep: [number, number][];
  readonly totalBytes: number;
}

const hex = (bytes: readonly number[] | Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const keyOf = (k: PublicKey | { toBase58(): string }) => k.toBase58();
const variant = (e: object) => Object.keys(e)[0];

/** The parameter hash each witness last reported, and the hash most witnesses of that same step reported. */
function paramsReports(events: readonly CoordinatorEvent[]): Map<string, { hash: string; agrees: boolean }> {
  const byStep = new Map<bigint, Map<string, string>>();
  const last = new Map<string, bigint>();
  for (const e of events) {
    if (e.name !== "witnessSubmitted") continue;
    const d = e.data as { witness: PublicKey; step: object; hasParamsHash: boolean; paramsHash: number[] };
    if (!d.hasParamsHash) continue;
    const step = toBigInt(d.step);
    const reports = byStep.get(step) ?? new Map<string, string>();
    reports.set(keyOf(d.witness), hex(d.paramsHash));
    byStep.set(step, reports);
    last.set(keyOf(d.witness), step);
  }
  const result = new Map<string, { hash: string; agrees: boolean }>();
  for (const [witness, step] of last) {
    const reports = [...byStep.get(step)!.values()];
    const counts = new Map<string, number>();
    for (const h of reports) counts.set(h, (counts.get(h) ?? 0) + 1);
    const top = Math.max(...counts.values());
    const hash = byStep.get(step)!.get(witness)!;
    result.set(witness, { hash, agrees: counts.get(hash) === top });
  }
  return result;
}

function challenges(events: readonly CoordinatorEvent[]): ChallengeView[] {
  const found = new Map<string, ChallengeView>();
  for (const e of events) {
    if (e.name === "challengeOpened") {
      const d = e.data as { challenge: PublicKey; challenger: PublicKey; member: PublicKey; step: object };
      found.set(keyOf(d.challenge), {
        challenge: keyOf(d.challenge),
        member: keyOf(d.member),
        challenger: keyOf(d.challenger),
        step: toBigInt(d.step),
        status: "open",
        slashed: 0n,
      });
    } else if (e.name === "challengeResolved") {
      const d = e.data as { challenge: PublicKey; confirmed: boolean; slashed: object };
      const opened = found.get(keyOf(d.challenge));
      if (opened)
        found.set(opened.challenge, {
          ...opened,
          status: d.confirmed ? "confirmed" : "rejected",
          slashed: toBigInt(d.slashed),
        });
    }
  }
  return [...found.values()];
}

/** Everything the page shows; `now` in unix seconds. */
export function runView(run: RunAccount, events: readonly CoordinatorEvent[], now: number): RunView {
  const commits = committedUpdates(events);
  let accepted: ReturnType<typeof acceptedSteps> = [];
  try {
    accepted = acceptedSteps(events);
  } catch {
    accepted = []; // a witness event whose commit is not fetched yet: complete on the next refresh
  }
  const committedBy = new Map<string, number>();
  const acceptedBy = new Map<string, number>();
  const lossByMember = new Map<string, [number, number][]>();
  const bytes = new Map<number, number>();
  for (const c of commits) {
    const key = keyOf(c.member);
    committedBy.set(key, (committedBy.get(key) ?? 0) + 1);
    lossByMember.set(key, [...(lossByMember.get(key) ?? []), [Number(c.step), c.loss]]);
    bytes.set(Number(c.step), (bytes.get(Number(c.step)) ?? 0) + c.size);
  }
  for (const u of accepted.flatMap((s) => s.updates))
    acceptedBy.set(keyOf(u.member), (acceptedBy.get(keyOf(u.member)) ?? 0) + 1);
  const params = paramsReports(events);
  const next = nextTransitionAt(scheduleView(run));
  const members = run.members
    .map((m, slot) => ({ m, slot }))
    .filter(({ m }) => !("free" in m.status))
    .map(({ m, slot }): MemberView => {
      const key = keyOf(m.key);
      return {
        key,
        slot,
        status: variant(m.status) + (m.inEpoch ? "" : " (not in epoch)"),
        stake: toBigInt(m.stake),
        committed: committedBy.get(key) ?? 0,
        accepted: acceptedBy.get(key) ?? 0,
        epochPoints: m.epochPoints,
        acceptedRounds: toBigInt(m.acceptedRounds),
        rewardsOwed: toBigInt(m.rewardsOwed),
        openChallenges: m.openChallenges,
        paramsHash: params.get(key)?.hash ?? null,
        paramsAgree: params.get(key)?.agrees ?? null,
      };
    });
  const bytesByStep = [...bytes.entries()].sort(([a], [b]) => a - b);
  return {
    state: RunState[runStateOf(run.state)],
    epoch: toBigInt(run.epoch),
    step: toBigInt(run.step),
    totalSteps: toBigInt(run.config.totalSteps),
    round: run.round,
    nextTransitionIn: next === null ? null : Math.max(0, Number(next) - now),
    members,
    challenges: challenges(events),
    lossByMember,
    acceptedMeanLoss: accepted.map((s) => [
      Number(s.step),
      s.updates.reduce((sum, u) => sum + u.loss, 0) / s.updates.length,
    ]),
    bytesByStep,
    totalBytes: bytesByStep.reduce((sum, [, b]) => sum + b, 0),
  };
}
