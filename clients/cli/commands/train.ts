import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import type { GlobalOptions } from "../globalOptions";
import { runTrain } from "../lib/runTrain";
import { METRICS_OPTIONS } from "./metricsOptions";

const options = {
  run: { type: "string", demandOption: true, describe: "the Run account's address" },
  recipe: {
    type: "string",
    describe: "the run's training recipe (JSON; its sha256 is on-chain); without it, the recipe comes from --server",
  },
  data: {
    type: "string",
    describe: "the run's prepared dataset folder (its hash is on-chain); without it, the dataset comes from --server",
  },
  listen: {
    type: "string",
    describe: "HOST:PORT the peer server listens on (0: any port; default 127.0.0.1:0, none with --relay)",
  },
  relay: {
    type: "string",
    array: true,
    describe: "ws://HOST:PORT/relay of a concord relay to take peers through (repeatable; the first is advertised)",
  },
  advertise: {
    type: "string",
    describe: "ws://HOST:PORT other members dial (default: the relay, else the listen address)",
  },
  stake: { type: "number", describe: "SOL to stake when joining (default: the run's min_stake)" },
  server: {
    type: "string",
    array: true,
    describe:
      "a data server (concord serve): the recipe (without --recipe), the dataset (without --data), checkpoints and past updates come from it, committed updates go to it; repeatable",
  },
  "state-dir": { type: "string", default: ".concord/trainer", describe: "where updates are kept for the epoch" },
  "keep-rounds": {
    type: "string",
    describe:
      "rounds of updates the state dir keeps back from the current one (default: two epochs', the challenge window); those since the latest checkpoint always stay",
  },
  json: { type: "boolean", default: false, describe: "print one JSON event per line instead of text" },
  leave: {
    type: "boolean",
    default: false,
    describe: "on Ctrl-C, leave the run: send leave, serve out the epoch in progress, then exit",
  },
  ...METRICS_OPTIONS,
  // red-team runs (tests, bench:audit): a member that cheats on purpose, so audits are measured against real ones
  attack: { type: "string", hidden: true, describe: "misbehave as this attack (trainer/adversary/attacks.ts)" },
} satisfies Record<string, Options>;

export const trainCommand: CommandModule<GlobalOptions, GlobalOptions & InferredOptionTypes<typeof options>> = {
  command: "train",
  describe: "run a trainer node: join a run with stake, train, exchange updates with peers, witness, claim",
  builder: (y) => y.options(options),
  handler: (args) => runTrain(args),
};
