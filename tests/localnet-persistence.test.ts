// The local chain over many transactions: past litesvm's own history capacity and several snapshots, it keeps
// serving, and its folder copied at any moment (what a kill -9 leaves) loads with every landed transaction.
import { Keypair, LAMPORTS_PER_SOL, SystemProgram, Transaction } from "@solana/web3.js";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalChain } from "../coordinator/localnet/localChain";
import { isConcordError } from "../sdk/errors/concordError";
import { CONCORD_ERROR__RPC__TRANSACTION_REJECTED } from "../sdk/errors/codes";

const TRANSFERS = 6000; // > litesvm's 2048-entry history and > two 2000-entry snapshots

test(`${TRANSFERS} transfers: served, then recovered from a copy of the folder taken without closing`, () => {
  // Given a chain with a funded payer
  const stateDir = mkdtempSync(join(tmpdir(), "concord-persist-"));
  const chain = LocalChain.open({ stateDir });
  const payer = Keypair.generate();
  chain.airdrop(payer.publicKey, 100 * LAMPORTS_PER_SOL);
  const recipients = Array.from({ length: 20 }, () => Keypair.generate().publicKey);
  const transfer = (i: number) => {
    const tx = new Transaction({ ...chain.latestBlockhash(), feePayer: payer.publicKey }).add(
      SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: recipients[i % 20], lamports: 1_000_000 + i }),
    );
    tx.sign(payer);
    return tx.serialize();
  };

  // When it lands thousands of transactions
  const signatures: string[] = [];
  let last: Uint8Array = new Uint8Array();
  for (let i = 0; i < TRANSFERS; i++) {
    last = transfer(i);
    signatures.push(chain.sendTransaction(last));
  }
  const balances = recipients.map((r) => chain.getAccount(r.toBase58())!.lamports);
  // and its folder is copied as it is (no close, no pending snapshot flushed)
  const copy = mkdtempSync(join(tmpdir(), "concord-persist-copy-"));
  cpSync(stateDir, copy, { recursive: true });

  // Then the copy loads with every balance, record and the replay refusal
  const loaded = LocalChain.open({ stateDir: copy });
  expect(recipients.map((r) => loaded.getAccount(r.toBase58())!.lamports)).toEqual(balances);
  expect(loaded.signaturesCount()).toBe(chain.signaturesCount());
  for (const s of [signatures[0], signatures[TRANSFERS >> 1], signatures.at(-1)!])
    expect(loaded.getTransaction(s)?.err).toBeNull();
  expect(loaded.signaturesForAddress(recipients[0].toBase58(), 1000).length).toBe(TRANSFERS / 20);
  let refused: unknown;
  try {
    loaded.sendTransaction(last);
  } catch (e) {
    refused = e;
  }
  expect(isConcordError(refused, CONCORD_ERROR__RPC__TRANSACTION_REJECTED)).toBe(true);
  chain.close();
  loaded.close();
}, 120_000);
