import { relative } from "node:path";
import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import { COORDINATOR_KEYPAIR, COORDINATOR_SO } from "../../../programs/coordinator/paths";
import type { GlobalOptions } from "../globalOptions";
import { runDeploy } from "../lib/runDeploy";

/** The build's own paths, shown in --help relative to where the command runs. */
const shown = (path: string) => ({ default: path, defaultDescription: relative(process.cwd(), path) });

const options = {
  program: { type: "string", ...shown(COORDINATOR_SO), describe: "the program ELF" },
  "program-keypair": {
    type: "string",
    ...shown(COORDINATOR_KEYPAIR),
    describe: "program keypair (its address is the program id)",
  },
  "program-id": { type: "string", describe: "upgrade this program instead (you must be its upgrade authority)" },
  json: { type: "boolean", default: false, describe: "no progress bar; print the result as one JSON line" },
} satisfies Record<string, Options>;

export const deployCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> = {
  command: "deploy",
  describe: "deploy (or upgrade) the coordinator program through the upgradeable loader",
  builder: (y) => y.options(options),
  handler: (args) => runDeploy(args),
};
