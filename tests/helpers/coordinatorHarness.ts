// A coordinator run on the litesvm test chain, driven through the SDK's instruction builders: creates the run,
// funds and joins members, moves the clock, plays rounds. Shared by the coordinator tests and bench/program.ts.
import { BN, EventParser } from "@coral-xyz/anchor";
import type { Signer, TransactionInstruction, PublicKey } from "@solana/web3.js";
import { Keypair, LAMPORTS_PER_SOL } from "@solana/web3.js";
import { sha256 } from "@noble/hashes/sha256";
import {
  decodeChallenge,
  decodeEpochReceipts,
  decodeMember,
  decodeRun,
  decodeVault,
  toBigInt,
} from "../../sdk/coordinatorAccounts";
import type { RunAccount, RunConfig } from "../../sdk/coordinatorAccounts";
import * as ix from "../../sdk/coordinatorInstructions";
import { findChallengeAddress, findEpochReceiptsAddress, findMemberAddress } from "../../sdk/coordinatorPdas";
import { coordinatorProgram } from "../../sdk/coordinatorProgram";
import type { CoordinatorProgram } from "../../sdk/coordinatorProgram";
import { nextTransitionAt, scheduleView } from "../../sdk/roundSchedule";
import type { ScheduleView } from "../../sdk/roundSchedule";
import { RunState, runStateOf } from "../../sdk/runState";
import { LiteSvmProvider } from "./litesvmProvider";
import { TestChain } from "./testChain";
import type { TxResult } from "./testChain";

export const START_TIME = 1_700_000_000n;
export const SOL = BigInt(LAMPORTS_PER_SOL);

/** A valid configuration with short times; override what a test needs. */
export function runConfig(overrides: Partial<RunConfig> = {}): RunConfig {
  return {
    totalSteps: new BN(1000),
    minStake: new BN(SOL.toString()),
    rewardPerEpoch: new BN((SOL / 10n).toString()),
    challengeBond: new BN((SOL / 20n).toString()),
    modelHash: new Array(32).fill(1),
    datasetHash: new Array(32).fill(2),
    warmupTime: 10,
    cooldownTime: 10,
    maxRoundTrainTime: 30,
    roundWitnessTime: 10,
    epochTime: 600,
    globalBatchSize: 64,
    sequenceLength: 128,
    learningRate: 0.0003,
    demoDecay: 0.999,
    outerLearningRate: 0.7,
    outerMomentum: 0.9,
    minClients: 1,
    initMinClients: 1,
    witnessNodes: 1,
    roundsPerEpoch: 8,
    innerSteps: 1,
    demoChunk: 64,
    demoTopK: 32,
    slashBps: 5000,
    valueBits: 1,
    padding: [0, 0, 0],
    ...overrides,
  };
}

/** Deterministic member keys keep PDA bumps, and so compute units, stable across runs. */
export const memberKeypair = (i: number) => Keypair.fromSeed(sha256(`concord-test-member-${i}`));

/** A receipt hash for (member, step): any non-zero 32 bytes. */
export const receiptHash = (member: PublicKey, step: bigint) =>
  sha256(Buffer.concat([member.toBuffer(), Buffer.from(step.toString())]));

export interface HarnessOptions {
  config?: Partial<RunConfig>;
  members?: number;
  runId?: bigint;
  /** Lamports given to the reward pool right after creation. */
  fund?: bigint;
}

export class CoordinatorHarness {
  readonly chain = new TestChain();
  readonly provider = new LiteSvmProvider(this.chain);
  readonly program: CoordinatorProgram = coordinatorProgram(this.provider);
  readonly authority = this.chain.payer;
  readonly members: Keypair[] = [];
  /** Every transaction this harness sent, in order. */
  readonly results: TxResult[] = [];
  readonly run: PublicKey;
  readonly vault: PublicKey;
  time = START_TIME;

  constructor(readonly runId: bigint = 1n) {
    ({ run: this.run, vault: this.vault } = ix.runAddresses(this.program, runId));
    this.chain.setClock(this.time);
  }

  static async create(options: HarnessOptions = {}): Promise<CoordinatorHarness> {
    const h = new CoordinatorHarness(options.runId);
    h.expectOk(await h.createRun(runConfig(options.config)));
    if (options.fund) h.expectOk(await h.fund(options.fund));
    for (let i = 0; i < (options.members ?? 0); i++) h.expectOk(await h.join(h.newMember()));
    return h;
  }

  async createRun(config: RunConfig): Promise<TxResult> {
    return this.send(
      await ix.createRunInstructions(this.program, { authority: this.authority.publicKey, runId: this.runId, config }),
    );
  }

  /** A funded member keypair (not joined yet). */
  newMember(): Keypair {
    const kp = memberKeypair(this.members.length);
    this.members.push(kp);
    this.chain.airdrop(kp.publicKey, 1000n * SOL);
    return kp;
  }

  /** Sends instructions; the first signer pays the fee (the authority when none is given). */
  send(instructions: TransactionInstruction[], signers: Signer[] = [this.authority]): TxResult {
    const r = this.chain.send(instructions, signers);
    this.results.push(r);
    return r;
  }

  expectOk(r: TxResult): TxResult {
    if (!r.ok) throw new Error(`transaction failed: ${r.error}\n${r.logs.join("\n")}`);
    return r;
  }

  setTime(t: bigint): void {
    this.time = t;
    this.chain.setClock(t);
  }

  advance(seconds: number | bigint): void {
    this.setTime(this.time + BigInt(seconds));
  }

  // --- reading state ---------------------------------------------------------------------------------------

  data(address: PublicKey): Buffer {
    const a = this.chain.account(address);
    if (!a) throw new Error(`no account ${address.toBase58()}`);
    return a.data;
  }
  private decoded?: { data: Buffer; run: RunAccount };
  /** The decoded run (decoding 31 KB takes milliseconds: reused while the bytes are unchanged). */
  runAccount(): RunAccount {
    const data = this.data(this.run);
    if (!this.decoded?.data.equals(data)) this.decoded = { data, run: decodeRun(data, this.run.toBase58()) };
    return this.decoded.run;
  }
  state(): RunState {
    return runStateOf(this.runAccount().state);
  }
  view(): ScheduleView {
    return scheduleView(this.runAccount());
  }
  memberAddress(member: PublicKey): PublicKey {
    return findMemberAddress(this.run, member, this.program.programId)[0];
  }
  memberAccount(member: PublicKey) {
    return decodeMember(this.data(this.memberAddress(member)));
  }
  receiptsAddress(member: PublicKey, epoch: bigint | number): PublicKey {
    return findEpochReceiptsAddress(this.run, member, epoch, this.program.programId)[0];
  }
  receipts(member: PublicKey, epoch: bigint | number) {
    return decodeEpochReceipts(this.data(this.receiptsAddress(member, epoch)));
  }
  challengeAddress(member: PublicKey, step: bigint | number): PublicKey {
    return findChallengeAddress(this.run, member, step, this.program.programId)[0];
  }
  challengeAccount(member: PublicKey, step: bigint | number) {
    return decodeChallenge(this.data(this.challengeAddress(member, step)));
  }
  vaultAccount() {
    return decodeVault(this.data(this.vault));
  }
  lamports(address: PublicKey): bigint {
    return this.chain.account(address)?.lamports ?? 0n;
  }
  /** Slot of a member in the run's table. */
  slotOf(member: PublicKey): number {
    return this.runAccount().members.findIndex((m) => m.key.equals(member) && !("free" in m.status));
  }
  epochMembers(): Keypair[] {
    const run = this.runAccount();
    return this.members.filter((kp) => run.members.some((m) => m.inEpoch && m.key.equals(kp.publicKey)));
  }
  witnesses(): Keypair[] {
    const run = this.runAccount();
    return run.witnesses
      .slice(0, run.roundWitnessCount)
      .map((w) => this.members.find((kp) => kp.publicKey.equals(run.members[w.slot].key))!);
  }

  // --- acting ------------------------------------------------------------------------------------------------

  async join(member: Keypair, stake: bigint = SOL, endpoint = "ws://127.0.0.1:9000"): Promise<TxResult> {
    return this.send(
      [await ix.joinInstruction(this.program, { run: this.run, member: member.publicKey, endpoint, stake })],
      [member],
    );
  }

  async tick(): Promise<TxResult> {
    return this.send([await ix.tickInstruction(this.program, this.run)]);
  }

  async control(action: "pause" | "resume" | "finish"): Promise<TxResult> {
    return this.send([
      await ix.authorityInstruction(this.program, action, { run: this.run, authority: this.authority.publicKey }),
    ]);
  }

  async commit(
    member: Keypair,
    overrides: { step?: bigint; loss?: number; size?: number; hash?: Uint8Array } = {},
  ): Promise<TxResult> {
    const run = this.runAccount();
    const step = overrides.step ?? toBigInt(run.step);
    return this.send(
      [
        await ix.commitInstruction(this.program, {
          run: this.run,
          member: member.publicKey,
          epoch: toBigInt(run.epoch),
          step,
          hash: overrides.hash ?? receiptHash(member.publicKey, step),
          size: overrides.size ?? 1024,
          loss: overrides.loss ?? 2.5,
        }),
      ],
      [member],
    );
  }

  async witness(witness: Keypair, slots: number[], paramsHash?: Uint8Array): Promise<TxResult> {
    const step = toBigInt(this.runAccount().step);
    return this.send(
      [
        await ix.witnessInstruction(this.program, {
          run: this.run,
          witness: witness.publicKey,
          step,
          bitmap: ix.memberBitmap(slots),
          paramsHash,
        }),
      ],
      [witness],
    );
  }

  async fund(amount: bigint, funder: Keypair = this.authority): Promise<TxResult> {
    return this.send(
      [await ix.fundInstruction(this.program, { run: this.run, funder: funder.publicKey, amount })],
      [funder],
    );
  }

  async leave(member: Keypair): Promise<TxResult> {
    return this.send([await ix.leaveInstruction(this.program, { run: this.run, member: member.publicKey })], [member]);
  }

  async payout(action: "withdraw" | "claim", member: Keypair): Promise<TxResult> {
    return this.send(
      [await ix.memberPayoutInstruction(this.program, action, { run: this.run, member: member.publicKey })],
      [member],
    );
  }

  async updateConfig(config: RunConfig): Promise<TxResult> {
    return this.send([
      await ix.updateConfigInstruction(this.program, { run: this.run, authority: this.authority.publicKey, config }),
    ]);
  }

  async checkpoint(epoch: bigint | number, hash: Uint8Array, uri: string): Promise<TxResult> {
    return this.send([
      await ix.checkpointInstruction(this.program, {
        run: this.run,
        authority: this.authority.publicKey,
        epoch,
        hash,
        uri,
      }),
    ]);
  }

  async challenge(
    challenger: Keypair,
    member: PublicKey,
    epoch: bigint | number,
    step: bigint | number,
  ): Promise<TxResult> {
    return this.send(
      [
        await ix.challengeInstruction(this.program, {
          run: this.run,
          challenger: challenger.publicKey,
          member,
          epoch,
          step,
          evidenceHash: sha256("audit report"),
        }),
      ],
      [challenger],
    );
  }

  async resolve(
    resolver: Keypair,
    member: PublicKey,
    step: bigint | number,
    challenger: PublicKey,
    approve: boolean,
  ): Promise<TxResult> {
    return this.send(
      [
        await ix.resolveChallengeInstruction(this.program, {
          run: this.run,
          resolver: resolver.publicKey,
          member,
          step,
          challenger,
          approve,
        }),
      ],
      [resolver],
    );
  }

  /** Lamports the vault must hold: rent-exempt minimum + stakes + reward pool + unclaimed rewards. */
  expectedVaultLamports(run: RunAccount = this.runAccount()): bigint {
    const rent = this.chain.svm.minimumBalanceForRentExemption(BigInt(this.data(this.vault).length));
    return rent + toBigInt(run.totalStake) + toBigInt(run.rewardPool) + toBigInt(run.rewardsOwed);
  }

  /** Ticks until the run leaves `state` (moving the clock as the schedule says); returns the new state. */
  async tickFrom(state: RunState): Promise<RunState> {
    if (this.state() !== state) throw new Error(`run is ${RunState[this.state()]}, not ${RunState[state]}`);
    const r = await this.tick();
    if (r.ok) return this.state();
    const at = nextTransitionAt(this.view());
    if (at === null) throw new Error(`no transition can come from ${RunState[state]}`);
    if (at > this.time) this.setTime(at);
    this.expectOk(await this.tick());
    return this.state();
  }

  /**
   * Every epoch member commits, every witness confirms every receipt, and the round closes: the last commit moves
   * the run to RoundWitness and the last witness closes the round, no tick needed. Returns the state after it.
   */
  async playRound(): Promise<RunState> {
    if (this.state() !== RunState.RoundTrain) throw new Error(`run is ${RunState[this.state()]}, not RoundTrain`);
    const committers = this.epochMembers();
    for (const m of committers) this.expectOk(await this.commit(m));
    if (this.state() !== RunState.RoundWitness)
      throw new Error(`the last commit left the run ${RunState[this.state()]}`);
    const slots = committers.map((m) => this.slotOf(m.publicKey));
    for (const w of this.witnesses()) this.expectOk(await this.witness(w, slots));
    return this.state();
  }
}

/** Anchor's EventParser over a transaction's logs: the events the program emitted, in order. */
export function parseEvents(h: CoordinatorHarness, logs: string[]): { name: string; data: Record<string, unknown> }[] {
  const parser = new EventParser(h.program.programId, h.program.coder);
  return [...parser.parseLogs(logs)].map((e) => ({ name: e.name, data: e.data as Record<string, unknown> }));
}
