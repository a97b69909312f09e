import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Keypair } from "@solana/web3.js";
import { updateHash } from "../../sdk/codec/updateCodec";
import { CONCORD_ERROR__TRAINER__UPDATE_STORE_CORRUPT } from "../../sdk/errors/codes";
import { expectConcordError } from "../../tests/helpers/expectConcordError";
import type { StoredUpdate } from "./updateStore";
import { UpdateStore } from "./updateStore";

const alice = Keypair.generate().publicKey;
const bob = Keypair.generate().publicKey;
const update = (member = alice, step = 1, fill = 1): StoredUpdate => {
  const bytes = new Uint8Array(1000).fill(fill);
  return { member, step, hash: updateHash(bytes), bytes, metadata: Uint8Array.of(step, fill) };
};

describe("update store", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "concord-updates-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("stores under the hex sha256 of the bytes and reads back what it stored, also after reopening", () => {
    const store = UpdateStore.open(dir);
    const u = update();
    store.put(u);
    const name = Buffer.from(u.hash).toString("hex");
    expect(readdirSync(dir).sort()).toEqual([`${name}.1.${alice.toBase58()}.meta`, `${name}.update`]);
    expect(store.has(alice, 1)).toBe(true);
    expect(store.has(alice, 2)).toBe(false);
    expect(store.get(alice, 1)).toEqual(u);
    expect(store.getByHash(u.hash)).toEqual(u);
    expect(store.getByHash(new Uint8Array(32))).toBeNull();
    expect(UpdateStore.open(dir).step(1)).toEqual([u]);
  });

  it("refuses bytes that do not hash to the given hash, and re-checks the hash on read", () => {
    const store = UpdateStore.open(dir);
    expectConcordError(
      () => store.put({ ...update(), hash: new Uint8Array(32) }),
      CONCORD_ERROR__TRAINER__UPDATE_STORE_CORRUPT,
    );
    expect(readdirSync(dir)).toEqual([]);
    const u = update();
    store.put(u);
    writeFileSync(join(dir, `${Buffer.from(u.hash).toString("hex")}.update`), new Uint8Array(1000).fill(2));
    expectConcordError(() => store.get(alice, 1), CONCORD_ERROR__TRAINER__UPDATE_STORE_CORRUPT);
  });

  it("keeps one copy of bytes two members share, and prunes old steps without dropping bytes still referred to", () => {
    const store = UpdateStore.open(dir);
    store.put(update(alice, 1, 1));
    store.put(update(bob, 1, 2));
    store.put(update(alice, 2, 2)); // the same bytes as bob's step-1 update
    expect(readdirSync(dir).filter((f) => f.endsWith(".update"))).toHaveLength(2);
    store.prune(2);
    expect(store.step(1)).toEqual([]);
    expect(store.get(alice, 2)).toEqual(update(alice, 2, 2));
    expect(readdirSync(dir).sort()).toHaveLength(2);
    expect(UpdateStore.open(dir).step(1)).toEqual([]);
  });

  it("leaves a readable store wherever a crash stops a prune, and the next prune finishes it", () => {
    // Given three steps of two members, bytes shared across steps, and every file a prune below step 3 deletes, in
    // the order it deletes them (metadata of the pruned steps, then the bytes nothing kept names)
    const puts = [update(alice, 1, 1), update(bob, 1, 2), update(alice, 2, 3), update(bob, 2, 4)];
    puts.push(update(alice, 3, 2), update(bob, 3, 5)); // alice's step 3 repeats bob's step-1 bytes
    const hexOf = (u: StoredUpdate) => Buffer.from(u.hash).toString("hex");
    const old = puts.filter((u) => u.step < 3);
    const kept = puts.filter((u) => u.step >= 3);
    const deleted = [
      ...old.map((u) => `${hexOf(u)}.${u.step}.${u.member.toBase58()}.meta`),
      ...new Set(old.filter((u) => !kept.some((k) => hexOf(k) === hexOf(u))).map((u) => `${hexOf(u)}.update`)),
    ];
    const fill = () => {
      rmSync(dir, { recursive: true, force: true });
      const store = UpdateStore.open(dir);
      puts.forEach((u) => store.put(u));
    };
    fill();
    UpdateStore.open(dir).prune(3);
    const pruned = readdirSync(dir).sort();
    for (let crashAt = 0; crashAt <= deleted.length; crashAt++) {
      // When a prune stops after its first `crashAt` deletions and the store is opened again
      fill();
      deleted.slice(0, crashAt).forEach((f) => rmSync(join(dir, f)));
      const store = UpdateStore.open(dir);
      // Then every update it still lists reads back whole, the kept steps all there
      for (const u of puts) if (store.has(u.member, u.step)) expect(store.get(u.member, u.step)).toEqual(u);
      for (const u of kept) expect(store.get(u.member, u.step)).toEqual(u);
      // and pruning again leaves what one uninterrupted prune leaves
      store.prune(3);
      expect(readdirSync(dir).sort()).toEqual(pruned);
    }
    expect(pruned).toHaveLength(kept.length * 2); // two metas and their two .update files
  });

  it("removes bytes a crash left without metadata at the next prune, keeping every step at or above it", () => {
    // Given a put that stopped between its bytes and its metadata
    const store = UpdateStore.open(dir);
    store.put(update(alice, 5, 1));
    const orphan = update(bob, 5, 9);
    writeFileSync(join(dir, `${Buffer.from(orphan.hash).toString("hex")}.update`), orphan.bytes);
    // When the store is opened again and pruned below a step it holds nothing under
    const reopened = UpdateStore.open(dir);
    expect(reopened.has(bob, 5)).toBe(false);
    reopened.prune(1);
    // Then the unnamed bytes are gone and step 5 is whole
    expect(reopened.step(5)).toEqual([update(alice, 5, 1)]);
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it("removes temp files a crash left behind", () => {
    writeFileSync(join(dir, "abc.update.0123.tmp"), "partial");
    UpdateStore.open(dir);
    expect(readdirSync(dir)).toEqual([]);
  });
});
