import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runVerifyBuild } from "../lib/runVerifyBuild";

const options = {
  "program-id": {
    type: "string",
    describe: "with --url: the deployed program to compare (default: Anchor.toml's concord_coordinator)",
  },
  json: { type: "boolean", default: false, describe: "print the build's (and the deployed program's) sha256 as JSON" },
} satisfies Record<string, Options>;

export const verifyBuildCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> = {
  command: "verify-build",
  describe: "rebuild the program from scratch and print its sha256; with --url, compare it with the deployed bytes",
  builder: (y) => y.options(options),
  handler: (args) => runVerifyBuild(args),
};
