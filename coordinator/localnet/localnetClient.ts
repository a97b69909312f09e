// What every web3.js/Anchor client of a local chain does: fund a fresh keypair from the faucet, make an Anchor
// provider for a keypair, and let web3.js's websocket go idle before the chain stops. Transactions go through the
// SDK's TransactionSender.
import { AnchorProvider, Wallet } from "@coral-xyz/anchor";
import type { Connection, PublicKey } from "@solana/web3.js";
import { Keypair, LAMPORTS_PER_SOL } from "@solana/web3.js";
import * as codes from "../../sdk/errors/codes";
import { ConcordError } from "../../sdk/errors/concordError";
import { rpcFailed } from "../../sdk/errors/rpcFailed";
import { confirmSignature } from "../../sdk/signatureConfirmation";

/** A new keypair holding `sol` SOL from the cluster's faucet (requestAirdrop), confirmed. */
export async function fundedKeypair(connection: Connection, sol: number): Promise<Keypair> {
  const keypair = Keypair.generate();
  await airdrop(connection, keypair.publicKey, sol * LAMPORTS_PER_SOL);
  return keypair;
}

/** `lamports` from the cluster's faucet to `to` (requestAirdrop), confirmed before it resolves. */
export async function airdrop(connection: Connection, to: PublicKey, lamports: number): Promise<void> {
  let signature: string;
  let blockhash;
  try {
    signature = await connection.requestAirdrop(to, lamports);
    blockhash = await connection.getLatestBlockhash();
  } catch (e) {
    throw rpcFailed("requestAirdrop", e);
  }
  const landed = await confirmSignature(connection, signature, blockhash, {
    commitment: "confirmed",
    timeoutMs: 30_000,
  });
  if (landed === "expired")
    throw new ConcordError(codes.CONCORD_ERROR__TRANSACTION__BLOCKHASH_EXPIRED, { attempts: 1, reason: "airdrop" });
  if (landed.err !== null)
    throw new ConcordError(codes.CONCORD_ERROR__TRANSACTION__FAILED, {
      err: JSON.stringify(landed.err),
      outcome: `airdrop ${signature} landed failed`,
    });
}

/** An Anchor provider that signs with `keypair` and waits for confirmed commitment. */
export function providerFor(connection: Connection, keypair: Keypair): AnchorProvider {
  return new AnchorProvider(connection, new Wallet(keypair), { commitment: "confirmed" });
}

/**
 * web3.js 1.x has no way to close a Connection's websocket: it closes it itself 500 ms after the last subscription
 * ends (confirmTransaction's included), and reconnects forever if the server goes first. Wait this long before
 * stopping a local chain that was used through a Connection.
 */
export const waitForIdleWebsocket = () => new Promise((resolve) => setTimeout(resolve, 700));
