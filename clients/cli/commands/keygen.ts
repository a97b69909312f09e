import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runKeygen } from "../lib/runKeygen";

const options = {
  outfile: {
    alias: "o",
    type: "string",
    describe: "where to write the keypair (Solana CLI JSON); default: --keypair, else Anchor.toml's wallet",
  },
  force: { type: "boolean", default: false, describe: "replace a keypair file that exists" },
  json: { type: "boolean", default: false, describe: "print the public key and file as one JSON line" },
} satisfies Record<string, Options>;

export const keygenCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> = {
  command: "keygen",
  describe: "create a wallet keypair (readable by its owner only) and print its public key",
  builder: (y) => y.options(options),
  handler: (args) => runKeygen(args),
};
