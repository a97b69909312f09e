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

  it("removes temp files a crash left behind", () => {
    writeFileSync(join(dir, "abc.update.0123.tmp"), "partial");
    UpdateStore.open(dir);
    expect(readdirSync(dir)).toEqual([]);
  });
});
