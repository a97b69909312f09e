// Cluster latency on the chain itself, its clock driven by the test: when a sent transaction lands, when subscribers
// hear of it, what an expired blockhash and a graceful close do to one still waiting.
import { Keypair, LAMPORTS_PER_SOL, SystemProgram, Transaction } from "@solana/web3.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TransactionRecord } from "./localChain";
import { BLOCKHASH_VALID_SLOTS, LocalChain, SLOT_MS } from "./localChain";

/** A chain under cluster latency whose wall time moves only when `advance` says. */
function clusterChain(stateDir?: string) {
  let now = 1_700_000_000_000;
  const chain = LocalChain.open({ latency: "cluster", now: () => now, stateDir });
  const notified: string[] = [];
  chain.on("transaction", (t: TransactionRecord) => notified.push(t.signature));
  const advance = (slots: number) => {
    now += slots * SLOT_MS;
    chain.syncClock();
  };
  return { chain, advance, notified };
}

/** A funded payer (its airdrop landed and confirmed) and a signed transfer from it under `blockhash`. */
function fundedTransfer(chain: LocalChain, advance: (slots: number) => void) {
  const payer = Keypair.generate();
  chain.airdrop(payer.publicKey, LAMPORTS_PER_SOL);
  advance(2);
  return (blockhash = chain.latestBlockhash().blockhash, lamports = 1_000_000) => {
    const tx = new Transaction({ recentBlockhash: blockhash, feePayer: payer.publicKey }).add(
      SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: Keypair.generate().publicKey, lamports }),
    );
    tx.sign(payer);
    return tx.serialize();
  };
}

describe("a local chain under cluster latency", () => {
  test("lands a transaction at the next slot and confirms it, telling subscribers, one slot later", () => {
    const { chain, advance, notified } = clusterChain();
    const transfer = fundedTransfer(chain, advance);
    const sent = chain.slot;
    const signature = chain.sendTransaction(transfer());
    expect(chain.getTransaction(signature)).toBeUndefined();

    advance(1);
    const landed = chain.getTransaction(signature)!;
    expect(landed.slot).toBe(sent + 1);
    expect(chain.commitment(landed)).toBe("processed");
    expect(notified).not.toContain(signature);

    advance(1);
    expect(chain.commitment(landed)).toBe("confirmed");
    expect(notified).toContain(signature);
    advance(1);
    expect(chain.commitment(landed)).toBe("finalized");
  });

  test("lands and confirms each in its own slot when the clock catches up several slots at once", () => {
    const { chain, advance } = clusterChain();
    const transfer = fundedTransfer(chain, advance);
    const sent = chain.slot;
    const signature = chain.sendTransaction(transfer());
    advance(5);
    expect(chain.getTransaction(signature)!.slot).toBe(sent + 1);
    expect(chain.slot).toBe(sent + 5);
  });

  test("lands transactions of one slot in arrival order", () => {
    const { chain, advance } = clusterChain();
    const transfer = fundedTransfer(chain, advance);
    const signatures = [1, 2, 3].map((i) => chain.sendTransaction(transfer(undefined, 1_000_000 + i)));
    advance(1);
    const landed = chain.signaturesForAddress(chain.getTransaction(signatures[0])!.message.accountKeys[0], 3);
    expect(landed.map((t) => t.signature)).toEqual([...signatures].reverse()); // newest first
  });

  test("refuses at once what preflight rejects, and drops at landing what its blockhash outlived", () => {
    const { chain, advance } = clusterChain();
    const transfer = fundedTransfer(chain, advance);
    expect(() => chain.sendTransaction(transfer(undefined, 10 * LAMPORTS_PER_SOL))).toThrow(/simulation failed/i);

    // Sent one slot before its blockhash's last, a transaction lands; sent in that last slot, it lands too late
    const { blockhash } = chain.latestBlockhash();
    advance(BLOCKHASH_VALID_SLOTS - 1);
    const inTime = chain.sendTransaction(transfer(blockhash, 1_000_001));
    advance(1);
    expect(chain.isBlockhashValid(blockhash)).toBe(true);
    const late = chain.sendTransaction(transfer(blockhash, 1_000_002));
    advance(3);
    expect(chain.getTransaction(inTime)?.err).toBeNull();
    expect(chain.getTransaction(late)).toBeUndefined();
  });

  test("a graceful close lands what is still waiting", () => {
    const stateDir = mkdtempSync(join(tmpdir(), "concord-latency-"));
    const { chain, advance } = clusterChain(stateDir);
    const transfer = fundedTransfer(chain, advance);
    const signature = chain.sendTransaction(transfer());
    chain.close();
    expect(LocalChain.open({ stateDir }).getTransaction(signature)?.err).toBeNull();
  });
});
