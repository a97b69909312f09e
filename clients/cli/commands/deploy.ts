import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runDeploy } from "../lib/runDeploy";

const options = {
  program: { type: "string", default: "target/deploy/coordinator.so", describe: "the program ELF" },
  "program-keypair": {
    type: "string",
    default: "programs/coordinator/program-keypair.json",
    describe: "program keypair (its address is the program id)",
  },
  "program-id": { type: "string", describe: "upgrade this program instead (you must be its upgrade authority)" },
} satisfies Record<string, Options>;

export const deployCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> = {
  command: "deploy",
  describe: "deploy (or upgrade) the coordinator program through the upgradeable loader",
  builder: (y) => y.options(options),
  handler: (args) => runDeploy(args),
};
