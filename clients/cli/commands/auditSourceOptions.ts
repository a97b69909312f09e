import type { Options } from "yargs";

/** Where every audit command reads a run from (clients/cli/lib/auditInputs.ts): the cluster, the recipe, stores, servers. */
export const AUDIT_SOURCE_OPTIONS = {
  run: { type: "string", demandOption: true, describe: "the Run account's address" },
  recipe: {
    type: "string",
    describe: "the run's training recipe (JSON; its sha256 is on-chain); without it, the recipe comes from --server",
  },
  store: {
    type: "string",
    array: true,
    describe: "where the update bytes are: a trainer's --state-dir (repeat to search several)",
  },
  server: {
    type: "string",
    array: true,
    describe:
      "a data server members upload to (concord serve): asked for the bytes and signed metadata of every receipt no " +
      "--store holds (repeat for several)",
  },
} satisfies Record<string, Options>;
