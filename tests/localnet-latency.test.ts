// `latency: "cluster"` through plain web3.js over real sockets: a transaction is confirmed no sooner than one slot
// after it is sent, its status goes null → processed → confirmed, and subscribers hear of it only once it is
// confirmed. Under the default nothing waits. Every wait is bounded, so a lost landing fails fast naming it.
import type { Connection } from "@solana/web3.js";
import { Keypair, LAMPORTS_PER_SOL, SendTransactionError, SystemProgram, Transaction } from "@solana/web3.js";
import { SLOT_MS } from "../coordinator/localnet/localChain";
import { fundedKeypair } from "../coordinator/localnet/localnetClient";
import { TransactionSender } from "../sdk/transactionSender";
import { useTestLocalnet } from "./helpers/testLocalnet";
import { eventually, within } from "./helpers/within";

const cluster = useTestLocalnet({ latency: "cluster" });
const instant = useTestLocalnet();

/** A transfer from `payer`, signed under the latest blockhash. */
async function signedTransfer(connection: Connection, payer: Keypair, to = Keypair.generate().publicKey) {
  const latest = await connection.getLatestBlockhash();
  const rent = await connection.getMinimumBalanceForRentExemption(0);
  const tx = new Transaction({ ...latest, feePayer: payer.publicKey }).add(
    SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: rent }),
  );
  tx.sign(payer);
  return { wire: tx.serialize(), latest };
}

/** Calls `step` every 10 ms until it answers something; fails after `ms`, naming `what`, and stops calling then. */
async function pollFor<T>(step: () => Promise<T | undefined>, what: string, ms = 5 * SLOT_MS): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const answer = await step();
    if (answer !== undefined) return answer;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves at the start of a slot, so what is sent next waits most of a slot to land. */
async function slotStart(connection: Connection): Promise<void> {
  const first = await connection.getSlot();
  await pollFor(async () => ((await connection.getSlot()) > first ? true : undefined), "the next slot");
}

const statusOf = async (connection: Connection, signature: string) =>
  (await connection.getSignatureStatus(signature)).value?.confirmationStatus ?? null;

describe("a local chain under cluster latency", () => {
  test("a transfer's status goes null, processed, confirmed, and confirming takes at least a slot", async () => {
    const { connection } = cluster;
    const payer = await fundedKeypair(connection, 1);
    const { wire } = await signedTransfer(connection, payer);
    await slotStart(connection);
    const sent = Date.now();
    const signature = await connection.sendRawTransaction(wire);
    const seen: (string | null)[] = [];
    const confirmedAt = await pollFor(async () => {
      const status = await statusOf(connection, signature);
      if (seen.at(-1) !== status) seen.push(status);
      return status === "confirmed" || status === "finalized" ? Date.now() : undefined;
    }, `confirmation of ${signature}`);
    expect(seen).toEqual([null, "processed", "confirmed"]);
    expect(confirmedAt - sent).toBeGreaterThanOrEqual(SLOT_MS);
  });

  test("web3.js's confirmTransaction and the SDK's sender wait at least a slot", async () => {
    const { connection } = cluster;
    const payer = await fundedKeypair(connection, 1);
    const { wire, latest } = await signedTransfer(connection, payer);
    let sent = Date.now();
    const signature = await connection.sendRawTransaction(wire);
    const { value } = await within(
      connection.confirmTransaction({ signature, ...latest }, "confirmed"),
      `confirmTransaction of ${signature}`,
    );
    expect(value.err).toBeNull();
    expect(Date.now() - sent).toBeGreaterThanOrEqual(SLOT_MS);

    const sender = new TransactionSender(connection, payer, { confirmTimeoutMs: 5_000 });
    sent = Date.now();
    const transfer = SystemProgram.transfer({
      fromPubkey: payer.publicKey,
      toPubkey: Keypair.generate().publicKey,
      lamports: await connection.getMinimumBalanceForRentExemption(0),
    });
    await within(sender.send([transfer]), "TransactionSender.send");
    expect(Date.now() - sent).toBeGreaterThanOrEqual(SLOT_MS);
  });

  test("account and logs notifications arrive only once the transaction is confirmed", async () => {
    const { connection } = cluster;
    const payer = await fundedKeypair(connection, 1);
    const watched = Keypair.generate().publicKey;
    const notes: { what: string; status: Promise<string | null> }[] = [];
    let signature = "";
    const note = (what: string) => notes.push({ what, status: statusOf(connection, signature) });
    const accountSub = connection.onAccountChange(watched, () => note("account"), "confirmed");
    const logsSub = connection.onLogs(watched, () => note("logs"), "confirmed");
    await new Promise((r) => setTimeout(r, 200)); // let the subscriptions register
    const { wire } = await signedTransfer(connection, payer, watched);
    signature = await connection.sendRawTransaction(wire);
    await pollFor(async () => ((await statusOf(connection, signature)) === "processed" ? true : undefined), "landing");
    expect(notes).toHaveLength(0);

    await eventually(() => notes.length === 2, "the account and logs notifications", 5 * SLOT_MS);
    for (const { what, status } of notes)
      expect([what, await status]).toEqual([what, expect.stringMatching(/^(confirmed|finalized)$/)]);
    await connection.removeAccountChangeListener(accountSub);
    await connection.removeOnLogsListener(logsSub);
  });

  test("preflight still answers at once: a transfer beyond the balance is refused", async () => {
    const { connection } = cluster;
    const payer = await fundedKeypair(connection, 1);
    const latest = await connection.getLatestBlockhash();
    const tx = new Transaction({ ...latest, feePayer: payer.publicKey }).add(
      SystemProgram.transfer({
        fromPubkey: payer.publicKey,
        toPubkey: Keypair.generate().publicKey,
        lamports: 2 * LAMPORTS_PER_SOL,
      }),
    );
    tx.sign(payer);
    await expect(connection.sendRawTransaction(tx.serialize())).rejects.toThrow(SendTransactionError);
  });
});

describe("a local chain under the default (instant) latency", () => {
  test("a sent transaction is final as soon as sendTransaction answers", async () => {
    const { connection } = instant;
    const payer = await fundedKeypair(connection, 1);
    const { wire } = await signedTransfer(connection, payer);
    const signature = await connection.sendRawTransaction(wire);
    expect((await connection.getSignatureStatus(signature)).value?.confirmationStatus).toBe("finalized");
  });
});
