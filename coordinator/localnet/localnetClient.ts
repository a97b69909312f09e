// What every web3.js/Anchor client of a local chain does: fund a fresh keypair from the faucet, make an Anchor
// provider for a keypair, send instructions as one confirmed transaction, and let web3.js's websocket go idle
// before the chain stops.
import type { Provider } from "@coral-xyz/anchor";
import { AnchorProvider, Wallet } from "@coral-xyz/anchor";
import type { Connection, TransactionInstruction } from "@solana/web3.js";
import { Keypair, LAMPORTS_PER_SOL, Transaction } from "@solana/web3.js";

/** A new keypair holding `sol` SOL from the cluster's faucet (requestAirdrop), confirmed. */
export async function fundedKeypair(connection: Connection, sol: number): Promise<Keypair> {
  const keypair = Keypair.generate();
  const signature = await connection.requestAirdrop(keypair.publicKey, sol * LAMPORTS_PER_SOL);
  await connection.confirmTransaction({ signature, ...(await connection.getLatestBlockhash()) });
  return keypair;
}

/** An Anchor provider that signs with `keypair` and waits for confirmed commitment. */
export function providerFor(connection: Connection, keypair: Keypair): AnchorProvider {
  return new AnchorProvider(connection, new Wallet(keypair), { commitment: "confirmed" });
}

/** Sends `instructions` as one transaction signed by the program's provider; resolves to its signature. */
export function sendInstructions(program: { provider: Provider }, instructions: TransactionInstruction[]) {
  return program.provider.sendAndConfirm!(new Transaction().add(...instructions));
}

/**
 * web3.js 1.x has no way to close a Connection's websocket: it closes it itself 500 ms after the last subscription
 * ends (confirmTransaction's included), and reconnects forever if the server goes first. Wait this long before
 * stopping a local chain that was used through a Connection.
 */
export const waitForIdleWebsocket = () => new Promise((resolve) => setTimeout(resolve, 700));
