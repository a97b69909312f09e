// Update bytes and their receipt metadata on disk, content-addressed. <hash>.update holds the bytes (hash = hex
// sha256 of them) and <hash>.<step>.<member>.meta the metadata a member published with them: two members, or two
// steps, may hold the same bytes (a copied update is an audit matter, not a storage one). Files are written to a
// temp name and renamed, so a crash leaves a whole file or none; every read re-hashes the bytes, so a damaged disk
// never hands out bytes that differ from their name. Pruning removes a step's .meta files before any bytes, then the
// bytes no remaining .meta names (those a crash left too), so a crash mid-prune leaves every indexed update readable.
// Memory holds only the index (step, member -> hash); bytes are read on demand. The I/O is synchronous: an update is
// at most 4 MiB on local disk, and UpdateExchange.verified() is synchronous by contract.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PublicKey } from "@solana/web3.js";
import { ConcordError } from "../../sdk/errors/concordError";
import { CONCORD_ERROR__TRAINER__UPDATE_STORE_CORRUPT } from "../../sdk/errors/codes";
import { updateHash } from "../../sdk/codec/updateCodec";

export interface StoredUpdate {
  readonly member: PublicKey;
  readonly step: number;
  /** sha256 of `bytes`, as committed in the member's on-chain receipt. */
  readonly hash: Uint8Array;
  readonly bytes: Uint8Array;
  /** The encoded receipt metadata published with the update. */
  readonly metadata: Uint8Array;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const META = /^([0-9a-f]{64})\.(\d+)\.([1-9A-HJ-NP-Za-km-z]{32,44})\.meta$/;

export class UpdateStore {
  /** step -> member base58 -> hash hex */
  private readonly index = new Map<number, Map<string, string>>();

  private constructor(readonly dir: string) {}

  /** Opens (creating) the store under `dir`, indexing what is there and removing temp files a crash left. */
  static open(dir: string): UpdateStore {
    mkdirSync(dir, { recursive: true });
    const store = new UpdateStore(dir);
    for (const name of readdirSync(dir)) {
      if (name.endsWith(".tmp")) rmSync(join(dir, name), { force: true });
      const m = META.exec(name);
      if (m) store.indexOf(Number(m[2])).set(m[3], m[1]);
    }
    return store;
  }

  /** Stores `u`, after checking its hash against its bytes. */
  put(u: StoredUpdate): void {
    const name = hex(u.hash);
    if (hex(updateHash(u.bytes)) !== name) throw this.corrupt(`${name}.update`, "does not hash to its name");
    this.writeAtomically(`${name}.update`, u.bytes);
    this.writeAtomically(this.metaName(name, u.step, u.member.toBase58()), u.metadata);
    this.indexOf(u.step).set(u.member.toBase58(), name);
  }

  has(member: PublicKey, step: number): boolean {
    return this.index.get(step)?.has(member.toBase58()) ?? false;
  }

  /** `member`'s update at `step`, read from disk and re-hashed; null when not stored. */
  get(member: PublicKey, step: number): StoredUpdate | null {
    const name = this.index.get(step)?.get(member.toBase58());
    return name === undefined ? null : this.read(name, step, member.toBase58());
  }

  /** Any stored update with these bytes (for serving a want by hash); null when none is. */
  getByHash(hash: Uint8Array): StoredUpdate | null {
    const name = hex(hash);
    for (const [step, members] of this.index)
      for (const [member, stored] of members) if (stored === name) return this.read(name, step, member);
    return null;
  }

  /** Every update stored for `step`. */
  step(step: number): StoredUpdate[] {
    return [...(this.index.get(step) ?? [])].map(([member, name]) => this.read(name, step, member));
  }

  /**
   * Deletes every step below `oldestStep`, then the bytes no remaining step refers to: those steps' and any an
   * interrupted prune or put left (the directory is read, so the node that owns the store sweeps them; open() does
   * not, since an auditor may open a live member's store while it writes).
   */
  prune(oldestStep: number): void {
    for (const [step, members] of this.index) {
      if (step >= oldestStep) continue;
      for (const [member, name] of members) rmSync(join(this.dir, this.metaName(name, step, member)), { force: true });
      this.index.delete(step);
    }
    const named = new Set([...this.index.values()].flatMap((members) => [...members.values()]));
    for (const file of readdirSync(this.dir))
      if (file.endsWith(".update") && !named.has(file.slice(0, -".update".length)))
        rmSync(join(this.dir, file), { force: true });
  }

  private read(name: string, step: number, member: string): StoredUpdate {
    const bytes = new Uint8Array(readFileSync(join(this.dir, `${name}.update`)));
    if (hex(updateHash(bytes)) !== name) throw this.corrupt(`${name}.update`, "does not hash to its name");
    const metadata = new Uint8Array(readFileSync(join(this.dir, this.metaName(name, step, member))));
    return { member: new PublicKey(member), step, hash: new Uint8Array(Buffer.from(name, "hex")), bytes, metadata };
  }

  private writeAtomically(file: string, data: Uint8Array): void {
    const tmp = join(this.dir, `${file}.${randomBytes(6).toString("hex")}.tmp`);
    writeFileSync(tmp, data, { flush: true });
    renameSync(tmp, join(this.dir, file));
  }

  private metaName(name: string, step: number, member: string): string {
    return `${name}.${step}.${member}.meta`;
  }

  private indexOf(step: number): Map<string, string> {
    let members = this.index.get(step);
    if (!members) this.index.set(step, (members = new Map()));
    return members;
  }

  private corrupt(file: string, reason: string): ConcordError {
    return new ConcordError(CONCORD_ERROR__TRAINER__UPDATE_STORE_CORRUPT, { dir: this.dir, file, reason });
  }
}
