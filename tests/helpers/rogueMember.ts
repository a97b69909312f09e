// A staked member that cheats, in one of three ways: "wrong bytes" commits the hash of one update each round and,
// when a peer asks for it, serves other bytes; "stale" commits a well-formed update once and then the same bytes
// every round (with valid metadata), never training; "copy" waits each round for another member's announce, pulls
// those bytes and commits them as its own (with valid metadata), which witnesses accept: they cannot tell which of
// two equal receipts came first, an auditor can. When drawn as a witness it vouches for every receipt, its own
// included. It speaks the real peer protocol (sdk/net) and sends real transactions, so honest nodes meet it exactly
// as they would on a network.
import type { Connection, PublicKey } from "@solana/web3.js";
import { Keypair } from "@solana/web3.js";
import type { UpdateLayout } from "../../sdk/codec/updateCodec";
import { encodeUpdate, updateHash } from "../../sdk/codec/updateCodec";
import type { RunAccount } from "../../sdk/coordinatorAccounts";
import { toBigInt } from "../../sdk/coordinatorAccounts";
import * as ix from "../../sdk/coordinatorInstructions";
import { coordinatorProgram } from "../../sdk/coordinatorProgram";
import { BanList } from "../../sdk/net/banList";
import type { PeerPayload, PeerSocket } from "../../sdk/net/peerSocket";
import { PeerServer } from "../../sdk/net/peerServer";
import { signAnnounce } from "../../sdk/peer/peerSignatures";
import { encodeReceiptMetadata } from "../../sdk/receiptMetadata";
import { RunState, runStateOf } from "../../sdk/runState";
import { TransactionSender } from "../../sdk/transactionSender";
import { providerFor } from "../../coordinator/localnet/localnetClient";
import { ChainFollower } from "../../trainer/node/chainFollower";

export class RogueMember {
  readonly keypair = Keypair.generate();
  /** Wants it answered with bytes that are not the committed ones. */
  servedBadBytes = 0;
  /** Wrong bytes: what it served for each step's receipt. */
  readonly served = new Map<number, Uint8Array>();
  private readonly peers = new Set<PeerSocket>();
  private server!: PeerServer;
  private follower!: ChainFollower;
  private committed = new Map<number, Uint8Array>();
  /** Copy: the hashes it asked a peer for, by hex, with their step; and the bytes it got, by step. */
  private readonly wanted = new Map<string, number>();
  private readonly copies = new Map<number, Uint8Array>();
  private sender!: TransactionSender;
  private readonly epochs = new Map<number, number>();
  private witnessed = -1n;
  private busy = Promise.resolve();

  constructor(
    private readonly connection: Connection,
    private readonly run: PublicKey,
    /** A layout: "stale", re-send one well-formed update of it every round; "copy"; none: "wrong bytes". */
    private readonly cheat?: UpdateLayout | "copy",
  ) {}

  /** A well-formed update of the layout: the first k entries of every chunk, alternating signs. */
  private staleBytes(layout: UpdateLayout): Uint8Array {
    return encodeUpdate({
      format: layout.format,
      tensors: layout.tensors.map((t) => {
        const entries = (t.shape.reduce((a, b) => a * b, 1) / t.chunk.reduce((a, b) => a * b, 1)) * t.k;
        return {
          ...t,
          indices: Uint32Array.from({ length: entries }, (_, j) => j % t.k),
          values: Float32Array.from({ length: entries }, (_, j) => (j % 2 ? -1 : 1)),
        };
      }),
    });
  }

  get program() {
    return coordinatorProgram(providerFor(this.connection, this.keypair));
  }

  /** Listens, joins the run with `stake` lamports and starts cheating. */
  async start(stake: bigint): Promise<void> {
    await this.connection.confirmTransaction({
      signature: await this.connection.requestAirdrop(this.keypair.publicKey, 2e9),
      ...(await this.connection.getLatestBlockhash()),
    });
    this.server = await PeerServer.start("127.0.0.1", 0, {
      run: this.run,
      keypair: this.keypair,
      bans: new BanList(),
      admit: () => {},
      onReady: (peer) => {
        this.peers.add(peer);
        for (const [step] of this.committed) this.announce(peer, step);
      },
      onMessage: (peer, m) => {
        if (this.cheat === "copy") return this.copy(peer, m);
        if (m.kind !== "want" || !this.committed.size) return;
        const [step, committed] = [...this.committed][0];
        if (this.cheat) {
          peer.send({ kind: "update", updateHash: m.updateHash, bytes: committed, metadata: this.metadata(step) });
          return;
        }
        // the committed hash, other bytes of the same size
        const bytes = new Uint8Array(committed.length).fill(7);
        this.servedBadBytes++;
        this.served.set(step, bytes);
        peer.send({ kind: "update", updateHash: m.updateHash, bytes, metadata: new Uint8Array(0) });
      },
      onClose: (peer) => this.peers.delete(peer),
    });
    const sender = (this.sender = new TransactionSender(this.connection, this.keypair));
    await sender.send([
      await ix.joinInstruction(this.program, {
        run: this.run,
        member: this.keypair.publicKey,
        endpoint: this.server.url,
        stake,
      }),
    ]);
    this.follower = new ChainFollower(this.connection, this.run, { pollMs: 200 });
    await this.follower.start();
    this.follower.onChange((state) => this.schedule(state));
  }

  private schedule(state: RunAccount): void {
    this.busy = this.busy.then(() => this.act(this.sender, state)).catch(() => {});
  }

  /** Copy mode's side of the peer protocol: pull the first update announced each round, serve its own by hash. */
  private copy(peer: PeerSocket, m: PeerPayload): void {
    const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
    if (m.kind === "announce" && !this.copies.has(m.step) && ![...this.wanted.values()].includes(m.step)) {
      this.wanted.set(hex(m.updateHash), m.step);
      peer.send({ kind: "want", updateHash: m.updateHash });
    } else if (m.kind === "update" && this.wanted.has(hex(m.updateHash))) {
      this.copies.set(this.wanted.get(hex(m.updateHash))!, m.bytes);
      this.schedule(this.follower.latest);
    } else if (m.kind === "want") {
      const step = [...this.committed].find(([, bytes]) => hex(updateHash(bytes)) === hex(m.updateHash))?.[0];
      peer.send(
        step === undefined
          ? { kind: "missing", updateHash: m.updateHash }
          : {
              kind: "update",
              updateHash: m.updateHash,
              bytes: this.committed.get(step)!,
              metadata: this.metadata(step),
            },
      );
    }
  }

  /** What it commits at `step`; undefined while a copy has nothing to copy yet. */
  private roundBytes(step: number): Uint8Array | undefined {
    if (this.cheat === "copy") return this.copies.get(step);
    if (this.cheat) return this.staleBytes(this.cheat);
    return Uint8Array.from({ length: 300 }, (_, i) => (i * 31 + step) & 0xff);
  }

  /** Valid metadata for the committed bytes at `step` (what an honest member publishes with them). */
  private metadata(step: number): Uint8Array {
    const bytes = this.committed.get(step)!;
    return encodeReceiptMetadata(
      {
        run: this.run,
        member: this.keypair.publicKey,
        epoch: this.epochs.get(step) ?? 0,
        step,
        updateHash: updateHash(bytes),
        updateBytes: bytes.length,
        loss: 1,
        compute: { backend: "cpu", tfjsVersion: "4.22.0", wasmSimd: null, nativeKernels: null },
      },
      this.keypair.secretKey,
    );
  }

  private announce(peer: PeerSocket, step: number): void {
    const bytes = this.committed.get(step)!;
    peer.send(
      signAnnounce(
        { run: this.run, step, member: this.keypair.publicKey, updateHash: updateHash(bytes), size: bytes.length },
        this.keypair.secretKey,
      ),
    );
  }

  private async act(sender: TransactionSender, state: RunAccount): Promise<void> {
    const step = toBigInt(state.step);
    const slot = state.members.findIndex((m) => m.key.equals(this.keypair.publicKey));
    const runState = runStateOf(state.state);
    const due = runState === RunState.RoundTrain && !state.roundReceipts[slot].committed && state.members[slot].inEpoch;
    const bytes = due ? this.roundBytes(Number(step)) : undefined;
    if (bytes) {
      const epoch = toBigInt(state.epoch);
      const commit = { run: this.run, member: this.keypair.publicKey, epoch, step, hash: updateHash(bytes) };
      await sender.send([await ix.commitInstruction(this.program, { ...commit, size: bytes.length, loss: 1 })]);
      this.committed.clear();
      this.committed.set(Number(step), bytes);
      this.epochs.set(Number(step), Number(epoch));
      for (const peer of this.peers) this.announce(peer, Number(step));
    }
    const mine = state.witnesses.slice(0, state.roundWitnessCount).find((w) => w.slot === slot);
    if (runState === RunState.RoundWitness && mine && !mine.submitted && this.witnessed < step) {
      this.witnessed = step;
      const slots = state.roundReceipts.flatMap((r, s) => (r.committed ? [s] : []));
      const bitmap = ix.memberBitmap(slots);
      await sender.send([
        await ix.witnessInstruction(this.program, { run: this.run, witness: this.keypair.publicKey, step, bitmap }),
      ]);
    }
  }

  async stop(): Promise<void> {
    await this.follower?.stop();
    await this.busy;
    await this.server?.close();
  }
}
