// `concord keygen`: a wallet for a member, an auditor or a run creator without the Solana CLI at hand; the file is the
// Solana CLI's format, so either tool reads the other's.
import { Keypair } from "@solana/web3.js";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { writeKeypair } from "../../../coordinator/localnet/coordinatorProgram";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";
import type { ClusterArgs } from "./clusterArgs";
import { walletPathOf } from "./clusterArgs";

export async function runKeygen(
  args: ClusterArgs & { outfile?: string; force: boolean; json: boolean },
): Promise<void> {
  const path = args.outfile ? resolve(args.outfile) : await walletPathOf(args);
  // a wallet may hold stake and rewards: never replace one unasked
  if (existsSync(path) && !args.force) throw new ConcordError(codes.CONCORD_ERROR__CLIENT__KEYPAIR_EXISTS, { path });
  const keypair = Keypair.generate();
  mkdirSync(dirname(path), { recursive: true });
  writeKeypair(path, keypair);
  const publicKey = keypair.publicKey.toBase58();
  console.log(args.json ? JSON.stringify({ publicKey, path }) : `${publicKey} (written to ${path})`);
}
