// `concord status`: a member's standing in a run, from the chain alone: stake, status, rewards owed and claimed,
// points of the epoch in progress, and per epoch since it joined the receipts it committed and how each was settled
// (its EpochReceipts accounts, read as the program settles them: sdk/receiptStatus.ts).
import type { PublicKey } from "@solana/web3.js";
import { Connection } from "@solana/web3.js";
import { decodeEpochReceipts, memberEndpoint, toBigInt } from "../../../sdk/coordinatorAccounts";
import { findEpochReceiptsAddress } from "../../../sdk/coordinatorPdas";
import { rpcFailed } from "../../../sdk/errors/rpcFailed";
import type { ReceiptStatus } from "../../../sdk/receiptStatus";
import { receiptStatus } from "../../../sdk/receiptStatus";
import { RunState, runStateOf } from "../../../sdk/runState";
import type { ClusterArgs } from "./clusterArgs";
import { rpcUrlOf, walletOf } from "./clusterArgs";
import type { MemberStanding } from "./memberStanding";
import { isLeaving, memberStanding, unbondingOfStanding, unbondsText } from "./memberStanding";
import { runAddress } from "./runAddress";

/** The JSON-RPC's limit on getMultipleAccounts. */
const ACCOUNTS_PER_CALL = 100;

export interface EpochTally {
  readonly epoch: number;
  readonly committed: number;
  readonly accepted: number;
  readonly rejected: number;
  /** Rounds still open to witnesses. */
  readonly pending: number;
  /**
   * Receipts of an epoch older than the Run's bitmaps (current and previous) whose flag was never settled: the
   * program copies acceptance into the account only when it next writes it, so the chain no longer says.
   */
  readonly unsettled: number;
}

/** Per epoch from the member's first to the run's current: its receipts and how they were settled. */
export async function epochTallies(connection: Connection, run: PublicKey, s: MemberStanding): Promise<EpochTally[]> {
  const epochs: bigint[] = [];
  for (let e = toBigInt(s.member.joinedEpoch); e <= toBigInt(s.run.epoch); e++) epochs.push(e);
  const tallies: EpochTally[] = [];
  for (let i = 0; i < epochs.length; i += ACCOUNTS_PER_CALL) {
    const batch = epochs.slice(i, i + ACCOUNTS_PER_CALL);
    const addresses = batch.map((e) => findEpochReceiptsAddress(run, s.member.key, e, s.programId)[0]);
    const infos = await connection.getMultipleAccountsInfo(addresses, "confirmed").catch((e: unknown) => {
      throw rpcFailed("getMultipleAccounts", e);
    });
    infos.forEach((info, j) => {
      if (!info) return;
      const receipts = decodeEpochReceipts(info.data, addresses[j].toBase58());
      const count = { accepted: 0, rejected: 0, pending: 0 } satisfies Record<ReceiptStatus, number>;
      receipts.receipts.forEach((_, r) => count[receiptStatus(s.run, s.member.slot, receipts, r)]++);
      const old = batch[j] + 1n < toBigInt(s.run.epoch);
      const { pending, ...settled } = count;
      tallies.push({
        epoch: Number(batch[j]),
        committed: receipts.receipts.length,
        ...settled,
        pending: old ? 0 : pending,
        unsettled: old ? pending : 0,
      });
    });
  }
  return tallies;
}

export async function runMemberStatus(
  args: ClusterArgs & { run: string; member?: string; json: boolean },
): Promise<void> {
  const run = runAddress(args.run);
  const key = args.member !== undefined ? runAddress(args.member, "--member") : (await walletOf(args)).publicKey;
  const connection = new Connection(await rpcUrlOf(args), "confirmed");
  const s = await memberStanding(connection, run, key);
  const epochs = await epochTallies(connection, run, s);
  const leaving = isLeaving(s);
  const status = {
    run: run.toBase58(),
    member: key.toBase58(),
    slot: s.member.slot,
    status: leaving ? "leaving" : "active",
    inEpoch: s.entry.inEpoch,
    endpoint: memberEndpoint(s.member),
    stake: Number(toBigInt(s.entry.stake)),
    rewardsOwed: Number(toBigInt(s.entry.rewardsOwed)),
    rewardsClaimed: Number(toBigInt(s.member.rewardsClaimed)),
    slashed: Number(toBigInt(s.member.slashed)),
    points: s.entry.epochPoints,
    openChallenges: s.entry.openChallenges,
    unbonds: leaving ? unbondsText(unbondingOfStanding(s), s.run) : null,
    runState: RunState[runStateOf(s.run.state)],
    epoch: Number(toBigInt(s.run.epoch)),
    step: Number(toBigInt(s.run.step)),
    epochs,
  };
  if (args.json) {
    console.log(JSON.stringify(status));
    return;
  }
  console.log(
    `member ${status.member} of run ${status.run}: slot ${status.slot}, ${status.status}` +
      `${status.inEpoch ? ", in the epoch in progress" : ""}, peers dial ${status.endpoint}`,
  );
  console.log(
    `stake ${status.stake} lamports; rewards owed ${status.rewardsOwed} lamports (claimed ${status.rewardsClaimed}); ` +
      `slashed ${status.slashed}; open challenges ${status.openChallenges}`,
  );
  console.log(
    `run ${status.runState}, epoch ${status.epoch}, step ${status.step}: ${status.points} point(s) this epoch`,
  );
  if (status.unbonds) console.log(`left: the stake unbonds ${status.unbonds}`);
  if (epochs.length === 0) console.log("no receipts committed yet");
  for (const e of epochs)
    console.log(
      `epoch ${e.epoch}: ${e.committed} receipt(s) committed, ${e.accepted} accepted, ${e.rejected} rejected, ` +
        `${e.pending} pending${e.unsettled ? `, ${e.unsettled} unsettled (the chain no longer records the outcome)` : ""}`,
    );
}
