// Seeded fuzzing of the coordinator in litesvm: thousands of transactions mixing valid instructions (so the run
// really moves through its states), mutated ones (bytes, accounts, flags, signers) and random ones. Every
// transaction must either fail with a program error (one of the coordinator's codes, changing nothing) or be a
// legitimate success (known instruction, every account in the role the IDL gives it, required signers present),
// and after every transaction the invariants hold:
//   vault lamports = rent-exempt minimum + recorded stakes + reward pool + unclaimed rewards
//   stakes, rewards and points sum to the run's totals; no member holds two slots; counters match the table;
//   every registered member has its Member account; the state only moves along the state machine's edges.
// CONCORD_FUZZ_SEED and CONCORD_FUZZ_TRANSACTIONS override the defaults to replay or extend a campaign.
import { BN } from "@coral-xyz/anchor";
import type { AccountMeta, TransactionInstruction } from "@solana/web3.js";
import { Keypair, PublicKey, SystemProgram, SYSVAR_CLOCK_PUBKEY, SYSVAR_RENT_PUBKEY } from "@solana/web3.js";
import { sha256 } from "@noble/hashes/sha256";
import { coordinatorErrorName, INSTRUCTION_FALLBACK_NOT_FOUND } from "../sdk/coordinatorErrors";
import * as ix from "../sdk/coordinatorInstructions";
import {
  findChallengeAddress,
  findEpochReceiptsAddress,
  findMemberAddress,
  findRunAddress,
} from "../sdk/coordinatorPdas";
import { COORDINATOR_IDL } from "../sdk/coordinatorProgram";
import { idlFieldLayout } from "../sdk/idlLayout";
import { isRunStateEdge, RunState } from "../sdk/runState";
import { CoordinatorHarness, receiptHash, runConfig, SOL } from "./helpers/coordinatorHarness";
import { RunBytes } from "./helpers/runBytes";
import { SeededRandom } from "./helpers/seededRandom";
import type { TxResult } from "./helpers/testChain";

const SEED = Number(process.env.CONCORD_FUZZ_SEED ?? 20_251_125);
const TRANSACTIONS = Number(process.env.CONCORD_FUZZ_TRANSACTIONS ?? 2000);
/** The campaign stops early past this (a slow machine), but not before 1000 transactions. */
const TIME_BUDGET_MS = 60_000;
const CHALLENGE_DISCRIMINATOR = Buffer.from(
  COORDINATOR_IDL.instructions.find((i) => i.name === "challenge")!.discriminator,
);
const MEMBER_SLOT = idlFieldLayout(COORDINATOR_IDL, "member", "slot", 8).offset;
const SLOT_HASHES = new PublicKey("SysvarS1otHashes111111111111111111111111111");

type ProgramAccounts = Map<string, { lamports: bigint; data: Buffer }>;

interface Attempt {
  instructions: TransactionInstruction[];
  signers: Keypair[];
  kind: string;
}

/** The first program account whose lamports or bytes differ between two reads, or null. */
function changedAccount(before: ProgramAccounts, after: ProgramAccounts): string | null {
  for (const [address, a] of after) {
    const b = before.get(address);
    if (!b || b.lamports !== a.lamports || !b.data.equals(a.data)) return address;
  }
  return before.size === after.size ? null : "an account disappeared";
}

/** A fuzz campaign over one run: the actors, the address pool attacks draw from, and the invariant checks. */
class Campaign {
  readonly rng = new SeededRandom(SEED);
  readonly wallets: Keypair[] = [];
  readonly openChallenges: { member: PublicKey; step: bigint; challenger: PublicKey }[] = [];
  readonly forged = Keypair.generate().publicKey;
  readonly stranger = Keypair.generate().publicKey;
  stats = {
    ok: 0,
    failed: 0,
    byKind: new Map<string, { ok: number; failed: number }>(),
    errors: new Map<string, number>(),
  };

  constructor(readonly h: CoordinatorHarness) {
    for (let i = 0; i < 12; i++) this.wallets.push(h.newMember());
    this.wallets.push(h.authority);
  }

  /** Every account the program owns, read once per transaction (each litesvm read costs ~0.6 ms). */
  private accounts?: ProgramAccounts;
  programAccounts(): ProgramAccounts {
    if (!this.accounts) {
      const all = this.h.chain.svm.getProgramAccounts(this.h.program.programId.toBase58() as never);
      this.accounts = new Map(
        all.map((a) => [a.address as string, { lamports: BigInt(a.lamports), data: Buffer.from(a.data) }]),
      );
    }
    return this.accounts;
  }
  run(): RunBytes {
    return new RunBytes(this.programAccounts().get(this.h.run.toBase58())!.data);
  }
  /** After a transaction: accounts must be read again. */
  refresh(): void {
    this.accounts = undefined;
  }

  memberOf(slot: number): Keypair | undefined {
    const key = this.run().member(slot).key;
    return this.wallets.find((w) => key.equals(w.publicKey.toBuffer()));
  }

  occupiedSlots(): number[] {
    const run = this.run();
    return Array.from({ length: 256 }, (_, i) => i).filter((i) => run.member(i).status !== 0);
  }

  /** Every address an attack may put anywhere. */
  addressPool(): PublicKey[] {
    const { h } = this;
    const epoch = this.run().epoch;
    return [
      h.run,
      h.vault,
      this.forged,
      this.stranger,
      SystemProgram.programId,
      h.program.programId,
      SYSVAR_CLOCK_PUBKEY,
      SYSVAR_RENT_PUBKEY,
      SLOT_HASHES,
      ...this.wallets.map((w) => w.publicKey),
      ...this.wallets.map((w) => findMemberAddress(h.run, w.publicKey)[0]),
      ...this.wallets.flatMap((w) =>
        [epoch, epoch > 0n ? epoch - 1n : 0n].map((e) => findEpochReceiptsAddress(h.run, w.publicKey, e)[0]),
      ),
      ...this.openChallenges.map((c) => findChallengeAddress(h.run, c.member, c.step)[0]),
    ];
  }

  // --- valid instructions, so the run moves ------------------------------------------------------------------

  async valid(): Promise<Attempt> {
    const { h, rng } = this;
    const run = this.run();
    // mostly what moves the run on from its state, sometimes anything
    const next: Record<number, string[]> = {
      [RunState.RoundTrain]: ["commit", "commit", "commit", "tick"],
      [RunState.RoundWitness]: ["witness", "witness", "witness", "tick"],
      [RunState.Paused]: ["control", "config", "tick"],
    };
    const anything = [
      "tick",
      "join",
      "claim",
      "leave",
      "withdraw",
      "fund",
      "control",
      "config",
      "checkpoint",
      "challenge",
      "resolve",
    ];
    const pick = rng.chance(0.6) ? rng.pick(next[run.state] ?? ["tick", "tick", "join"]) : rng.pick(anything);
    const wallet = rng.pick(this.wallets);
    const one = (i: TransactionInstruction, signer: Keypair = h.authority): Attempt => ({
      instructions: [i],
      signers: [signer],
      kind: pick,
    });
    switch (pick) {
      case "tick":
        h.advance(rng.pick([0, 5, 12, 35, 120]));
        return one(await ix.tickInstruction(h.program, h.run));
      case "commit": {
        const waiting = this.occupiedSlots().filter((s) => run.member(s).inEpoch && !run.committed(s));
        const member = waiting.length ? this.memberOf(rng.pick(waiting)) : undefined;
        const m = member ?? wallet;
        const step = run.step;
        return one(
          await ix.commitInstruction(h.program, {
            run: h.run,
            member: m.publicKey,
            epoch: run.epoch,
            step,
            hash: receiptHash(m.publicKey, step),
            size: rng.range(1, 1 << 20),
            loss: rng.range(0, 1000) / 100,
          }),
          m,
        );
      }
      case "witness": {
        const silent = Array.from({ length: run.roundWitnessCount }, (_, k) => run.witness(k)).filter(
          (w) => !w.submitted,
        );
        const w = (silent.length ? this.memberOf(rng.pick(silent).slot) : undefined) ?? wallet;
        const committed = this.occupiedSlots().filter((s) => run.committed(s));
        return one(
          await ix.witnessInstruction(h.program, {
            run: h.run,
            witness: w.publicKey,
            step: run.step,
            bitmap: ix.memberBitmap(rng.subset(committed, 0.8)),
            paramsHash: rng.chance(0.5) ? sha256("params") : undefined,
          }),
          w,
        );
      }
      case "join":
        return one(
          await ix.joinInstruction(h.program, {
            run: h.run,
            member: wallet.publicKey,
            endpoint: `ws://10.0.0.${rng.int(255)}:9000`,
            stake: rng.pick([SOL, 2n * SOL, SOL / 2n, 0n]),
          }),
          wallet,
        );
      case "claim":
      case "withdraw":
        if (pick === "withdraw") h.advance(rng.pick([0, 100, 700]));
        return one(await ix.memberPayoutInstruction(h.program, pick, { run: h.run, member: wallet.publicKey }), wallet);
      case "leave":
        return one(await ix.leaveInstruction(h.program, { run: h.run, member: wallet.publicKey }), wallet);
      case "fund":
        return one(
          await ix.fundInstruction(h.program, {
            run: h.run,
            funder: wallet.publicKey,
            amount: (BigInt(rng.range(1, 3)) * SOL) / 10n,
          }),
          wallet,
        );
      case "control": {
        // finishing would freeze the campaign: only near its end
        const actions: ("pause" | "resume" | "finish")[] =
          this.stats.ok + this.stats.failed > TRANSACTIONS * 0.95
            ? ["pause", "resume", "finish"]
            : ["pause", "resume", "resume"];
        return one(
          await ix.authorityInstruction(h.program, rng.pick(actions), { run: h.run, authority: h.authority.publicKey }),
        );
      }
      case "config":
        return one(
          await ix.updateConfigInstruction(h.program, {
            run: h.run,
            authority: h.authority.publicKey,
            config: this.config(),
          }),
        );
      case "checkpoint":
        return one(
          await ix.checkpointInstruction(h.program, {
            run: h.run,
            authority: h.authority.publicKey,
            epoch: run.epoch - BigInt(rng.int(2)),
            hash: rng.bytes(32),
            uri: "http://ckpt/" + rng.int(1000),
          }),
        );
      case "challenge": {
        // an accepted receipt of this epoch when there is one (round r of this epoch is step - round + r)
        const accepted = this.occupiedSlots().flatMap((slot) =>
          Array.from({ length: 64 }, (_, r) => r)
            .filter((r) => (run.member(slot).acceptedRounds >> BigInt(r)) & 1n)
            .map((r) => ({ slot, step: run.step - BigInt(run.round - r) })),
        );
        const target = accepted.length && rng.chance(0.8) ? rng.pick(accepted) : undefined;
        const accused = (target && this.memberOf(target.slot)) ?? wallet;
        const challenger = rng.pick(this.wallets.filter((w) => w !== accused));
        const step = target?.step ?? run.step - BigInt(rng.int(4));
        return one(
          await ix.challengeInstruction(h.program, {
            run: h.run,
            challenger: challenger.publicKey,
            member: accused.publicKey,
            epoch: run.epoch,
            step: step < 0n ? 0n : step,
            evidenceHash: rng.bytes(32),
          }),
          challenger,
        );
      }
      default: {
        const c = this.openChallenges.length
          ? rng.pick(this.openChallenges)
          : { member: wallet.publicKey, step: 0n, challenger: h.authority.publicKey };
        const resolver = rng.chance(0.3) ? h.authority : wallet;
        return one(
          await ix.resolveChallengeInstruction(h.program, {
            run: h.run,
            resolver: resolver.publicKey,
            member: c.member,
            step: c.step,
            challenger: c.challenger,
            approve: rng.chance(0.6),
          }),
          resolver,
        );
      }
    }
  }

  /** Mostly small valid configurations, sometimes broken ones. */
  config() {
    const { rng } = this;
    const minClients = rng.range(1, 3);
    return runConfig({
      minClients,
      initMinClients: rng.range(minClients, 4),
      witnessNodes: rng.range(1, minClients + (rng.chance(0.1) ? 1 : 0)),
      roundsPerEpoch: rng.range(1, 4),
      warmupTime: rng.pick([0, 5, 10]),
      cooldownTime: rng.pick([0, 5, 10]),
      maxRoundTrainTime: rng.pick([10, 30]),
      roundWitnessTime: rng.pick([5, 10, 700]),
      learningRate: rng.chance(0.05) ? NaN : 0.001,
    });
  }

  // --- mutated and random instructions -----------------------------------------------------------------------

  mutate(attempt: Attempt): Attempt {
    const { rng } = this;
    const pool = this.addressPool();
    const [i] = attempt.instructions;
    const keys = i.keys.map((k) => ({ ...k }));
    let data = Buffer.from(i.data);
    for (let m = rng.range(1, 3); m > 0; m--) {
      switch (rng.int(9)) {
        case 0:
          if (data.length > 8) data[rng.range(8, data.length - 1)] ^= 1 << rng.int(8);
          break;
        case 1:
          data = data.subarray(0, rng.int(data.length + 1));
          break;
        case 2:
          data = Buffer.concat([data, Buffer.from(rng.bytes(rng.range(1, 16)))]);
          break;
        case 3:
          data = Buffer.concat([
            Buffer.from(rng.pick(this.h.program.idl.instructions).discriminator),
            data.subarray(8),
          ]);
          break;
        case 4:
          if (keys.length) keys[rng.int(keys.length)].pubkey = rng.pick(pool);
          break;
        case 5:
          if (keys.length) keys[rng.int(keys.length)].isSigner = !keys[rng.int(keys.length)].isSigner;
          break;
        case 6:
          if (keys.length) keys[rng.int(keys.length)].isWritable = rng.chance(0.5);
          break;
        case 7:
          if (rng.chance(0.5)) keys.pop();
          else keys.push({ pubkey: rng.pick(pool), isSigner: false, isWritable: rng.chance(0.5) });
          break;
        default:
          if (keys.length > 1) keys[rng.int(keys.length)].pubkey = keys[rng.int(keys.length)].pubkey;
      }
    }
    return this.signable({ ...i, keys, data } as TransactionInstruction, `mutated ${attempt.kind}`);
  }

  random(): Attempt {
    const { rng } = this;
    const pool = this.addressPool();
    const discriminator = rng.chance(0.9)
      ? Buffer.from(rng.pick(this.h.program.idl.instructions).discriminator)
      : Buffer.from(rng.bytes(8));
    const data = Buffer.concat([discriminator, Buffer.from(rng.bytes(rng.pick([0, 1, 8, 33, 41, 81, 160, 200])))]);
    const keys: AccountMeta[] = Array.from({ length: rng.int(8) }, () => ({
      pubkey: rng.pick(pool),
      isSigner: rng.chance(0.4),
      isWritable: rng.chance(0.6),
    }));
    return this.signable({ programId: this.h.program.programId, keys, data } as TransactionInstruction, "random");
  }

  /** Signs with every keypair the instruction marks as signer; keys nobody can sign for (PDAs) lose the flag. */
  signable(i: TransactionInstruction, kind: string): Attempt {
    const signers: Keypair[] = [this.rng.pick(this.wallets)];
    for (const k of i.keys) {
      if (!k.isSigner) continue;
      const w = this.wallets.find((x) => x.publicKey.equals(k.pubkey));
      if (!w) k.isSigner = false;
      else if (!signers.includes(w)) signers.push(w);
    }
    return { instructions: [i], signers, kind };
  }

  // --- the oracle --------------------------------------------------------------------------------------------

  /** A success is legitimate when every account is the genuine one for its IDL role and required signers signed. */
  legitimate(i: TransactionInstruction, feePayer: PublicKey, before: RunBytes): string | null {
    const { h } = this;
    // the message merges an account's flags over all its uses, and the fee payer signs and is writable
    const uses = (key: PublicKey) => i.keys.filter((k) => k.pubkey.equals(key));
    const signed = (key: PublicKey) => key.equals(feePayer) || uses(key).some((k) => k.isSigner);
    const writable = (key: PublicKey) => key.equals(feePayer) || uses(key).some((k) => k.isWritable);
    const def = h.program.idl.instructions.find((d) => Buffer.from(d.discriminator).equals(i.data.subarray(0, 8)));
    if (!def) return "unknown instruction succeeded";
    if (i.keys.length < def.accounts.length) return `${def.name} succeeded with too few accounts`;
    const runKey = def.name === "initializeRun" ? findRunAddress(i.data.readBigUInt64LE(8))[0] : h.run;
    const signer0 = i.keys[0]?.pubkey;
    for (const [index, account] of def.accounts.entries()) {
      const key = i.keys[index];
      const a = account as { name: string; signer?: boolean; writable?: boolean; address?: string };
      if (a.signer && !signed(key.pubkey)) return `${def.name}: ${a.name} did not sign`;
      if (a.writable && !writable(key.pubkey)) return `${def.name}: ${a.name} was read-only`;
      if (a.address && key.pubkey.toBase58() !== a.address) return `${def.name}: wrong ${a.name}`;
      if (a.name === "run" && !key.pubkey.equals(runKey)) return `${def.name}: foreign run`;
      if (
        a.name === "vault" &&
        !key.pubkey.equals(
          ix.runAddresses(h.program, def.name === "initializeRun" ? i.data.readBigUInt64LE(8) : h.runId).vault,
        )
      )
        return `${def.name}: foreign vault`;
      if (
        a.name === "memberAccount" &&
        def.name !== "resolveChallenge" &&
        !key.pubkey.equals(findMemberAddress(h.run, signer0)[0])
      )
        return `${def.name}: another member's account`;
    }
    if (
      ["updateConfig", "pause", "resume", "finish", "checkpoint"].includes(def.name) &&
      !signer0.equals(h.authority.publicKey)
    )
      return `${def.name} by a non-authority`;
    if (def.name === "commit") {
      const slot = Array.from({ length: 256 }, (_, s) => s).find(
        (s) => before.member(s).status !== 0 && before.member(s).key.equals(signer0.toBuffer()),
      );
      if (slot === undefined || !before.member(slot).inEpoch) return "commit by a member outside the epoch";
      if (!i.keys[2].pubkey.equals(findEpochReceiptsAddress(h.run, signer0, before.epoch)[0]))
        return "commit into foreign receipts";
    }
    if (def.name === "witness") {
      const witnesses = Array.from(
        { length: before.roundWitnessCount },
        (_, k) => before.member(before.witness(k).slot).key,
      );
      if (!witnesses.some((w) => w.equals(signer0.toBuffer()))) return "witness by a non-witness";
    }
    return null;
  }

  /** The invariants; returns the first broken one. */
  invariants(before: RunBytes): string | null {
    const { h } = this;
    const run = this.run();
    const accounts = this.programAccounts();
    const vault = accounts.get(h.vault.toBase58())!;
    const books =
      h.chain.svm.minimumBalanceForRentExemption(BigInt(vault.data.length)) +
      run.totalStake +
      run.rewardPool +
      run.rewardsOwed;
    if (vault.lamports !== books) return `vault holds ${vault.lamports}, books say ${books}`;
    let stake = 0n;
    let owed = 0n;
    let points = 0n;
    let occupied = 0;
    let inEpoch = 0;
    let committed = 0;
    const keys = new Set<string>();
    for (let s = 0; s < 256; s++) {
      const m = run.member(s);
      stake += m.stake;
      owed += m.rewardsOwed;
      points += m.epochPoints;
      if (run.committed(s)) committed++;
      if (m.inEpoch) inEpoch++;
      if (m.status === 0) {
        if (m.inEpoch || m.stake || m.rewardsOwed) return `free slot ${s} holds state`;
        continue;
      }
      occupied++;
      const key = m.key.toString("hex");
      if (keys.has(key)) return `member ${key} counted twice`;
      keys.add(key);
      const wallet = this.wallets.find((w) => m.key.equals(w.publicKey.toBuffer()));
      if (!wallet) return `slot ${s} holds an unknown key`;
      const account = accounts.get(findMemberAddress(h.run, wallet.publicKey)[0].toBase58());
      if (!account) return `member ${key} has no Member account`;
      if (account.data.readUInt16LE(MEMBER_SLOT) !== s) return `member ${key}'s account names another slot`;
    }
    if (stake !== run.totalStake) return `stakes sum to ${stake}, total_stake is ${run.totalStake}`;
    if (owed !== run.rewardsOwed) return `owed rewards sum to ${owed}, rewards_owed is ${run.rewardsOwed}`;
    if (points !== run.epochPoints) return `points sum to ${points}, epoch_points is ${run.epochPoints}`;
    if (occupied !== run.memberCount) return `${occupied} occupied slots, member_count is ${run.memberCount}`;
    if (inEpoch !== run.epochMemberCount)
      return `${inEpoch} slots in the epoch, epoch_member_count is ${run.epochMemberCount}`;
    if (committed !== run.committedCount) return `${committed} receipts, committed_count is ${run.committedCount}`;
    if (!isRunStateEdge(before.state, run.state))
      return `state moved ${RunState[before.state]} -> ${RunState[run.state]}`;
    if (run.epoch < before.epoch || run.step < before.step) return "epoch or step went backwards";
    return null;
  }

  record(kind: string, r: TxResult): void {
    const entry = this.stats.byKind.get(kind) ?? { ok: 0, failed: 0 };
    if (r.ok) {
      this.stats.ok++;
      entry.ok++;
    } else {
      this.stats.failed++;
      entry.failed++;
      const name = coordinatorErrorName(r.customError) ?? String(r.customError);
      this.stats.errors.set(name, (this.stats.errors.get(name) ?? 0) + 1);
    }
    this.stats.byKind.set(kind, entry);
  }
}

describe("coordinator fuzz", () => {
  test(`${TRANSACTIONS} seeded transactions (seed ${SEED}): program errors or legitimate successes, invariants always hold`, async () => {
    const h = await CoordinatorHarness.create({
      members: 0,
      fund: 5n * SOL,
      config: { minClients: 2, initMinClients: 2, witnessNodes: 2, roundsPerEpoch: 3, totalSteps: new BN(10_000) },
    });
    const c = new Campaign(h);
    h.chain.putAccount(c.forged, { data: h.data(h.run), owner: h.program.programId, lamports: SOL });
    for (const w of c.wallets.slice(0, 6)) h.expectOk(await h.join(w));
    const started = performance.now();
    const statesSeen = new Set<number>();
    let sent = 0;
    for (; sent < TRANSACTIONS && (sent < 1000 || performance.now() - started < TIME_BUDGET_MS); sent++) {
      const roll = c.rng.int(10);
      const valid = await c.valid();
      const attempt = roll < 5 ? valid : roll < 8 ? c.mutate(valid) : c.random();
      const snapshot = c.programAccounts();
      const before = c.run();
      const r = h.send(attempt.instructions, attempt.signers);
      c.refresh();
      c.record(attempt.kind, r);
      const context = { sent, kind: attempt.kind, error: r.error };
      if (r.ok) {
        expect({
          ...context,
          illegitimate: c.legitimate(attempt.instructions[0], attempt.signers[0].publicKey, before),
        }).toEqual({
          ...context,
          illegitimate: null,
        });
        const data = attempt.instructions[0].data;
        if (data.subarray(0, 8).equals(CHALLENGE_DISCRIMINATOR)) {
          c.openChallenges.push({
            member: new PublicKey(data.subarray(8, 40)),
            step: data.readBigUInt64LE(40),
            challenger: attempt.signers[0].publicKey,
          });
        }
      } else {
        // a program error: one of the coordinator's codes, or Anchor's unknown-instruction code
        const code = r.customError;
        const known = code === INSTRUCTION_FALLBACK_NOT_FOUND || coordinatorErrorName(code) !== undefined;
        expect({ ...context, programError: known }).toEqual({ ...context, programError: true });
        expect({ ...context, changed: changedAccount(snapshot, c.programAccounts()) }).toEqual({
          ...context,
          changed: null,
        });
      }
      // a failure left every program account byte-identical (checked above), so only successes can break them
      if (r.ok) expect({ ...context, broken: c.invariants(before) }).toEqual({ ...context, broken: null });
      statesSeen.add(c.run().state);
    }
    const summary = [...c.stats.byKind].map(([k, v]) => `${k}: ${v.ok} ok / ${v.failed} failed`).join("\n");
    const errors = [...c.stats.errors]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(", ");
    console.log(
      `fuzz seed ${SEED}: ${sent} transactions in ${((performance.now() - started) / 1000).toFixed(1)} s, ${c.stats.ok} ok\n${summary}\nerrors: ${errors}`,
    );
    // The campaign really exercised the program: enough transactions, successes, distinct errors and states
    expect(sent).toBeGreaterThanOrEqual(Math.min(TRANSACTIONS, 1000));
    expect(c.stats.ok).toBeGreaterThan(sent / 5);
    expect(c.stats.errors.size).toBeGreaterThan(25);
    expect(statesSeen.size).toBeGreaterThanOrEqual(5);
  });
});
