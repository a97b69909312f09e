// `concord join` (alias `stake`): joins a run, or adds stake, without training: the join `concord train` makes
// (trainer/node/membership.ts), checked first so that whatever the program would refuse is one line and no fee.
import { Connection, LAMPORTS_PER_SOL } from "@solana/web3.js";
import { providerFor } from "../../../coordinator/localnet/localnetClient";
import { ACCOUNT_SIZES, memberEndpoint, toBigInt } from "../../../sdk/coordinatorAccounts";
import { coordinatorProgram } from "../../../sdk/coordinatorProgram";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";
import { MAX_ENDPOINT_BYTES } from "../../../sdk/peer/peerMessages";
import { RunState, runStateOf } from "../../../sdk/runState";
import { TransactionSender } from "../../../sdk/transactionSender";
import { planJoin } from "../../../trainer/node/membership";
import { lamportsOf } from "../../../sdk/runPlan";
import type { ClusterArgs } from "./clusterArgs";
import { rpcUrlOf, walletOf } from "./clusterArgs";
import { isLeaving, memberStanding, readRun, unbondingOfStanding, unbondsText } from "./memberStanding";
import { runAddress } from "./runAddress";

/** A fee's worth of headroom for the join transaction (5000 lamports a signature). */
const FEE_LAMPORTS = 5000n;

/** --endpoint as the program and peers take it: a ws(s) URL of at most the on-chain 64 bytes. */
export function parseEndpoint(endpoint: string): string {
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  const reason = !url
    ? "not a URL"
    : url.protocol !== "ws:" && url.protocol !== "wss:"
      ? "must start with ws:// or wss://"
      : Buffer.byteLength(endpoint) > MAX_ENDPOINT_BYTES
        ? `longer than the on-chain endpoint's ${MAX_ENDPOINT_BYTES} bytes`
        : null;
  if (reason) throw new ConcordError(codes.CONCORD_ERROR__TRAINER__INVALID_ENDPOINT, { endpoint, reason });
  return endpoint;
}

export async function runJoin(
  args: ClusterArgs & { run: string; stake?: number; endpoint?: string; json: boolean },
): Promise<void> {
  const run = runAddress(args.run);
  if (args.stake !== undefined && !(args.stake > 0))
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__VALUE_OUT_OF_RANGE, {
      name: "--stake",
      value: args.stake,
      range: "a positive SOL amount",
    });
  const stake = args.stake === undefined ? undefined : lamportsOf(args.stake);
  const endpoint = args.endpoint === undefined ? undefined : parseEndpoint(args.endpoint);
  const connection = new Connection(await rpcUrlOf(args), "confirmed");
  const wallet = await walletOf(args);
  const member = wallet.publicKey;
  const who = { member: member.toBase58(), run: run.toBase58() };
  const { programId, run: state } = await readRun(connection, run);
  if (runStateOf(state.state) === RunState.Finished)
    throw new ConcordError(codes.CONCORD_ERROR__TRAINER__RUN_FINISHED, who);

  const program = coordinatorProgram(providerFor(connection, wallet), programId);
  const plan = await planJoin(program, run, state, member, { endpoint, firstStake: stake, addStake: stake });
  if (!plan.existing) {
    if (plan.endpoint === undefined) throw new ConcordError(codes.CONCORD_ERROR__TRAINER__ENDPOINT_REQUIRED, who);
    const minStake = toBigInt(state.config.minStake);
    if (plan.stake < minStake)
      throw new ConcordError(codes.CONCORD_ERROR__TRAINER__STAKE_TOO_LOW, {
        ...who,
        stake: plan.stake,
        minStake,
        minSol: Number(minStake) / LAMPORTS_PER_SOL,
      });
  } else {
    const standing = await memberStanding(connection, run, member);
    if (isLeaving(standing))
      throw new ConcordError(codes.CONCORD_ERROR__TRAINER__ALREADY_LEAVING, {
        ...who,
        epoch: toBigInt(standing.member.leaveEpoch),
        unbonds: `${unbondsText(unbondingOfStanding(standing), standing.run)}; withdraw, then join again`,
      });
  }
  const rent = plan.existing ? 0n : BigInt(await connection.getMinimumBalanceForRentExemption(ACCOUNT_SIZES.member));
  const needed = plan.stake + rent + FEE_LAMPORTS;
  const balance = BigInt(await connection.getBalance(member, "confirmed"));
  if (plan.instruction && balance < needed)
    throw new ConcordError(codes.CONCORD_ERROR__TRAINER__INSUFFICIENT_BALANCE, { ...who, balance, needed });

  const signature = plan.instruction
    ? await new TransactionSender(connection, wallet).send([plan.instruction])
    : undefined;
  const after = await memberStanding(connection, run, member);
  const total = toBigInt(after.entry.stake);
  const result = {
    ...who,
    slot: after.member.slot,
    joined: !plan.existing,
    added: Number(plan.stake),
    stake: Number(total),
    endpoint: memberEndpoint(after.member),
    signature: signature ?? null,
  };
  if (args.json) console.log(JSON.stringify(result));
  else if (!plan.existing)
    console.log(
      `${who.member} joined run ${who.run} in slot ${result.slot} with a stake of ${total} lamports; peers dial ` +
        `${result.endpoint}; it takes part from the next epoch that starts (train with concord train)`,
    );
  else if (signature)
    console.log(
      `${who.member} added ${plan.stake} lamports of stake in run ${who.run}: ${total} lamports in all; peers dial ${result.endpoint}`,
    );
  else
    console.log(
      `${who.member} is a member of run ${who.run} already, with ${total} lamports staked: nothing to change`,
    );
}
