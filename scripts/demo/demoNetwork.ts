// The demo network: a training run on a local chain, driven through JSON-RPC exactly as separate machines would
// drive it, with every member simulated in this process. Members train a small transformer with DeMo on the rows
// the round seed assigns them, commit the hash of each encoded update on-chain and publish it with its receipt
// metadata (the compute that produced it), the round's witnesses check bytes and metadata against those receipts, and every member applies the receipts a quorum accepted. Members share one copy of
// the parameters here: honest members applying the same accepted set hold identical parameters anyway.
// Not here yet: peers exchanging bytes over websockets (the bytes pass in memory), auditors, checkpoints.
import { BN } from "@coral-xyz/anchor";
import { sha256 } from "@noble/hashes/sha256";
import type { PublicKey } from "@solana/web3.js";
import { Connection, LAMPORTS_PER_SOL } from "@solana/web3.js";
import { Crank } from "../../coordinator/crank/crank";
import { fundedKeypair, providerFor } from "../../coordinator/localnet/localnetClient";
import { assignBatchRows, roundDataSeed } from "../../sdk/batchAssignment";
import { decodeUpdate, encodeUpdate, updateHash } from "../../sdk/codec/updateCodec";
import type { RunAccount, RunConfig } from "../../sdk/coordinatorAccounts";
import * as ix from "../../sdk/coordinatorInstructions";
import { coordinatorProgram } from "../../sdk/coordinatorProgram";
import { batchOffsets } from "../../sdk/data/batchSampling";
import { vocabSize } from "../../sdk/data/datasetManifest";
import type { LrSchedule } from "../../sdk/lrSchedule";
import { learningRate } from "../../sdk/lrSchedule";
import type { ComputeDescriptor } from "../../sdk/receiptMetadata";
import { checkReceiptMetadata, decodeReceiptMetadata, encodeReceiptMetadata } from "../../sdk/receiptMetadata";
import { RunState, runStateOf } from "../../sdk/runState";
import { TransactionSender } from "../../sdk/transactionSender";
import type { Dataset } from "../../trainer/data/tokenShards";
import { windowsToBatch } from "../../trainer/data/tokenSource";
import type { TransformerConfig } from "../../trainer/model/transformer";
import { countParameters, initialWeights, Transformer } from "../../trainer/model/transformer";
import type { DemoConfig } from "../../trainer/optim/demo";
import { applyDemoUpdates, DemoWorker } from "../../trainer/optim/demo";
import { evaluateLoss } from "../../trainer/train/evaluate";

export interface DemoNetworkOptions {
  rpcUrl: string;
  dataset: Dataset;
  members: number;
  rounds: number;
  /** Sequences per round, split among the members by the round seed. */
  globalBatchSize?: number;
  model?: Partial<TransformerConfig>;
  /** The compute the members train on (computeDescriptor of the selected backend), published with every update. */
  compute: ComputeDescriptor;
  log?: (line: string) => void;
}

export interface RoundReport {
  step: number;
  /** Per committed member: its slot, the update bytes and receipt metadata it sent, its training loss. */
  commits: { slot: number; member: PublicKey; bytes: Uint8Array; metadata: Uint8Array; loss: number }[];
  acceptedSlots: number[];
}

export interface DemoNetworkReport {
  run: PublicKey;
  rounds: RoundReport[];
  valLossBefore: number;
  valLossAfter: number;
  /** Lamports each member received from claim at the end. */
  rewards: bigint[];
}

const DEMO: DemoConfig = {
  chunk: 64,
  topK: 16,
  decay: 0.999,
  format: "sign",
  weightDecay: 0,
  gradClip: 1,
  aggregation: { kind: "mean" },
};
const PEAK_LR = 4e-3;
const SOL = BigInt(LAMPORTS_PER_SOL);
const VAL_WINDOWS = 128;

/** sha256 over the initial weights: the model a run records on-chain. */
function modelHash(config: TransformerConfig, seed: number): Uint8Array {
  const h = sha256.create();
  for (const w of initialWeights(config, seed)) h.update(new Uint8Array(w.buffer, w.byteOffset, w.byteLength));
  return h.digest();
}

export async function runDemoNetwork(o: DemoNetworkOptions): Promise<DemoNetworkReport> {
  const log = o.log ?? (() => {});
  const connection = new Connection(o.rpcUrl, "confirmed");
  const authority = await fundedKeypair(connection, 50);
  const program = coordinatorProgram(providerFor(connection, authority));
  const asAuthority = new TransactionSender(connection, authority);
  const train = o.dataset.split("train");
  const val = o.dataset.split("val");

  const modelConfig: TransformerConfig = {
    vocabSize: vocabSize(o.dataset.manifest.tokenizer),
    contextLength: 64,
    layers: 2,
    heads: 4,
    width: 64,
    ...o.model,
  };
  const model = new Transformer(modelConfig, { seed: 1 });
  const shapes = model.specs.map((s) => s.shape);
  const decay = model.specs.map((s) => s.decay);
  const denseBytes = 4 * countParameters(modelConfig);
  const schedule: LrSchedule = {
    kind: "cosine",
    lr: PEAK_LR,
    minLr: PEAK_LR / 10,
    warmupSteps: 2,
    totalSteps: o.rounds,
  };

  // Given a run: one epoch of `rounds` rounds, every member needed, two witnesses (quorum 2) when there are two.
  const runId = BigInt(Date.now());
  const { run } = ix.runAddresses(program, runId);
  const config: RunConfig = {
    totalSteps: new BN(o.rounds),
    minStake: new BN((SOL / 10n).toString()),
    rewardPerEpoch: new BN((SOL / 2n).toString()),
    challengeBond: new BN((SOL / 100n).toString()),
    modelHash: Array.from(modelHash(modelConfig, 1)),
    datasetHash: Array.from(Buffer.from(o.dataset.hash, "hex")),
    warmupTime: 1,
    cooldownTime: 1,
    maxRoundTrainTime: 120,
    roundWitnessTime: 60,
    epochTime: 3600,
    globalBatchSize: o.globalBatchSize ?? 12,
    sequenceLength: modelConfig.contextLength,
    learningRate: PEAK_LR,
    demoDecay: DEMO.decay,
    minClients: o.members,
    initMinClients: o.members,
    witnessNodes: Math.min(2, o.members),
    roundsPerEpoch: Math.min(o.rounds, 64),
    demoChunk: DEMO.chunk,
    demoTopK: DEMO.topK,
    slashBps: 5000,
    demoSign1bit: true,
    padding: [0, 0, 0, 0, 0],
  };
  await asAuthority.send(await ix.createRunInstructions(program, { authority: authority.publicKey, runId, config }));
  await asAuthority.send([await ix.fundInstruction(program, { run, funder: authority.publicKey, amount: SOL })]);
  log(
    `run ${run.toBase58()} created: ${o.rounds} rounds, global batch ${config.globalBatchSize}, model ${shapes.length} tensors`,
  );

  // And members who stake and join
  const members = await Promise.all(Array.from({ length: o.members }, () => fundedKeypair(connection, 2)));
  const asMember = members.map((k) => coordinatorProgram(providerFor(connection, k)));
  const memberSenders = members.map((k) => new TransactionSender(connection, k));
  for (const [i, k] of members.entries()) {
    await memberSenders[i].send([
      await ix.joinInstruction(asMember[i], {
        run,
        member: k.publicKey,
        endpoint: `demo://member-${i}`,
        stake: BigInt(config.minStake.toString()),
      }),
    ]);
  }
  const workers = members.map(() => new DemoWorker(shapes, DEMO));
  const valLossBefore = evaluateLoss(model, val, VAL_WINDOWS);
  log(`${o.members} members joined; validation loss ${valLossBefore.toFixed(3)}`);

  const rounds: RoundReport[] = [];
  // slot -> this round's update bytes and receipt metadata, as peers would pass them
  const gossip = new Map<number, { bytes: Uint8Array; metadata: Uint8Array }>();
  let current: RoundReport | undefined;
  const slotOf = (account: RunAccount, key: PublicKey) => account.members.findIndex((m) => m.key.equals(key));

  const crank = new Crank(program, run, asAuthority);
  for (;;) {
    await crank.untilIdle();
    const account = await program.account.run.fetch(run);
    const state = runStateOf(account.state);
    const step = Number(account.step.toString());
    if (state === RunState.Finished) break;

    if (state === RunState.RoundTrain && current?.step !== step) {
      // When the round starts, each member trains on its assigned rows and commits its update's hash
      current = { step, commits: [], acceptedSlots: [] };
      gossip.clear();
      const seed = Uint8Array.from(account.seed);
      const epochSlots = account.members.flatMap((m, s) => (m.inEpoch ? [s] : []));
      const lr = learningRate(schedule, step);
      for (const [i, k] of members.entries()) {
        const slot = slotOf(account, k.publicKey);
        const rows = assignBatchRows(seed, epochSlots, slot, config.globalBatchSize);
        if (!rows) continue;
        const seqLen = modelConfig.contextLength;
        const offsets = batchOffsets({ seed: roundDataSeed(seed), batchId: step >>> 0, seqLen, ...rows }, train.length);
        const { loss: lossValue, grads } = model.lossAndGradArrays(windowsToBatch(train, offsets, seqLen), rows.rows);
        const bytes = encodeUpdate(workers[i].step(grads, lr / PEAK_LR));
        const hash = updateHash(bytes);
        const epoch = Number(account.epoch.toString());
        const metadata = encodeReceiptMetadata({
          run,
          member: k.publicKey,
          epoch,
          step,
          updateHash: hash,
          updateBytes: bytes.length,
          loss: Math.fround(lossValue),
          compute: o.compute,
        });
        await memberSenders[i].send([
          await ix.commitInstruction(asMember[i], {
            run,
            member: k.publicKey,
            epoch: BigInt(epoch),
            step: BigInt(step),
            hash,
            size: bytes.length,
            loss: lossValue,
          }),
        ]);
        gossip.set(slot, { bytes, metadata });
        current.commits.push({ slot, member: k.publicKey, bytes, metadata, loss: lossValue });
      }
      continue;
    }

    if (state === RunState.RoundWitness && current?.step === step && !rounds.includes(current)) {
      // Then the round's witnesses vouch for the receipts whose bytes they received and checked
      const pending = account.witnesses.slice(0, account.roundWitnessCount).filter((w) => !w.submitted);
      for (const w of pending) {
        const verified = account.roundReceipts.flatMap((r, slot) => {
          const sent = gossip.get(slot);
          if (!r.committed || !sent || !Buffer.from(updateHash(sent.bytes)).equals(Buffer.from(r.hash))) return [];
          // malformed bytes or metadata that does not describe this receipt throw here and are not vouched for
          decodeUpdate(sent.bytes, workers[0].layout);
          checkReceiptMetadata(decodeReceiptMetadata(sent.metadata), {
            run,
            member: account.members[slot].key,
            step,
            receipt: { hash: r.hash, size: r.size, loss: r.loss },
          });
          return [slot];
        });
        const i = members.findIndex((k) => slotOf(account, k.publicKey) === w.slot);
        await memberSenders[i].send([
          await ix.witnessInstruction(asMember[i], {
            run,
            witness: members[i].publicKey,
            step: BigInt(step),
            bitmap: ix.memberBitmap(verified),
          }),
        ]);
      }
      // And every member applies exactly what the quorum accepted, in slot order
      const after = await program.account.run.fetch(run);
      current.acceptedSlots = after.roundReceipts.flatMap((r, slot) => (r.accepted ? [slot] : []));
      const updates = current.acceptedSlots.map((slot) => decodeUpdate(gossip.get(slot)!.bytes, workers[0].layout));
      if (updates.length) applyDemoUpdates(model.params, decay, updates, learningRate(schedule, step), DEMO, model.ops);
      rounds.push(current);
      const losses = current.commits.map((c) => c.loss.toFixed(3)).join(" ");
      const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
      log(
        `round ${step}: ${current.commits.length} receipts (train loss ${losses}; updates of ` +
          `${kib(current.commits[0]?.bytes.length ?? 0)} vs ${kib(denseBytes)} dense), ` +
          `${current.acceptedSlots.length} accepted by ${pending.length} witnesses`,
      );
      continue;
    }

    // Otherwise (warmup, cooldown) wait a little for the chain's clock; the crank ticks once a transition is due
    await new Promise((r) => setTimeout(r, 200));
  }

  const valLossAfter = evaluateLoss(model, val, VAL_WINDOWS);
  log(
    `run finished after ${rounds.length} rounds: validation loss ${valLossBefore.toFixed(3)} -> ${valLossAfter.toFixed(3)}`,
  );
  const rewards: bigint[] = [];
  for (const [i, k] of members.entries()) {
    const balance = BigInt(await connection.getBalance(k.publicKey));
    await memberSenders[i].send([await ix.memberPayoutInstruction(asMember[i], "claim", { run, member: k.publicKey })]);
    rewards.push(BigInt(await connection.getBalance(k.publicKey)) - balance);
  }
  log(`members claimed ${rewards.map((r) => `${Number(r) / LAMPORTS_PER_SOL} SOL`).join(", ")} (fees included)`);
  model.dispose();
  return { run, rounds, valLossBefore, valLossAfter, rewards };
}
