// The local chain's transaction history: every landed transaction's record, for getTransaction,
// getSignaturesForAddress, signature statuses and replay refusal. With a file, records are appended to it as JSON
// lines and only the newest `keepRecent` stay parsed in memory (older ones are read back by byte offset), so memory
// stays bounded by a small index entry per transaction however long the chain runs; without one, all stay in memory.
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, readSync } from "node:fs";
import type { TransactionRecord } from "./localChain";

/** At 250 transactions a second this covers the 150-slot blockhash window several times over. */
export const RECENT_RECORDS = 20_000;

export class TransactionHistory {
  /** Newest last (Map keeps insertion order). */
  private readonly recent = new Map<string, TransactionRecord>();
  /** signature -> [byte offset, byte length] of its line in the file; every record written there. */
  private readonly offsets = new Map<string, [number, number]>();
  private fileSize = 0;

  constructor(
    private readonly file?: string,
    private readonly keepRecent = RECENT_RECORDS,
  ) {
    if (!file || !existsSync(file)) return;
    const bytes = readFileSync(file);
    const lines: [number, number][] = [];
    for (let start = 0; start < bytes.length;) {
      const end = bytes.indexOf(10, start);
      if (end < 0) break; // a line cut short by a kill: its record is still in the journal, which adds it again
      lines.push([start, end + 1 - start]);
      start = end + 1;
    }
    this.fileSize = lines.length ? lines.at(-1)![0] + lines.at(-1)![1] : 0;
    lines.forEach(([offset, length], i) => {
      const line = bytes.subarray(offset, offset + length);
      if (i >= lines.length - keepRecent) {
        const record: TransactionRecord = JSON.parse(line.toString("utf8"));
        this.offsets.set(record.signature, [offset, length]);
        this.recent.set(record.signature, record);
      } else {
        // records are written with signature as their first key: no need to parse old ones
        const signature = /^\{"signature":"(\w+)"/.exec(line.subarray(0, 120).toString("utf8"))![1];
        this.offsets.set(signature, [offset, length]);
      }
    });
  }

  get size(): number {
    return this.file ? this.offsets.size : this.recent.size;
  }

  has(signature: string): boolean {
    return this.recent.has(signature) || this.offsets.has(signature);
  }

  add(record: TransactionRecord): void {
    if (this.has(record.signature)) return;
    if (this.file) {
      const line = Buffer.from(JSON.stringify(record) + "\n");
      appendFileSync(this.file, line);
      this.offsets.set(record.signature, [this.fileSize, line.length]);
      this.fileSize += line.length;
      if (this.recent.size >= this.keepRecent) this.recent.delete(this.recent.keys().next().value!);
    }
    this.recent.set(record.signature, record);
  }

  get(signature: string): TransactionRecord | undefined {
    const cached = this.recent.get(signature);
    if (cached || !this.file) return cached;
    const at = this.offsets.get(signature);
    if (!at) return undefined;
    const buffer = Buffer.alloc(at[1]);
    const fd = openSync(this.file, "r");
    try {
      readSync(fd, buffer, 0, at[1], at[0]);
    } finally {
      closeSync(fd);
    }
    return JSON.parse(buffer.toString("utf8"));
  }

  /** Every record, newest first: the recent ones from memory, then older ones read from the file as needed. */
  *newestFirst(): Generator<TransactionRecord> {
    const recent = [...this.recent.values()];
    for (let i = recent.length - 1; i >= 0; i--) yield recent[i];
    if (!this.file || this.offsets.size === this.recent.size) return;
    const older = [...this.offsets.keys()].slice(0, this.offsets.size - this.recent.size);
    for (let i = older.length - 1; i >= 0; i--) yield this.get(older[i])!;
  }
}
