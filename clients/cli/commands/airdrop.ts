import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runAirdrop } from "../lib/runAirdrop";

const options = {
  sol: { type: "number", demandOption: true, describe: "how much SOL to ask the cluster's faucet for" },
  to: { type: "string", describe: "the account to fund; default: the wallet (--keypair, else Anchor.toml's)" },
  json: { type: "boolean", default: false, describe: "print the account and its balance as one JSON line" },
} satisfies Record<string, Options>;

export const airdropCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> = {
  command: "airdrop",
  describe: "fund an account from the cluster's faucet (the local chain's, devnet's, testnet's)",
  builder: (y) => y.options(options),
  handler: (args) => runAirdrop(args),
};
