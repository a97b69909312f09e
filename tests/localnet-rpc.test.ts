// The embedded chain through plain @solana/web3.js and Anchor over real HTTP and websockets on 127.0.0.1.
import { Program, utils } from "@coral-xyz/anchor";
import type { Idl } from "@coral-xyz/anchor";
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SystemProgram,
  Transaction,
  sendAndConfirmTransaction,
} from "@solana/web3.js";
import { readFileSync } from "node:fs";
import { IDL_PATH } from "../programs/coordinator/paths";
import { coordinatorProgram } from "../coordinator/localnet/coordinatorProgram";
import type { Localnet } from "../coordinator/localnet/localnet";
import { startLocalnet } from "../coordinator/localnet/localnet";
import { fundedKeypair, providerFor, waitForIdleWebsocket } from "../coordinator/localnet/localnetClient";
import { programDataAddress } from "../sdk/upgradeableLoader";

const bs58 = utils.bytes.bs58;
const program = coordinatorProgram();
let net: Localnet;
let connection: Connection;

beforeAll(async () => {
  net = await startLocalnet({ port: 0, programs: [program] });
  connection = new Connection(net.rpcUrl, "confirmed");
});
afterAll(async () => {
  await waitForIdleWebsocket();
  await net.close();
});

const funded = (sol: number) => fundedKeypair(connection, sol);

describe("localnet over JSON-RPC", () => {
  test("answers getVersion, getHealth, getGenesisHash, getSlot and getLatestBlockhash", async () => {
    expect((await connection.getVersion())["solana-core"]).toMatch(/^2\./);
    expect(
      await (
        await fetch(net.rpcUrl, {
          method: "POST",
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "getHealth" }),
        })
      ).json(),
    ).toEqual({ jsonrpc: "2.0", id: 1, result: "ok" });
    expect(await connection.getGenesisHash()).toBe(net.chain.genesisHash);
    expect(await connection.getSlot()).toBeGreaterThan(0);
    const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash();
    expect(blockhash).toMatch(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/);
    expect(lastValidBlockHeight).toBeGreaterThan(await connection.getBlockHeight());
  });

  test("deploys the coordinator through the upgradeable loader at genesis", async () => {
    const account = await connection.getAccountInfo(program.keypair.publicKey);
    expect(account?.executable).toBe(true);
    expect(account?.owner.toBase58()).toBe("BPFLoaderUpgradeab1e11111111111111111111111");
    const data = await connection.getAccountInfo(programDataAddress(program.keypair.publicKey));
    expect(data!.data.subarray(45, 45 + program.elf.length).equals(program.elf)).toBe(true);
  });

  test("airdrops, transfers and reports balances, statuses and transactions", async () => {
    const alice = await funded(5);
    expect(await connection.getBalance(alice.publicKey)).toBe(5 * LAMPORTS_PER_SOL);
    const bob = Keypair.generate();
    const rent = await connection.getMinimumBalanceForRentExemption(0);
    const sig = await sendAndConfirmTransaction(
      connection,
      new Transaction().add(
        SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: bob.publicKey, lamports: rent }),
      ),
      [alice],
    );
    expect(await connection.getBalance(bob.publicKey)).toBe(rent);
    const status = (await connection.getSignatureStatuses([sig])).value[0];
    expect(status?.err).toBeNull();
    expect(status?.confirmationStatus).toBe("finalized");
    const tx = await connection.getTransaction(sig, { maxSupportedTransactionVersion: 0 });
    expect(tx?.meta?.logMessages).toContain("Program 11111111111111111111111111111111 success");
    expect(tx?.transaction.message.staticAccountKeys.map((k) => k.toBase58())).toContain(bob.publicKey.toBase58());
    const multiple = await connection.getMultipleAccountsInfo([
      alice.publicKey,
      bob.publicKey,
      Keypair.generate().publicKey,
    ]);
    expect(multiple.map((a) => a?.lamports ?? null)).toEqual([5 * LAMPORTS_PER_SOL - rent - 5000, rent, null]);
    const history = await connection.getSignaturesForAddress(bob.publicKey);
    expect(history.map((h) => h.signature)).toEqual([sig]);
  });

  test("getSignaturesForAddress pages with before and until, and an unknown before gives nothing (as Agave)", async () => {
    const alice = await funded(1);
    const [bob, carol] = [Keypair.generate().publicKey, Keypair.generate().publicKey];
    const rent = await connection.getMinimumBalanceForRentExemption(0);
    const pay = (to: PublicKey) =>
      sendAndConfirmTransaction(
        connection,
        new Transaction().add(SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: to, lamports: rent })),
        [alice],
      );
    const first = await pay(bob);
    const second = await pay(bob);
    const toCarol = await pay(carol);
    const signatures = async (before?: string, until?: string) =>
      (await connection.getSignaturesForAddress(bob, { before, until })).map((s) => s.signature);
    expect(await signatures()).toEqual([second, first]);
    expect(await signatures(undefined, first)).toEqual([second]); // the dashboard's "what is new since"
    expect(await signatures(undefined, toCarol)).toEqual([]);
    expect(await signatures(toCarol, first)).toEqual([second]);
    expect(await signatures(second)).toEqual([first]);
    expect(await signatures(toCarol)).toEqual([second, first]); // before may name a transaction not touching bob
    expect(await signatures(bs58.encode(Keypair.generate().secretKey))).toEqual([]);
  });

  test("Anchor's AnchorProvider and Program work unmodified (view through simulateTransaction)", async () => {
    const payer = await funded(1);
    const coordinator = new Program(JSON.parse(readFileSync(IDL_PATH, "utf8")) as Idl, providerFor(connection, payer));
    const v = await coordinator.methods.version().view();
    const idl = JSON.parse(readFileSync(IDL_PATH, "utf8"));
    expect(`${v.major}.${v.minor}.${v.patch}`).toBe(idl.metadata.version); // the C program and its IDL agree
    const sig = await coordinator.methods.version().rpc();
    const tx = await connection.getTransaction(sig, { commitment: "confirmed", maxSupportedTransactionVersion: 0 });
    expect(tx?.meta?.logMessages).toContain("Program log: concord coordinator");
    // getTransaction reports the return data too (web3.js 1.x does not parse it, so read the raw answer)
    const raw = await fetch(net.rpcUrl, {
      method: "POST",
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "getTransaction", params: [sig, { encoding: "json" }] }),
    }).then((r) => r.json());
    const version = Buffer.alloc(6);
    [v.major, v.minor, v.patch].forEach((n: number, i: number) => version.writeUInt16LE(n, 2 * i));
    expect(raw.result.meta.returnData).toEqual({
      programId: program.keypair.publicKey.toBase58(),
      data: [version.toString("base64"), "base64"],
    });
  });

  test("a failing transaction comes back as a simulation error with logs, and changes nothing", async () => {
    const payer = await funded(1);
    const before = await connection.getBalance(payer.publicKey);
    const bad = new Transaction().add({
      programId: program.keypair.publicKey,
      keys: [],
      data: Buffer.from([9, 9, 9, 9, 9, 9, 9, 9]),
    });
    const error = await sendAndConfirmTransaction(connection, bad, [payer]).catch((e) => e);
    expect(error.message).toMatch(/custom program error: 0x65/);
    expect(error.logs).toContain("Program log: Error: unknown instruction discriminator");
    expect(await connection.getBalance(payer.publicKey)).toBe(before);
  });

  test("filters getProgramAccounts by dataSize and memcmp", async () => {
    const owner = await funded(2);
    const makeAccount = async (bytes: number[]) => {
      const k = Keypair.generate();
      const tx = new Transaction().add(
        SystemProgram.createAccount({
          fromPubkey: owner.publicKey,
          newAccountPubkey: k.publicKey,
          space: bytes.length,
          lamports: await connection.getMinimumBalanceForRentExemption(bytes.length),
          programId: owner.publicKey,
        }),
      );
      await sendAndConfirmTransaction(connection, tx, [owner, k]);
      return k.publicKey;
    };
    // Accounts owned by a plain key hold zeroed data; sizes tell them apart.
    const small = await makeAccount([0, 0, 0, 0]);
    const large = await makeAccount([0, 0, 0, 0, 0, 0, 0, 0]);
    const all = await connection.getProgramAccounts(owner.publicKey);
    expect(all.map((a) => a.pubkey.toBase58()).sort()).toEqual([small.toBase58(), large.toBase58()].sort());
    const sized = await connection.getProgramAccounts(owner.publicKey, { filters: [{ dataSize: 8 }] });
    expect(sized.map((a) => a.pubkey.toBase58())).toEqual([large.toBase58()]);
    const matched = await connection.getProgramAccounts(owner.publicKey, {
      filters: [{ memcmp: { offset: 4, bytes: "1111" } }],
    });
    expect(matched.map((a) => a.pubkey.toBase58())).toEqual([large.toBase58()]);
  });

  test("accountSubscribe and logsSubscribe deliver changes over websockets", async () => {
    const payer = await funded(1);
    const watched = Keypair.generate().publicKey;
    const ids: Promise<number>[] = [];
    const seen = new Promise<number>((resolve) =>
      ids.push(Promise.resolve(connection.onAccountChange(watched, (a) => resolve(a.lamports), "confirmed"))),
    );
    const logged = new Promise<string[]>((resolve) =>
      ids.push(Promise.resolve(connection.onLogs(watched, (l) => resolve(l.logs), "confirmed"))),
    );
    await new Promise((r) => setTimeout(r, 200)); // let the subscriptions register
    const rent = await connection.getMinimumBalanceForRentExemption(0);
    await sendAndConfirmTransaction(
      connection,
      new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: watched, lamports: rent })),
      [payer],
    );
    expect(await seen).toBe(rent);
    expect(await logged).toContain("Program 11111111111111111111111111111111 success");
    const [accountSub, logsSub] = await Promise.all(ids);
    await connection.removeAccountChangeListener(accountSub);
    await connection.removeOnLogsListener(logsSub);
  });

  test("the Clock follows wall time", async () => {
    const first = await connection.getSlot();
    await new Promise((r) => setTimeout(r, 900));
    expect(await connection.getSlot()).toBeGreaterThanOrEqual(first + 2);
    const clock = await connection.getAccountInfo(new PublicKey("SysvarC1ock11111111111111111111111111111111"));
    const unix = Number(clock!.data.readBigInt64LE(32));
    expect(Math.abs(unix - Date.now() / 1000)).toBeLessThan(5);
  });
});
