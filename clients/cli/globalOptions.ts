import type { InferredOptionTypes, Options } from "yargs";

/** Options every command accepts; commands that do not talk to a cluster ignore them. */
export const GLOBAL_OPTIONS = {
  "anchor-toml": { type: "string", describe: "Anchor.toml to read cluster, wallet and program ids from", global: true },
  url: {
    alias: ["u", "rpc"],
    type: "string",
    describe: "RPC URL or moniker (localnet, devnet, testnet, mainnet); default: Anchor.toml's cluster",
    global: true,
  },
  keypair: {
    alias: "k",
    type: "string",
    describe: "wallet keypair file (Solana CLI JSON); default: Anchor.toml's wallet",
    global: true,
  },
  verbose: { type: "boolean", default: false, describe: "on an error, print its stack trace too", global: true },
} satisfies Record<string, Options>;

export type GlobalOptions = InferredOptionTypes<typeof GLOBAL_OPTIONS>;
