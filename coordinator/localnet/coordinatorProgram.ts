// The coordinator program's build output and its localnet keypair: what the local chain deploys at genesis.
import { Keypair } from "@solana/web3.js";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { COORDINATOR_KEYPAIR, COORDINATOR_SO } from "../../programs/coordinator/paths";

/** Reads a keypair in the Solana CLI's format (a JSON array of the 64 secret-key bytes). */
export function readKeypair(path: string): Keypair {
  return Keypair.fromSecretKey(Uint8Array.from(JSON.parse(readFileSync(path, "utf8"))));
}

/** Writes a keypair in that format, readable by its owner only (a wallet for a child process or the Solana CLI). */
export function writeKeypair(path: string, keypair: Keypair): void {
  writeFileSync(path, JSON.stringify(Array.from(keypair.secretKey)), { mode: 0o600 });
}

export function coordinatorProgram(): { keypair: Keypair; elf: Buffer } {
  if (!existsSync(COORDINATOR_SO)) throw new Error(`${COORDINATOR_SO} is missing: run \`npm run build:program\``);
  return { keypair: readKeypair(COORDINATOR_KEYPAIR), elf: readFileSync(COORDINATOR_SO) };
}
