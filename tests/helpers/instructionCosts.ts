// Compute units and transaction sizes of every coordinator instruction in a run with a given number of members, each
// at its costly case. Used by bench/program.ts (the table in BENCHMARKS.md) and tests/coordinator-compute.test.ts.
import { BN } from "@coral-xyz/anchor";
import { sha256 } from "@noble/hashes/sha256";
import type { Keypair, TransactionInstruction } from "@solana/web3.js";
import { Transaction } from "@solana/web3.js";
import * as ix from "../../sdk/coordinatorInstructions";
import { RunState } from "../../sdk/runState";
import { witnessQuorum } from "../../sdk/witnessSelection";
import { CoordinatorHarness, receiptHash, runConfig, SOL } from "./coordinatorHarness";
import type { TxResult } from "./testChain";
import { toBigInt } from "../../sdk/coordinatorAccounts";

/** Solana's limits per transaction. */
export const MAX_COMPUTE_UNITS = 1_400_000;
export const MAX_TRANSACTION_BYTES = 1232;

export interface Measure {
  computeUnits: number;
  bytes: number;
}
export type Row = Map<number, Measure>;

/** Serialized size of a legacy transaction carrying `instructions`, signed by `signers` (first pays the fee). */
function transactionSize(h: CoordinatorHarness, instructions: TransactionInstruction[], signers: Keypair[]): number {
  const tx = new Transaction({ feePayer: signers[0].publicKey, recentBlockhash: h.chain.svm.latestBlockhash() });
  tx.add(...instructions);
  tx.sign(...signers);
  return tx.serialize().length;
}

class Bench {
  readonly rows = new Map<string, Row>();

  constructor(readonly members: number) {}

  /** Sends, records compute units and size under `name`, and insists on success. */
  send(
    h: CoordinatorHarness,
    name: string,
    instructions: TransactionInstruction[],
    signers: Keypair[] = [h.authority],
  ): TxResult {
    const bytes = transactionSize(h, instructions, signers);
    const r = h.expectOk(h.send(instructions, signers));
    const row = this.rows.get(name) ?? new Map<number, Measure>();
    row.set(this.members, { computeUnits: r.computeUnits, bytes });
    this.rows.set(name, row);
    return r;
  }
}

/** Every instruction's cost with `members` members, by a descriptive name. */
export async function measureInstructions(members: number): Promise<Map<string, Row>> {
  const b = new Bench(members);
  const h = new CoordinatorHarness(BigInt(members));
  const p = h.program;
  const witnesses = Math.min(members, 32);
  const config = runConfig({
    minClients: witnesses,
    initMinClients: members,
    witnessNodes: witnesses,
    roundsPerEpoch: 2,
    totalSteps: new BN(3),
  });
  const authority = { run: h.run, authority: h.authority.publicKey };

  const create = await ix.createRunInstructions(p, { authority: h.authority.publicKey, runId: h.runId, config });
  b.rows.set(
    "create run (initialize_run + 3 extend_run, one tx)",
    new Map([[members, { computeUnits: 0, bytes: transactionSize(h, create, [h.authority]) }]]),
  );
  b.send(h, "initialize_run", [create[0]]);
  for (const extend of create.slice(1)) b.send(h, "extend_run", [extend]);
  b.send(h, "fund", [await ix.fundInstruction(p, { run: h.run, funder: h.authority.publicKey, amount: 10n * SOL })]);

  const all: Keypair[] = [];
  for (let i = 0; i < members; i++) {
    const m = h.newMember();
    all.push(m);
    const join = await ix.joinInstruction(p, {
      run: h.run,
      member: m.publicKey,
      endpoint: "ws://203.0.113.7:9000",
      stake: SOL,
    });
    if (i === members - 1) b.send(h, "join (new member, last free slot)", [join], [m]);
    else h.expectOk(h.send([join], [m]));
  }
  const last = all[members - 1];
  b.send(
    h,
    "join (top-up)",
    [await ix.joinInstruction(p, { run: h.run, member: last.publicKey, endpoint: "ws://x", stake: SOL })],
    [last],
  );
  b.send(h, "update_config", [await ix.updateConfigInstruction(p, { ...authority, config })]);

  const tick = async (name: string) => b.send(h, name, [await ix.tickInstruction(p, h.run)]);
  await tick("tick WaitingForMembers -> Warmup");
  h.advance(config.warmupTime);
  await tick("tick Warmup -> RoundTrain (seed, witness draw)");

  /** A full round: the last commit and the last witness make the round's transitions, `midRound` runs between. */
  const playRound = async (label: string, closes: string, midRound: () => Promise<void> = async () => {}) => {
    const run = h.runAccount();
    const step = toBigInt(run.step);
    const epoch = toBigInt(run.epoch);
    for (const m of all) {
      const commit = await ix.commitInstruction(p, {
        run: h.run,
        member: m.publicKey,
        epoch,
        step,
        hash: receiptHash(m.publicKey, step),
        size: 1 << 20,
        loss: 2.5,
      });
      if (m === last) b.send(h, `commit (${label}, last slot, completes: -> RoundWitness)`, [commit], [m]);
      else h.expectOk(h.send([commit], [m]));
    }
    await midRound();
    const bitmap = ix.memberBitmap(all.map((_, slot) => slot));
    const round = h.witnesses();
    for (const [k, w] of round.entries()) {
      const witness = await ix.witnessInstruction(p, {
        run: h.run,
        witness: w.publicKey,
        step,
        bitmap,
        paramsHash: sha256("params"),
      });
      // the witness whose confirmation completes the quorum accepts every receipt; the last one closes the round
      if (k === witnessQuorum(round.length) - 1) b.send(h, "witness (full bitmap, reaches quorum)", [witness], [w]);
      else if (k === round.length - 1) b.send(h, `witness (full bitmap, the last: ${closes})`, [witness], [w]);
      else h.expectOk(h.send([witness], [w]));
    }
  };
  await playRound("creates receipts account", "-> RoundTrain, seed, witness draw", async () => {
    b.send(h, "pause (pending, mid-round)", [await ix.authorityInstruction(p, "pause", authority)]);
    b.send(h, "resume (cancels pending pause)", [await ix.authorityInstruction(p, "resume", authority)]);
  });
  await playRound("receipts account exists", "-> Cooldown");
  b.send(h, "checkpoint", [
    await ix.checkpointInstruction(p, {
      ...authority,
      epoch: 0,
      hash: sha256("ckpt"),
      uri: "https://example.org/checkpoints/run/epoch-0.safetensors",
    }),
  ]);
  h.advance(config.cooldownTime);
  await tick("tick Cooldown -> WaitingForMembers (epoch rewards)");

  b.send(h, "claim", [await ix.memberPayoutInstruction(p, "claim", { run: h.run, member: last.publicKey })], [last]);
  const [accused, challenger, auditor] = [all[members - 1], all[0], all[1]];
  b.send(
    h,
    "challenge",
    [
      await ix.challengeInstruction(p, {
        run: h.run,
        challenger: challenger.publicKey,
        member: accused.publicKey,
        epoch: 0,
        step: 1,
        evidenceHash: sha256("report"),
      }),
    ],
    [challenger],
  );
  const resolve = { run: h.run, member: accused.publicKey, step: 1, challenger: challenger.publicKey };
  if (members > 3)
    b.send(
      h,
      "resolve_challenge (auditor vote)",
      [await ix.resolveChallengeInstruction(p, { ...resolve, resolver: auditor.publicKey, approve: true })],
      [auditor],
    );
  b.send(h, "resolve_challenge (authority confirms, slash)", [
    await ix.resolveChallengeInstruction(p, { ...resolve, resolver: h.authority.publicKey, approve: true }),
  ]);

  const leaver = all[members - 2];
  b.send(h, "leave", [await ix.leaveInstruction(p, { run: h.run, member: leaver.publicKey })], [leaver]);
  b.send(h, "pause (immediate)", [await ix.authorityInstruction(p, "pause", authority)]);
  b.send(h, "resume", [await ix.authorityInstruction(p, "resume", authority)]);
  b.send(h, "finish", [await ix.authorityInstruction(p, "finish", authority)]);
  if (h.state() !== RunState.Finished) throw new Error("the run did not finish");
  h.advance(config.epochTime);
  b.send(
    h,
    "withdraw",
    [await ix.memberPayoutInstruction(p, "withdraw", { run: h.run, member: leaver.publicKey })],
    [leaver],
  );
  b.send(h, "version", [await p.methods.version().instruction()]);
  return b.rows;
}
