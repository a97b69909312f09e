// The cluster and wallet a command talks to: flags first, else Anchor.toml (read only when a flag is missing), so
// every command resolves them the same way.
import type { Keypair } from "@solana/web3.js";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { readKeypair } from "../../../coordinator/localnet/coordinatorProgram";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";
import { clusterUrl, readAnchorToml } from "./anchorToml";

export interface ClusterArgs {
  anchorToml?: string;
  url?: string;
  keypair?: string;
}

const anchorToml = (args: ClusterArgs) => readAnchorToml(args.anchorToml && resolve(args.anchorToml));

/** --url, else Anchor.toml's cluster. */
export async function rpcUrlOf(args: ClusterArgs): Promise<string> {
  return args.url ? clusterUrl(args.url) : (await anchorToml(args)).rpcUrl;
}

/** The wallet file: --keypair, else Anchor.toml's wallet. */
export async function walletPathOf(args: ClusterArgs): Promise<string> {
  return args.keypair ? resolve(args.keypair) : (await anchorToml(args)).walletPath;
}

/** --keypair, else Anchor.toml's wallet; KEYPAIR_NOT_FOUND when the file is not there, MALFORMED_KEYPAIR if unreadable. */
export async function walletOf(args: ClusterArgs): Promise<Keypair> {
  const path = await walletPathOf(args);
  if (!existsSync(path)) throw new ConcordError(codes.CONCORD_ERROR__CLIENT__KEYPAIR_NOT_FOUND, { path });
  try {
    return readKeypair(path);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__MALFORMED_KEYPAIR, { path, reason }, { cause: e });
  }
}
