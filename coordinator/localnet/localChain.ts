// The embedded chain: the real program in litesvm, with what a validator adds around it for JSON-RPC clients —
// a clock that follows wall time, a window of valid blockhashes, a faucet, transaction history with statuses and
// logs, change events for subscriptions, and state saved to a folder so a restart (even after kill -9) loses nothing.
//
// Persistence is incremental, so a long run stays as fast as a new one: every landed transaction appends one entry
// (its record and the accounts it wrote, as they are after it) to a journal before its signature is returned, and the
// record to the history file; a snapshot of litesvm's accounts is taken now and then (and before closing), after
// which the journal starts empty. Loading = the snapshot, then the journal's later entries replayed in order.
//
// Under cluster latency (see latency.ts) a transaction is journaled when it lands, at the next slot boundary: a kill
// before then loses it, as a cluster drops what its leader never included; a graceful close lands it first.
import type { PublicKey, Signer, TransactionInstruction } from "@solana/web3.js";
import { Keypair, LAMPORTS_PER_SOL, SystemProgram, Transaction, VersionedTransaction } from "@solana/web3.js";
import { getTransactionDecoder, address } from "@solana/kit";
import type { EncodedAccount } from "@solana/kit";
import type { TransactionMetadata } from "litesvm";
import { Clock, FailedTransactionMetadata, LiteSVM } from "litesvm";
import { utils } from "@coral-xyz/anchor";
import { EventEmitter } from "node:events";
import { createHash, randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as codes from "../../sdk/errors/codes";
import { programDeploySteps } from "../../sdk/programDeploySteps";
import { BPF_LOADER_UPGRADEABLE_ID } from "../../sdk/upgradeableLoader";
import { RpcError } from "./rpcError";
import type { TransactionErrorJson } from "../../sdk/transactionError";
import { customErrorCode, instructionError } from "../../sdk/transactionError";
import { transactionErrorFromFailure } from "./transactionError";
import { TransactionHistory } from "./transactionHistory";
import type { Commitment, Latency } from "./latency";
import { commitmentAt, nextStop } from "./latency";

const bs58 = utils.bytes.bs58;
/** A transaction in the form litesvm runs (decoded by @solana/kit). */
type KitTransaction = Parameters<LiteSVM["sendTransaction"]>[0];

/** Solana's target slot time. */
export const SLOT_MS = 400;
/** A blockhash stays usable for this many slots, as on a real cluster. */
export const BLOCKHASH_VALID_SLOTS = 150;
export const MAX_AIRDROP_LAMPORTS = 1000 * LAMPORTS_PER_SOL;
/** Solana's base fee per signature; the local chain charges no priority fees. */
export const LAMPORTS_PER_SIGNATURE = 5000;
/** litesvm's own airdrop pool holds about 1M SOL; the faucet takes half. */
const FAUCET_LAMPORTS = 500_000n * BigInt(LAMPORTS_PER_SOL);
/** The files in the state folder: the latest snapshot, the journal since, and every transaction's record. */
export const CHAIN_STATE_FILE = "chain-state.bin";
export const CHAIN_JOURNAL_FILE = "chain-journal.bin";
export const TRANSACTIONS_FILE = "transactions.jsonl";
const STATE_VERSION = 2;
/** A snapshot once this many transactions are journaled, or a second after the last one. */
const SNAPSHOT_EVERY = 2000;
const SNAPSHOT_IDLE_MS = 1000;
/**
 * litesvm's own history (its duplicate check) is kept short: it lives in the snapshot, which has a 4 MiB limit.
 * Replays of landed transactions are refused from the local chain's history, which covers every one.
 */
const LITESVM_HISTORY = 2048n;

export interface AccountView {
  lamports: number;
  owner: string;
  data: Buffer;
  executable: boolean;
  space: number;
}

/** What the last program to call set_return_data left, its data in base64. */
export interface ReturnData {
  programId: string;
  data: string;
}

export interface TransactionRecord {
  signature: string;
  slot: number;
  blockTime: number;
  err: TransactionErrorJson | null;
  logs: string[];
  fee: number;
  computeUnits: number;
  returnData: ReturnData | null;
  /** The message in the JSON form getTransaction returns. */
  message: {
    accountKeys: string[];
    header: { numRequiredSignatures: number; numReadonlySignedAccounts: number; numReadonlyUnsignedAccounts: number };
    instructions: { programIdIndex: number; accounts: number[]; data: string; stackHeight: null }[];
    recentBlockhash: string;
  };
  signatures: string[];
  /** The transaction as sent, base64, for getTransaction's binary encodings. */
  wire: string;
  writable: string[];
  preBalances: number[];
  postBalances: number[];
  version: "legacy" | number;
}

export interface SimulationResult {
  /** Accounts as the transaction would leave them (empty when it fails). */
  postAccounts: Map<string, AccountView>;
  err: TransactionErrorJson | null;
  logs: string[];
  unitsConsumed: number;
  returnData: ReturnData | null;
}

export interface LocalChainOptions {
  /** Folder to load state from and save it to; absent keeps everything in memory. */
  stateDir?: string;
  /** Milliseconds since the epoch; injected so tests drive time. */
  now?: () => number;
  /** Programs deployed through the upgradeable loader at genesis. */
  programs?: { keypair: Keypair; elf: Buffer }[];
  /** When sent transactions land and are confirmed (latency.ts); default "instant". */
  latency?: Latency;
}

/** A transaction sendTransaction accepted (decoded and checked), as it waits to land under cluster latency. */
interface Accepted {
  bytes: Uint8Array;
  tx: VersionedTransaction;
  kitTx: KitTransaction;
  signature: string;
}

interface PersistedMeta {
  version: number;
  genesisHash: string;
  faucetSecretKey: number[];
  slot: number;
  unixTimestamp: number;
  blockhashes: [string, number][];
  /** The last journal entry this snapshot includes. */
  journalSeq: number;
}

/** An account as a journal entry carries it; closed: it no longer exists. */
type JournaledAccount =
  | { address: string; lamports: string; owner: string; executable: boolean; data: string }
  | { address: string; closed: true };

interface JournalEntry {
  seq: number;
  slot: number;
  unixTimestamp: number;
  blockhash: [string, number];
  record: TransactionRecord;
  accounts: JournaledAccount[];
}

/** The complete entries of a journal (4-byte length, JSON); a tail cut short by a kill is ignored. */
function readJournal(file: string): JournalEntry[] {
  if (!existsSync(file)) return [];
  const bytes = readFileSync(file);
  const entries: JournalEntry[] = [];
  for (let at = 0; at + 4 <= bytes.length;) {
    const length = bytes.readUInt32LE(at);
    if (at + 4 + length > bytes.length) break;
    entries.push(JSON.parse(bytes.subarray(at + 4, at + 4 + length).toString("utf8")));
    at += 4 + length;
  }
  return entries;
}

function accountView(a: EncodedAccount): AccountView {
  return {
    lamports: Number(a.lamports),
    owner: a.programAddress,
    data: Buffer.from(a.data),
    executable: a.executable,
    space: a.data.length,
  };
}

/** The fee of a transaction with this many signatures: what a record shows and getFeeForMessage quotes. */
export const transactionFee = (numRequiredSignatures: number) => LAMPORTS_PER_SIGNATURE * numRequiredSignatures;

function returnDataOf(meta: TransactionMetadata): ReturnData | null {
  const returned = meta.returnData();
  return returned.data().length
    ? { programId: bs58.encode(returned.programId()), data: Buffer.from(returned.data()).toString("base64") }
    : null;
}

/** Custom-error text the way validators phrase it, for RPC error messages. */
function describeError(err: TransactionErrorJson): string {
  const failed = instructionError(err);
  if (failed) {
    const [index, inner] = failed;
    const custom = customErrorCode(err);
    if (custom !== undefined)
      return `Error processing Instruction ${index}: custom program error: 0x${custom.toString(16)}`;
    return `Error processing Instruction ${index}: ${JSON.stringify(inner)}`;
  }
  return typeof err === "string" ? err : JSON.stringify(err);
}

/** The error a validator answers for a transaction that fails before executing, and so could never land. */
const rejected = (err: TransactionErrorJson, logs: string[]) =>
  new RpcError(codes.CONCORD_ERROR__RPC__TRANSACTION_REJECTED, { reason: describeError(err) }, { err, logs });

export class LocalChain extends EventEmitter {
  readonly svm: LiteSVM;
  readonly genesisHash: string;
  readonly faucet: Keypair;
  readonly latency: Latency;
  private readonly now: () => number;
  private readonly stateDir?: string;
  private baseSlot: number;
  private baseTime: number;
  private unixTimestamp: number;
  private readonly blockhashes = new Map<string, number>();
  private readonly transactions: TransactionHistory;
  private saveTimer?: NodeJS.Timeout;
  /** The last journal entry written, and how many the journal holds since the snapshot. */
  private journalSeq: number;
  private journaled = 0;
  /** Cluster latency: accepted, to land at the next slot, in arrival order (Map keeps it); and landed, unconfirmed. */
  private readonly pending = new Map<string, Accepted>();
  private landed: TransactionRecord[] = [];

  private constructor(svm: LiteSVM, meta: Omit<PersistedMeta, "version">, options: LocalChainOptions) {
    super();
    // blockhash window is ours; see syncClock
    this.svm = svm.withBlockhashCheck(false).withSigverify(true).withTransactionHistory(LITESVM_HISTORY);
    this.now = options.now ?? Date.now;
    this.latency = options.latency ?? "instant";
    this.stateDir = options.stateDir;
    this.genesisHash = meta.genesisHash;
    this.faucet = Keypair.fromSecretKey(Uint8Array.from(meta.faucetSecretKey));
    this.baseSlot = meta.slot;
    this.baseTime = this.now();
    this.unixTimestamp = meta.unixTimestamp;
    for (const [hash, slot] of meta.blockhashes) this.blockhashes.set(hash, slot);
    this.journalSeq = meta.journalSeq;
    this.transactions = new TransactionHistory(this.stateDir && join(this.stateDir, TRANSACTIONS_FILE));
    this.syncClock();
  }

  /** Loads the chain saved in `options.stateDir`, or creates a new one (genesis) there. */
  static open(options: LocalChainOptions = {}): LocalChain {
    if (options.stateDir && LocalChain.hasSavedState(options.stateDir))
      return LocalChain.load(join(options.stateDir, CHAIN_STATE_FILE), options);
    const faucet = Keypair.generate();
    if (options.stateDir) mkdirSync(options.stateDir, { recursive: true });
    const svm = new LiteSVM();
    const funded = svm.airdrop(address(faucet.publicKey.toBase58()), FAUCET_LAMPORTS as never);
    if (funded instanceof FailedTransactionMetadata) throw new Error(`funding the faucet failed: ${funded.toString()}`);
    const chain = new LocalChain(
      svm,
      {
        genesisHash: bs58.encode(createHash("sha256").update(randomBytes(32)).digest()),
        faucetSecretKey: Array.from(faucet.secretKey),
        slot: Number(svm.getClock().slot),
        unixTimestamp: 0,
        blockhashes: [],
        journalSeq: 0,
      },
      options,
    );
    for (const program of options.programs ?? []) chain.deployProgram(program.keypair, program.elf);
    chain.save();
    return chain;
  }

  /** Whether `stateDir` holds a saved chain (which open loads instead of creating one). */
  static hasSavedState(stateDir: string): boolean {
    return existsSync(join(stateDir, CHAIN_STATE_FILE));
  }

  private static load(file: string, options: LocalChainOptions): LocalChain {
    const fail = (reason: string) =>
      new RpcError(codes.CONCORD_ERROR__LOCALNET__MALFORMED_STATE, { dir: options.stateDir, reason });
    const bytes = readFileSync(file);
    if (bytes.length < 4) throw fail("file too short");
    const metaLength = bytes.readUInt32LE(0);
    if (4 + metaLength > bytes.length) throw fail("truncated");
    let meta: PersistedMeta;
    try {
      meta = JSON.parse(bytes.subarray(4, 4 + metaLength).toString("utf8"));
    } catch {
      throw fail("metadata is not JSON");
    }
    if (meta.version !== STATE_VERSION)
      throw fail(`state version ${meta.version}, this code reads ${STATE_VERSION} (start over with --reset)`);
    const chain = new LocalChain(LiteSVM.fromBytes(bytes.subarray(4 + metaLength)), meta, options);
    chain.replayJournal(readJournal(join(options.stateDir!, CHAIN_JOURNAL_FILE)));
    return chain;
  }

  /** Re-applies what landed after the snapshot: each entry's accounts, record, slot and blockhash, in order. */
  private replayJournal(entries: JournalEntry[]): void {
    for (const e of entries) {
      if (e.seq <= this.journalSeq) continue; // already in the snapshot (a kill between snapshot and truncation)
      for (const a of e.accounts) {
        const data = "closed" in a ? new Uint8Array() : Buffer.from(a.data, "base64");
        const [owner, lamports, executable] =
          "closed" in a ? [SystemProgram.programId.toBase58(), 0n, false] : [a.owner, BigInt(a.lamports), a.executable];
        this.svm.setAccount({
          address: address(a.address),
          programAddress: address(owner),
          lamports: lamports as never,
          executable,
          data,
          space: BigInt(data.length),
        });
      }
      this.transactions.add(e.record); // no-op when the history file already has it
      this.blockhashes.set(...e.blockhash);
      this.baseSlot = Math.max(this.baseSlot, e.slot);
      this.unixTimestamp = Math.max(this.unixTimestamp, e.unixTimestamp);
      this.journalSeq = e.seq;
      this.journaled++;
    }
    this.syncClock();
  }

  /** Appends a landed transaction to the journal and history; returns only once both are written. */
  private persist(record: TransactionRecord): void {
    if (!this.stateDir) {
      this.transactions.add(record);
      return;
    }
    const accounts: JournaledAccount[] = record.writable.map((key) => {
      const a = this.svm.getAccount(address(key));
      if (!a.exists || a.lamports === 0n) return { address: key, closed: true };
      const data = Buffer.from(a.data).toString("base64");
      return { address: key, lamports: a.lamports.toString(), owner: a.programAddress, executable: a.executable, data };
    });
    const entry: JournalEntry = {
      seq: ++this.journalSeq,
      slot: this.slot,
      unixTimestamp: this.unixTimestamp,
      blockhash: [this.svm.latestBlockhash(), this.slot],
      record,
      accounts,
    };
    const json = Buffer.from(JSON.stringify(entry));
    const header = Buffer.alloc(4);
    header.writeUInt32LE(json.length);
    appendFileSync(join(this.stateDir, CHAIN_JOURNAL_FILE), Buffer.concat([header, json]));
    this.transactions.add(record);
    this.journaled++;
    // Programs are loaded by litesvm from its snapshot, not from accounts set one by one: snapshot at once.
    const touchesLoader = accounts.some(
      (a) => !("closed" in a) && (a.owner === BPF_LOADER_UPGRADEABLE_ID.toBase58() || a.executable),
    );
    if (touchesLoader || this.journaled >= SNAPSHOT_EVERY) this.save();
    else this.scheduleSave();
  }

  /** Writes a snapshot atomically (temp file + rename), then empties the journal it now includes. */
  save(): void {
    if (!this.stateDir) return;
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    mkdirSync(this.stateDir, { recursive: true });
    const meta: PersistedMeta = {
      version: STATE_VERSION,
      genesisHash: this.genesisHash,
      faucetSecretKey: Array.from(this.faucet.secretKey),
      slot: this.slot,
      unixTimestamp: this.unixTimestamp,
      blockhashes: [...this.blockhashes],
      journalSeq: this.journalSeq,
    };
    const metaBytes = Buffer.from(JSON.stringify(meta));
    const header = Buffer.alloc(4);
    header.writeUInt32LE(metaBytes.length);
    const file = join(this.stateDir, CHAIN_STATE_FILE);
    writeFileSync(file + ".tmp", Buffer.concat([header, metaBytes, this.svm.toBytes()]));
    renameSync(file + ".tmp", file);
    writeFileSync(join(this.stateDir, CHAIN_JOURNAL_FILE), Buffer.alloc(0));
    this.journaled = 0;
  }

  /** Snapshots once the chain has been idle a moment, so bursts of transactions cost journal appends only. */
  private scheduleSave(): void {
    if (!this.stateDir) return;
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.save(), SNAPSHOT_IDLE_MS);
    this.saveTimer.unref();
  }

  /** Saves the state; under cluster latency what is waiting lands first (in the next slot, as it would have). */
  close(): void {
    if (this.pending.size) this.startSlot(this.slot + 1);
    this.save();
  }

  get slot(): number {
    return Number(this.svm.getClock().slot);
  }

  /**
   * Advances the Clock sysvar, slot and blockhash to wall time, landing and confirming waiting transactions in the
   * slots they are due; called before every request is served and at every slot boundary.
   */
  syncClock(): void {
    // The time first (warps keep it), so transactions landing on the way carry it.
    this.unixTimestamp = Math.max(this.unixTimestamp, Math.floor(this.now() / 1000));
    const c = this.svm.getClock();
    this.svm.setClock(
      new Clock(c.slot, c.epochStartTimestamp, c.epoch, c.leaderScheduleEpoch, BigInt(this.unixTimestamp)),
    );
    const target = this.baseSlot + Math.floor((this.now() - this.baseTime) / SLOT_MS);
    if (this.blockhashes.size === 0) this.startSlot(this.slot);
    while (target > this.slot) this.startSlot(nextStop(this.slot, target, this.pending.size + this.landed.length > 0));
  }

  /** Milliseconds until the next slot begins by wall time. */
  msToNextSlot(): number {
    return SLOT_MS - ((this.now() - this.baseTime) % SLOT_MS);
  }

  /**
   * Begins `slot` with a fresh blockhash; then (cluster latency) confirms what landed in the slot before, telling
   * subscribers while the accounts are as it left them, and lands what arrived since.
   */
  private startSlot(slot: number): void {
    if (slot > this.slot) this.svm.warpToSlot(BigInt(slot));
    this.svm.expireBlockhash();
    this.blockhashes.set(this.svm.latestBlockhash(), this.slot);
    for (const [hash, issued] of this.blockhashes) {
      if (issued < this.slot - BLOCKHASH_VALID_SLOTS) this.blockhashes.delete(hash);
    }
    this.emit("slot", this.slot);
    const confirmed = this.landed;
    this.landed = [];
    for (const record of confirmed) this.emit("transaction", record);
    for (const accepted of this.pending.values()) {
      // A leader drops what expired while it waited, and what now fails before executing (its fee payer spent).
      if (!this.isBlockhashValid(accepted.tx.message.recentBlockhash)) continue;
      try {
        this.landed.push(this.land(accepted));
      } catch (e) {
        if (!(e instanceof RpcError)) throw e;
      }
    }
    this.pending.clear();
  }

  /** How far a landed transaction has come: finalized at once under instant latency (latency.ts). */
  commitment(record: TransactionRecord): Commitment {
    return commitmentAt(this.latency, record.slot, this.slot);
  }

  latestBlockhash(): { blockhash: string; lastValidBlockHeight: number } {
    const blockhash = this.svm.latestBlockhash();
    return { blockhash, lastValidBlockHeight: this.blockhashes.get(blockhash)! + BLOCKHASH_VALID_SLOTS };
  }

  isBlockhashValid(blockhash: string): boolean {
    const slot = this.blockhashes.get(blockhash);
    return slot !== undefined && this.slot - slot <= BLOCKHASH_VALID_SLOTS;
  }

  rentExempt(size: number): number {
    return Number(this.svm.minimumBalanceForRentExemption(BigInt(size)));
  }

  getAccount(key: string): AccountView | null {
    const a = this.svm.getAccount(address(key));
    return a.exists && a.lamports > 0n ? accountView(a) : null; // a closed account replayed from the journal holds 0
  }

  getProgramAccounts(programId: string): { pubkey: string; account: AccountView }[] {
    return this.svm.getProgramAccounts(address(programId)).map((a) => ({ pubkey: a.address, account: accountView(a) }));
  }

  signaturesCount(): number {
    return this.transactions.size;
  }

  getTransaction(signature: string): TransactionRecord | undefined {
    return this.transactions.get(signature);
  }

  /**
   * Newest first, as getSignaturesForAddress answers; with `before`, only those that landed before that transaction
   * (any transaction, as on Agave), and none when the chain does not know it; with `until`, only those that landed
   * after that one.
   */
  signaturesForAddress(key: string, limit: number, before?: string, until?: string): TransactionRecord[] {
    if (before !== undefined && !this.transactions.has(before)) return [];
    const found: TransactionRecord[] = [];
    let started = before === undefined;
    for (const t of this.transactions.newestFirst()) {
      if (found.length >= limit || t.signature === until) break;
      if (!started) started = t.signature === before;
      else if (t.message.accountKeys.includes(key)) found.push(t);
    }
    return found;
  }

  private decode(bytes: Uint8Array): VersionedTransaction {
    try {
      return VersionedTransaction.deserialize(bytes);
    } catch (e) {
      throw new RpcError(codes.CONCORD_ERROR__RPC__MALFORMED_TRANSACTION, { reason: (e as Error).message });
    }
  }

  simulateTransaction(
    bytes: Uint8Array,
    options: { sigVerify?: boolean; replaceRecentBlockhash?: boolean } = {},
  ): SimulationResult {
    this.syncClock();
    const tx = this.decode(bytes);
    if (options.replaceRecentBlockhash) {
      if (options.sigVerify)
        throw new RpcError(codes.CONCORD_ERROR__RPC__INVALID_PARAMS, {
          reason: "sigVerify may not be used with replaceRecentBlockhash",
        });
      tx.message.recentBlockhash = this.svm.latestBlockhash();
    } else if (!this.isBlockhashValid(tx.message.recentBlockhash)) {
      return { err: "BlockhashNotFound", logs: [], unitsConsumed: 0, returnData: null, postAccounts: new Map() };
    }
    const sigVerify = options.sigVerify ?? true;
    if (!sigVerify) {
      // Unsigned transactions decode with null signatures; litesvm wants a full set to parse, not to check.
      tx.signatures = tx.signatures.map(() => new Uint8Array(64).fill(1));
    }
    return this.simulateDecoded(this.toKit(tx.serialize()), sigVerify);
  }

  /** Runs a transaction the caller has decoded and checked (clock synced, blockhash valid), changing nothing. */
  private simulateDecoded(tx: KitTransaction, sigVerify: boolean): SimulationResult {
    this.svm.withSigverify(sigVerify);
    try {
      const res = this.svm.simulateTransaction(tx);
      if (res instanceof FailedTransactionMetadata) {
        const meta = res.meta();
        return {
          err: transactionErrorFromFailure(res.toString()),
          logs: meta.logs(),
          unitsConsumed: Number(meta.computeUnitsConsumed()),
          returnData: null,
          postAccounts: new Map(),
        };
      }
      const meta = res.meta();
      return {
        postAccounts: new Map(res.postAccounts().map((a) => [a.address, accountView(a)])),
        err: null,
        logs: meta.logs(),
        unitsConsumed: Number(meta.computeUnitsConsumed()),
        returnData: returnDataOf(meta),
      };
    } finally {
      this.svm.withSigverify(true);
    }
  }

  private toKit(bytes: Uint8Array): KitTransaction {
    try {
      return getTransactionDecoder().decode(bytes) as KitTransaction;
    } catch (e) {
      throw new RpcError(codes.CONCORD_ERROR__RPC__MALFORMED_TRANSACTION, { reason: (e as Error).message });
    }
  }

  /**
   * Takes a wire-format transaction and returns its signature; it lands at once (instant latency) or at the next slot
   * (cluster). With preflight (the default) a failing transaction changes nothing and throws the simulation error, as
   * validators do; with skipPreflight it lands as a failed transaction.
   */
  sendTransaction(bytes: Uint8Array, options: { skipPreflight?: boolean } = {}): string {
    this.syncClock();
    return this.submit(bytes, options);
  }

  /** sendTransaction on a clock the caller has just synced. */
  private submit(bytes: Uint8Array, options: { skipPreflight?: boolean }): string {
    const accepted = this.accept(bytes, options);
    if (this.latency === "instant") this.emit("transaction", this.land(accepted));
    else if (!this.pending.has(accepted.signature)) this.pending.set(accepted.signature, accepted); // a resend is one
    return accepted.signature;
  }

  /** What a validator checks before taking a transaction; throws the error it would answer. */
  private accept(bytes: Uint8Array, options: { skipPreflight?: boolean }): Accepted {
    const tx = this.decode(bytes);
    if (tx.signatures.length === 0 || tx.signatures.some((s) => s.every((b) => b === 0))) {
      throw new RpcError(codes.CONCORD_ERROR__RPC__SIGNATURE_VERIFICATION_FAILED);
    }
    const signature = bs58.encode(tx.signatures[0]);
    if (this.transactions.has(signature)) {
      throw new RpcError(
        codes.CONCORD_ERROR__RPC__TRANSACTION_REJECTED,
        { reason: "AlreadyProcessed" },
        { err: "AlreadyProcessed", logs: [] },
      );
    }
    if (!this.isBlockhashValid(tx.message.recentBlockhash)) {
      throw new RpcError(
        codes.CONCORD_ERROR__RPC__TRANSACTION_SIMULATION_FAILED,
        { reason: "Blockhash not found" },
        { err: "BlockhashNotFound", logs: [], accounts: null, unitsConsumed: 0 },
      );
    }
    const kitTx = this.toKit(bytes);
    if (!options.skipPreflight) {
      const sim = this.simulateDecoded(kitTx, true);
      if (sim.err !== null) {
        throw new RpcError(
          codes.CONCORD_ERROR__RPC__TRANSACTION_SIMULATION_FAILED,
          { reason: describeError(sim.err) },
          { ...sim, accounts: null },
        );
      }
    } else if (this.latency === "cluster") {
      // Landing is too late to answer what could never land (a bad signature, an unknown fee payer): check it now.
      const sim = this.simulateDecoded(kitTx, true);
      if (sim.err !== null && !instructionError(sim.err)) throw rejected(sim.err, sim.logs);
    }
    return { bytes, tx, kitTx, signature };
  }

  /** Executes an accepted transaction against the bank and records it; throws when it fails before executing. */
  private land({ bytes, tx, kitTx, signature }: Accepted): TransactionRecord {
    const message = tx.message;
    const keys = message.staticAccountKeys.map((k) => k.toBase58());
    const balance = (k: string) => this.getAccount(k)?.lamports ?? 0;
    const preBalances = keys.map(balance);
    let res;
    try {
      res = this.svm.sendTransaction(kitTx);
    } catch (e) {
      if (e instanceof RpcError) throw e;
      throw new RpcError(codes.CONCORD_ERROR__RPC__SIGNATURE_VERIFICATION_FAILED, {}, { reason: (e as Error).message });
    }
    const meta = res instanceof FailedTransactionMetadata ? res.meta() : res;
    const err = res instanceof FailedTransactionMetadata ? transactionErrorFromFailure(res.toString()) : null;
    // Errors raised before execution (bad signature, unknown fee payer, duplicate) never land on a real cluster.
    if (err !== null && !instructionError(err)) throw rejected(err, meta.logs());
    const header = message.header;
    const writable = keys.filter((_, i) => message.isAccountWritable(i));
    const record: TransactionRecord = {
      signature,
      slot: this.slot,
      blockTime: this.unixTimestamp,
      err,
      logs: meta.logs(),
      fee: transactionFee(header.numRequiredSignatures),
      computeUnits: Number(meta.computeUnitsConsumed()),
      returnData: returnDataOf(meta),
      message: {
        accountKeys: keys,
        header,
        instructions: message.compiledInstructions.map((ix) => ({
          programIdIndex: ix.programIdIndex,
          accounts: ix.accountKeyIndexes,
          data: bs58.encode(ix.data),
          stackHeight: null,
        })),
        recentBlockhash: message.recentBlockhash,
      },
      signatures: tx.signatures.map((s) => bs58.encode(s)),
      wire: Buffer.from(bytes).toString("base64"),
      writable,
      preBalances,
      postBalances: keys.map(balance),
      version: message.version,
    };
    this.persist(record);
    return record;
  }

  /** Sends lamports from the faucet in a real, recorded transaction. */
  airdrop(to: PublicKey, lamports: number): string {
    if (!Number.isSafeInteger(lamports) || lamports <= 0 || lamports > MAX_AIRDROP_LAMPORTS) {
      throw new RpcError(codes.CONCORD_ERROR__RPC__AIRDROP_TOO_LARGE, { lamports, limit: MAX_AIRDROP_LAMPORTS });
    }
    const transfer = SystemProgram.transfer({ fromPubkey: this.faucet.publicKey, toPubkey: to, lamports });
    return this.submit(this.faucetTransaction([transfer]), {});
  }

  /** `instructions` in one transaction paid and signed by the faucet (and `signers`), under a fresh blockhash. */
  private faucetTransaction(instructions: TransactionInstruction[], signers: Signer[] = []): Uint8Array {
    this.syncClock();
    const tx = new Transaction({ recentBlockhash: this.svm.latestBlockhash(), feePayer: this.faucet.publicKey }).add(
      ...instructions,
    );
    tx.sign(this.faucet, ...signers);
    return tx.serialize();
  }

  /**
   * Deploys through the upgradeable loader, paid by the faucet, landing at once whatever the latency (at genesis,
   * before anyone can send); the program is callable from the next slot.
   */
  deployProgram(programKeypair: Keypair, elf: Buffer): void {
    const steps = programDeploySteps({
      elf,
      payer: this.faucet.publicKey,
      program: programKeypair,
      buffer: Keypair.generate(),
      rentExempt: (n) => this.rentExempt(n),
    });
    for (const step of steps) this.land(this.accept(this.faucetTransaction(step.instructions, step.signers), {}));
    this.baseSlot += 1; // the deployed program becomes visible in the next slot
    this.syncClock();
  }
}
