// `concord run status --run R`: where a run stands, from its Run account and the chain's clock: state, epoch, step,
// members, when the next transition is due, the vault, the last checkpoint and the configuration.
import { bytesToHex } from "@noble/hashes/utils";
import { chainTime } from "../../../coordinator/crank/crank";
import { checkpointUri, toBigInt } from "../../../sdk/coordinatorAccounts";
import { findVaultAddress } from "../../../sdk/coordinatorPdas";
import { rpcFailed } from "../../../sdk/errors/rpcFailed";
import { nextRunState, nextTransitionAt, scheduleView } from "../../../sdk/roundSchedule";
import { RunState } from "../../../sdk/runState";
import type { ClusterArgs } from "./clusterArgs";
import { readRun } from "./runAuthority";
import { configValues } from "./runConfigText";
import { solText } from "./solAmount";

export async function runStatus(args: ClusterArgs & { run: string; json: boolean }): Promise<void> {
  const { connection, run, account, programId } = await readRun(args);
  const vault = findVaultAddress(run, programId)[0];
  const [now, vaultLamports] = await Promise.all([
    chainTime(connection),
    connection.getBalance(vault, "confirmed").catch((e: unknown) => {
      throw rpcFailed("getBalance", e);
    }),
  ]);
  const view = scheduleView(account);
  const due = nextTransitionAt(view);
  const members = account.members.filter((m) => !("free" in m.status));
  const status = {
    run: run.toBase58(),
    runId: toBigInt(account.runId).toString(),
    authority: account.authority.toBase58(),
    state: RunState[view.state],
    pendingPause: account.pendingPause,
    epoch: Number(view.epoch),
    step: Number(view.step),
    totalSteps: Number(view.config.totalSteps),
    round: view.round,
    members: account.memberCount,
    epochMembers: account.epochMemberCount,
    activeMembers: members.filter((m) => "active" in m.status).length,
    /** Seconds until tick may move the run (0: due now); null when only joins or resume can. */
    nextTransitionIn: due === null ? null : Number(due > now ? due - now : 0n),
    nextState: due === null ? null : RunState[nextRunState(view, due > now ? due : now)],
    vault: vault.toBase58(),
    vaultLamports: String(vaultLamports),
    rewardPoolLamports: toBigInt(account.rewardPool).toString(),
    totalStakeLamports: toBigInt(account.totalStake).toString(),
    rewardsOwedLamports: toBigInt(account.rewardsOwed).toString(),
    checkpoint:
      account.checkpoint.uriLen === 0
        ? null
        : {
            epoch: Number(toBigInt(account.checkpoint.epoch)),
            step: Number(toBigInt(account.checkpoint.step)),
            hash: bytesToHex(Uint8Array.from(account.checkpoint.hash)),
            uri: checkpointUri(account),
          },
    config: configValues(account.config),
  };
  if (args.json) {
    console.log(JSON.stringify(status));
    return;
  }
  const c = account.config;
  const next =
    status.nextTransitionIn === null
      ? view.state === RunState.Finished
        ? "none (finished)"
        : view.state === RunState.Paused
          ? "none until `concord run resume`"
          : `none until enough members join (${view.epoch === 0n ? c.initMinClients : c.minClients} needed)`
      : status.nextTransitionIn === 0
        ? `to ${status.nextState} due now (any crank ticks it)`
        : `to ${status.nextState} in ${status.nextTransitionIn} s at the latest`;
  console.log(`run ${status.run} (id ${status.runId}), authority ${status.authority}`);
  console.log(
    `state ${status.state}${status.pendingPause ? " (pause pending at the round's end)" : ""}, epoch ${status.epoch}, ` +
      `step ${status.step}/${status.totalSteps}, round ${status.round + 1}/${c.roundsPerEpoch}`,
  );
  console.log(
    `members ${status.members} (${status.activeMembers} active, ${status.epochMembers} in this epoch; ` +
      `${c.initMinClients} to start, ${c.minClients} per later epoch)`,
  );
  console.log(`next transition: ${next}`);
  console.log(
    `vault ${solText(BigInt(vaultLamports))}: reward pool ${solText(toBigInt(account.rewardPool))}, ` +
      `stakes ${solText(toBigInt(account.totalStake))}, rewards owed ${solText(toBigInt(account.rewardsOwed))}`,
  );
  if (status.checkpoint)
    console.log(`checkpoint epoch ${status.checkpoint.epoch}: ${status.checkpoint.hash} at ${status.checkpoint.uri}`);
  console.log(
    `config: ${c.globalBatchSize} sequences of ${c.sequenceLength} per step, learning rate ${Math.fround(c.learningRate)}, ` +
      `${c.innerSteps} inner step(s) per round; phases warmup ${c.warmupTime} s, train ${c.maxRoundTrainTime} s, ` +
      `witness ${c.roundWitnessTime} s, cooldown ${c.cooldownTime} s, epoch ${c.epochTime} s; ${c.witnessNodes} witnesses; ` +
      `DeMo chunk ${c.demoChunk}, top-k ${c.demoTopK}, ${c.valueBits}-bit values; min stake ${solText(toBigInt(c.minStake))}, ` +
      `reward ${solText(toBigInt(c.rewardPerEpoch))} per epoch, challenge bond ${solText(toBigInt(c.challengeBond))}, ` +
      `slash ${c.slashBps} bps`,
  );
}
