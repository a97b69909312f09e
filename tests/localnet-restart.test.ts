// State saved to a folder survives a restart: accounts, balances, history, genesis hash and the deployed program.
import {
  Connection,
  Keypair,
  SystemProgram,
  Transaction,
  TransactionInstruction,
  sendAndConfirmTransaction,
} from "@solana/web3.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { anchorDiscriminator } from "../sdk/anchorDiscriminator";
import { coordinatorProgram } from "../coordinator/localnet/coordinatorProgram";
import { CHAIN_STATE_FILE } from "../coordinator/localnet/localChain";
import { startLocalnet } from "../coordinator/localnet/localnet";
import { fundedKeypair, waitForIdleWebsocket } from "../coordinator/localnet/localnetClient";

const program = coordinatorProgram();

test("accounts, balances, history and programs are the same after a restart", async () => {
  const stateDir = mkdtempSync(join(tmpdir(), "concord-localnet-"));
  let net = await startLocalnet({ port: 0, stateDir, programs: [program] });
  let connection = new Connection(net.rpcUrl, "confirmed");
  const alice = await fundedKeypair(connection, 3);
  const store = Keypair.generate();
  const space = 16;
  const sig = await sendAndConfirmTransaction(
    connection,
    new Transaction().add(
      SystemProgram.createAccount({
        fromPubkey: alice.publicKey,
        newAccountPubkey: store.publicKey,
        space,
        lamports: await connection.getMinimumBalanceForRentExemption(space),
        programId: alice.publicKey,
      }),
    ),
    [alice, store],
  );
  const before = await connection.getMultipleAccountsInfo([
    alice.publicKey,
    store.publicKey,
    net.chain.faucet.publicKey,
  ]);
  const genesis = await connection.getGenesisHash();
  const slot = await connection.getSlot();
  await waitForIdleWebsocket();
  await net.close();

  net = await startLocalnet({ port: 0, stateDir });
  connection = new Connection(net.rpcUrl, "confirmed");
  const after = await connection.getMultipleAccountsInfo([
    alice.publicKey,
    store.publicKey,
    net.chain.faucet.publicKey,
  ]);
  expect(after.map((a) => [a?.lamports, a?.owner.toBase58(), a?.data.toString("hex")])).toEqual(
    before.map((a) => [a?.lamports, a?.owner.toBase58(), a?.data.toString("hex")]),
  );
  expect(await connection.getGenesisHash()).toBe(genesis);
  expect(await connection.getSlot()).toBeGreaterThanOrEqual(slot);
  expect((await connection.getTransaction(sig, { maxSupportedTransactionVersion: 0 }))?.meta?.err).toBeNull();
  // The program deployed before the restart still runs.
  const ix = new TransactionInstruction({
    programId: program.keypair.publicKey,
    keys: [],
    data: Buffer.from(anchorDiscriminator("global", "version")),
  });
  const run = await sendAndConfirmTransaction(connection, new Transaction().add(ix), [alice]);
  expect((await connection.getTransaction(run, { maxSupportedTransactionVersion: 0 }))?.meta?.logMessages).toContain(
    "Program log: concord coordinator",
  );
  await waitForIdleWebsocket();
  await net.close();
});

test("an unreadable state folder is a clear error, not a silent fresh chain", async () => {
  const stateDir = mkdtempSync(join(tmpdir(), "concord-localnet-bad-"));
  writeFileSync(join(stateDir, CHAIN_STATE_FILE), Buffer.from([1, 2]));
  await expect(startLocalnet({ port: 0, stateDir })).rejects.toThrow(/unreadable: file too short/);
});
