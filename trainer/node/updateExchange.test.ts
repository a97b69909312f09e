import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PublicKey } from "@solana/web3.js";
import { Keypair } from "@solana/web3.js";
import { decodeUpdate, encodeUpdate, updateHash } from "../../sdk/codec/updateCodec";
import {
  CONCORD_ERROR__CODEC__RECEIPT_METADATA_MISMATCH,
  CONCORD_ERROR__PEER__BAD_SIGNATURE,
  CONCORD_ERROR__PEER__FETCH_ABORTED,
  CONCORD_ERROR__PEER__INVALID_RELAY_URL,
  CONCORD_ERROR__PEER__NO_ENDPOINT,
  CONCORD_ERROR__PEER__NOT_A_MEMBER,
  CONCORD_ERROR__PEER__RECEIPT_MISMATCH,
  CONCORD_ERROR__PEER__STALE,
} from "../../sdk/errors/codes";
import { isConcordError } from "../../sdk/errors/concordError";
import type { AnnounceMessage } from "../../sdk/peer/peerMessages";
import { encodePeerMessage } from "../../sdk/peer/peerMessages";
import { signAnnounce } from "../../sdk/peer/peerSignatures";
import { checkReceiptMetadata, decodeReceiptMetadata, encodeReceiptMetadata } from "../../sdk/receiptMetadata";
import { RawPeer } from "../../tests/helpers/rawPeer";
import { eventually, within } from "../../tests/helpers/within";
import type { ExchangeChain, ReceiptView, StoredUpdate } from "./updateExchange";
import { UpdateExchange } from "./updateExchange";
import { UpdateStore } from "./updateStore";

const run = Keypair.generate().publicKey;
const LOSS = 1.5;

/** The chain's receipts as plain data, shared by every node: what the real chain driver answers from accounts. */
class FakeChain implements ExchangeChain {
  readonly receipts = new Map<string, ReceiptView>();
  oldest = 0;
  constructor(readonly members: PublicKey[]) {}
  receipt(member: PublicKey, step: number): Promise<ReceiptView | null> {
    return Promise.resolve(this.receipts.get(`${step}/${member.toBase58()}`) ?? null);
  }
  isMember(member: PublicKey): boolean {
    return this.members.some((m) => m.equals(member));
  }
  oldestLiveStep(): number {
    return this.oldest;
  }
  commit(member: PublicKey, step: number, bytes: Uint8Array, loss = LOSS): void {
    this.receipts.set(`${step}/${member.toBase58()}`, { hash: updateHash(bytes), size: bytes.length, loss, epoch: 0 });
  }
}

/** A real DeMo update (codec bytes) and its receipt metadata, `seed` making each distinct. */
function makeUpdate(member: Keypair, step: number, seed: number, loss = LOSS) {
  const bytes = encodeUpdate({
    format: "f32",
    tensors: [
      { shape: [8], chunk: [8], k: 2, indices: Uint32Array.of(0, 1 + (seed % 7)), values: Float32Array.of(seed, -1) },
    ],
  });
  const metadata = encodeReceiptMetadata(
    {
      run,
      member: member.publicKey,
      epoch: 0,
      step,
      updateHash: updateHash(bytes),
      updateBytes: bytes.length,
      loss,
      compute: { backend: "cpu", tfjsVersion: "4.22.0", wasmSimd: null, nativeKernels: null },
    },
    member.secretKey,
  );
  return { bytes, metadata };
}

/** What the trainer node checks: the bytes decode, and the metadata describes this receipt. */
function validate(update: StoredUpdate, receipt: ReceiptView): void {
  decodeUpdate(update.bytes);
  checkReceiptMetadata(decodeReceiptMetadata(update.metadata), {
    run,
    member: update.member,
    step: update.step,
    receipt,
  });
}

const LIMITS = {
  receiptRetryMs: [20, 40, 80],
  wantTimeoutMs: 1_000,
  fetchRetryMs: 50,
  backoff: { initialMs: 20, maxMs: 200 },
};

describe("update exchange", () => {
  const keys = [Keypair.generate(), Keypair.generate(), Keypair.generate(), Keypair.generate()];
  const [alice, bob, carol, dave] = keys;
  const outsider = Keypair.generate();
  let chain: FakeChain;
  let dirs: string[];
  let nodes: UpdateExchange[];
  let logs: string[];
  let raws: RawPeer[];
  let verifiedBy: Map<UpdateExchange, StoredUpdate[]>;

  const start = async (keypair: Keypair) => {
    const dir = mkdtempSync(join(tmpdir(), "concord-exchange-"));
    dirs.push(dir);
    const node = await UpdateExchange.start({
      run,
      keypair,
      listen: { host: "127.0.0.1", port: 0 },
      store: UpdateStore.open(dir),
      chain,
      validate,
      log: (line) => logs.push(`${keypair.publicKey.toBase58().slice(0, 4)} ${line}`),
      limits: LIMITS,
    });
    verifiedBy.set(node, []);
    node.onVerified((u) => verifiedBy.get(node)?.push(u));
    nodes.push(node);
    return node;
  };
  const mesh = (...members: UpdateExchange[]) => {
    for (const node of members) node.setPeers(members.map((n) => n.url));
  };
  const publish = async (node: UpdateExchange, keypair: Keypair, step: number, seed: number, loss = LOSS) => {
    const u = makeUpdate(keypair, step, seed, loss);
    chain.commit(keypair.publicKey, step, u.bytes);
    await node.publish(step, u.bytes, u.metadata);
    return u;
  };
  const verifiedMembers = (node: UpdateExchange, step: number) => [...node.verified(step).keys()].sort();
  const names = (...kps: Keypair[]) => kps.map((k) => k.publicKey.toBase58()).sort();
  const raw = async (node: UpdateExchange, keypair: Keypair) => {
    const peer = await RawPeer.hello(node.url, keypair, run);
    raws.push(peer);
    await eventually(() => peer.received.some((m) => m.kind === "hello"), "the node's hello");
    return peer;
  };
  const announce = (keypair: Keypair, step: number, bytes: Uint8Array): AnnounceMessage =>
    signAnnounce(
      { run, step, member: keypair.publicKey, updateHash: updateHash(bytes), size: bytes.length },
      keypair.secretKey,
    );

  beforeEach(() => {
    chain = new FakeChain(keys.map((k) => k.publicKey));
    dirs = [];
    nodes = [];
    logs = [];
    raws = [];
    verifiedBy = new Map();
  });

  afterEach(async () => {
    for (const peer of raws) peer.ws.terminate();
    await Promise.all(nodes.map((n) => n.close()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("refuses to start with neither a listen address nor a relay, and with a relay URL that is not one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "concord-exchange-"));
    dirs.push(dir);
    const base = { run, keypair: alice, store: UpdateStore.open(dir), chain, validate };
    await expect(UpdateExchange.start(base)).rejects.toMatchObject({ code: CONCORD_ERROR__PEER__NO_ENDPOINT });
    await expect(UpdateExchange.start({ ...base, relays: ["ws://127.0.0.1:1"] })).rejects.toMatchObject({
      code: CONCORD_ERROR__PEER__INVALID_RELAY_URL,
    });
  });

  it("three members announce, pull, verify and store each other's updates", async () => {
    const [a, b, c] = [await start(alice), await start(bob), await start(carol)];
    mesh(a, b, c);
    await Promise.all([publish(a, alice, 1, 1), publish(b, bob, 1, 2), publish(c, carol, 1, 3)]);
    for (const node of [a, b, c])
      await eventually(() => node.verified(1).size === 3, "every update verified on every node");
    expect(verifiedMembers(a, 1)).toEqual(names(alice, bob, carol));
    expect(
      verifiedBy
        .get(a)
        ?.map((u) => u.member.toBase58())
        .sort(),
    ).toEqual(names(bob, carol));
    expect(a.verified(1).get(bob.publicKey.toBase58())?.bytes).toEqual(makeUpdate(bob, 1, 2).bytes);
    expect(a.stats).toMatchObject({ peersBanned: 0, rejected: 0, peers: 2 }); // one connection counted per member
    expect(a.stats.bytesReceived).toBeGreaterThan(0);
    expect(a.stats.bytesSent).toBeGreaterThan(0);
  });

  it("an announce with a bad signature bans the sender; nothing is stored and the exchange keeps running", async () => {
    const [a, b] = [await start(alice), await start(bob)];
    const u = makeUpdate(carol, 1, 3);
    chain.commit(carol.publicKey, 1, u.bytes);
    const forger = await raw(a, carol);
    const signed = announce(carol, 1, u.bytes);
    forger.send(encodePeerMessage({ ...signed, signature: signed.signature.map((x, i) => (i === 0 ? x ^ 1 : x)) }));
    expect((await forger.closeCode()).code).toBe(CONCORD_ERROR__PEER__BAD_SIGNATURE);
    expect(a.stats).toMatchObject({ peersBanned: 1, rejected: 1 });

    mesh(a, b);
    await publish(b, bob, 1, 2);
    await eventually(() => a.verified(1).size === 1, "bob's update verified after the forgery");
    expect(verifiedMembers(a, 1)).toEqual(names(bob));
  });

  it("an announce by a non-member, or one replayed from a stale step, bans the sender and stores nothing", async () => {
    const a = await start(alice);
    const u = makeUpdate(outsider, 1, 4);
    chain.commit(outsider.publicKey, 1, u.bytes);
    const relayer = await raw(a, carol);
    relayer.send(encodePeerMessage(announce(outsider, 1, u.bytes)));
    expect((await relayer.closeCode()).code).toBe(CONCORD_ERROR__PEER__NOT_A_MEMBER);

    const old = makeUpdate(bob, 3, 5);
    chain.commit(bob.publicKey, 3, old.bytes);
    chain.oldest = 5;
    const replayer = await raw(a, bob);
    replayer.send(encodePeerMessage(announce(bob, 3, old.bytes)));
    expect((await replayer.closeCode()).code).toBe(CONCORD_ERROR__PEER__STALE);

    expect(a.stats).toMatchObject({ peersBanned: 2, rejected: 2 });
    expect(a.verified(1).size + a.verified(3).size).toBe(0);
    expect(readdirSync(dirs[0])).toEqual([]);
  });

  it("bytes that do not match the receipt ban the sender, and the update is then pulled from an honest witness", async () => {
    const [a, b, c] = [await start(alice), await start(bob), await start(carol)];
    // Given bob verified carol's update, and alice knows only bob
    a.setPeers([b.url]);
    b.setPeers([c.url]);
    c.setPeers([b.url]);
    const good = await publish(c, carol, 1, 3);
    await eventually(() => b.verified(1).size === 1, "bob holding carol's update");
    await eventually(() => b.stats.bytesSent > 0 && a.stats.bytesReceived > 0, "alice and bob connected");

    // When dave relays carol's (valid) announce to alice and serves other bytes under its hash
    const liar = await raw(a, dave);
    liar.send(encodePeerMessage(announce(carol, 1, good.bytes)));
    await eventually(() => liar.received.some((m) => m.kind === "want"), "alice's want");
    const forged = makeUpdate(carol, 1, 9);
    const hash = updateHash(good.bytes);
    liar.send(encodePeerMessage({ kind: "update", updateHash: hash, bytes: forged.bytes, metadata: forged.metadata }));

    // Then dave is banned, the forged bytes are nowhere, and alice verifies carol's real update from bob
    expect((await liar.closeCode()).code).toBe(CONCORD_ERROR__PEER__RECEIPT_MISMATCH);
    await eventually(() => a.verified(1).size === 1, "carol's update verified from bob");
    expect(a.verified(1).get(carol.publicKey.toBase58())?.bytes).toEqual(good.bytes);
    expect(a.stats).toMatchObject({ peersBanned: 1, rejected: 1 });
    expect(readdirSync(dirs[0]).filter((f) => f.endsWith(".update"))).toEqual([
      `${Buffer.from(hash).toString("hex")}.update`,
    ]);
  });

  it("one member's invalid update is refused while every other member's is verified", async () => {
    const [a, b, c] = [await start(alice), await start(bob), await start(carol)];
    mesh(a, b, c);
    // carol's metadata claims a loss its receipt does not hold: the bytes match the receipt, validate refuses them
    const bad = makeUpdate(carol, 1, 3, 2.5);
    chain.commit(carol.publicKey, 1, bad.bytes);
    await c.publish(1, bad.bytes, bad.metadata);
    await Promise.all([publish(a, alice, 1, 1), publish(b, bob, 1, 2)]);
    for (const node of [a, b]) {
      await eventually(() => node.verified(1).size === 2, "alice's and bob's updates verified");
      await eventually(() => node.stats.rejected === 1, "carol's update refused");
    }
    expect(verifiedMembers(a, 1)).toEqual(names(alice, bob));
    expect(verifiedMembers(b, 1)).toEqual(names(alice, bob));
    await eventually(() => c.verified(1).size === 3, "carol still verifies the others");
    const refused = await a.fetch(carol.publicKey, 1, updateHash(bad.bytes)).catch((e: unknown) => e);
    expect(isConcordError(refused, CONCORD_ERROR__CODEC__RECEIPT_METADATA_MISMATCH)).toBe(true);
    expect(a.stats.peersBanned + b.stats.peersBanned).toBe(0); // the sender served what the chain holds
  });

  it("fetch pulls by hash from a peer that has the update, and stops when its signal aborts", async () => {
    const [a, b] = [await start(alice), await start(bob)];
    const u = await publish(b, bob, 2, 6);
    a.setPeers([b.url]);
    const got = await within(a.fetch(bob.publicKey, 2, updateHash(u.bytes)), "the fetch");
    expect(got.bytes).toEqual(u.bytes);
    expect(a.verified(2).size).toBe(1);

    const nobody = makeUpdate(carol, 2, 7);
    chain.commit(carol.publicKey, 2, nobody.bytes);
    const stop = new AbortController();
    const pending = a.fetch(carol.publicKey, 2, updateHash(nobody.bytes), stop.signal).catch((e: unknown) => e);
    setTimeout(() => stop.abort("test over"), 200);
    expect(isConcordError(await within(pending, "the aborted fetch"), CONCORD_ERROR__PEER__FETCH_ABORTED)).toBe(true);
  });
});
