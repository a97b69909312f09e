// Cluster, wallet and program ids from Anchor.toml, so every command and script reads them from one place.
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { DEFAULT_RPC_PORT } from "../../../coordinator/localnet/localnet";
import { REPO_ROOT } from "../../../programs/coordinator/paths";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";

export const ANCHOR_TOML = join(REPO_ROOT, "Anchor.toml");

/** Monikers Anchor and the Solana CLI accept for `cluster`. */
const CLUSTER_URLS: Record<string, string> = {
  localnet: `http://127.0.0.1:${DEFAULT_RPC_PORT}`,
  localhost: `http://127.0.0.1:${DEFAULT_RPC_PORT}`,
  devnet: "https://api.devnet.solana.com",
  testnet: "https://api.testnet.solana.com",
  mainnet: "https://api.mainnet-beta.solana.com",
  "mainnet-beta": "https://api.mainnet-beta.solana.com",
};

export interface AnchorConfig {
  /** The `[provider] cluster` value as written (a moniker or a URL). */
  cluster: string;
  rpcUrl: string;
  walletPath: string;
  /** Program ids for the cluster, by program name. */
  programs: Record<string, string>;
}

export function clusterUrl(cluster: string): string {
  if (CLUSTER_URLS[cluster]) return CLUSTER_URLS[cluster];
  if (/^https?:\/\//.test(cluster)) return cluster;
  throw new ConcordError(codes.CONCORD_ERROR__CLIENT__UNKNOWN_CLUSTER, { cluster });
}

const expandHome = (path: string) => (path.startsWith("~/") ? join(homedir(), path.slice(2)) : path);

export async function readAnchorToml(path = ANCHOR_TOML): Promise<AnchorConfig> {
  if (!existsSync(path)) throw new ConcordError(codes.CONCORD_ERROR__CLIENT__ANCHOR_TOML_NOT_FOUND, { path });
  // smol-toml ships ES-module types only; a dynamic import keeps this CommonJS file type-checked.
  const { parse } = await import("smol-toml");
  let parsed: unknown;
  try {
    parsed = parse(readFileSync(path, "utf8"));
  } catch (e) {
    // smol-toml's message is several lines (a code frame); its first says what is wrong where
    const reason = (e as Error).message.split("\n")[0];
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__MALFORMED_ANCHOR_TOML, { path, reason }, { cause: e });
  }
  const toml = parsed as {
    provider?: { cluster?: string; wallet?: string };
    programs?: Record<string, Record<string, string>>;
  };
  const cluster = toml.provider?.cluster ?? "localnet";
  const moniker = cluster === "localhost" ? "localnet" : cluster.replace("mainnet-beta", "mainnet");
  return {
    cluster,
    rpcUrl: clusterUrl(cluster),
    walletPath: resolve(dirname(path), expandHome(toml.provider?.wallet ?? "~/.config/solana/id.json")),
    programs: toml.programs?.[moniker] ?? {},
  };
}
