// `concord crank` in-process through main(), against the real local chain and program: it ticks a short run from
// WaitingForMembers through a round to Finished and exits 0; bad input gets one line and exit 1.
import { writeKeypair } from "../coordinator/localnet/coordinatorProgram";
import { BN } from "@coral-xyz/anchor";
import { Keypair } from "@solana/web3.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../clients/cli/index";
import { fundedKeypair, providerFor } from "../coordinator/localnet/localnetClient";
import * as ix from "../sdk/coordinatorInstructions";
import { coordinatorProgram } from "../sdk/coordinatorProgram";
import { RunState, runStateOf } from "../sdk/runState";
import { TransactionSender } from "../sdk/transactionSender";
import { captureConsole } from "./helpers/capturedConsole";
import { runConfig } from "./helpers/coordinatorHarness";
import { useTestLocalnet } from "./helpers/testLocalnet";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-cli-crank-"));
const logged = captureConsole();

beforeAll(async () => {});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});

/** A keypair file in the Solana CLI's format, funded. */
async function keypairFile(name: string): Promise<{ keypair: Keypair; path: string }> {
  const keypair = await fundedKeypair(chain.connection, 5);
  const path = join(dir, `${name}.json`);
  writeKeypair(path, keypair);
  return { keypair, path };
}

test("ticks a one-step run through every state to Finished, one line per transition, and exits 0", async () => {
  // Given a one-step run with one-second phases and a member, so the move to Warmup is due
  const { keypair: authority } = await keypairFile("authority");
  const program = coordinatorProgram(providerFor(chain.connection, authority));
  const sender = new TransactionSender(chain.connection, authority);
  const runId = 77n;
  const { run } = ix.runAddresses(program, runId);
  const config = runConfig({
    totalSteps: new BN(1),
    warmupTime: 1,
    cooldownTime: 1,
    maxRoundTrainTime: 1,
    roundWitnessTime: 1,
    roundsPerEpoch: 1,
  });
  await sender.send(await ix.createRunInstructions(program, { authority: authority.publicKey, runId, config }));
  await sender.send([
    await ix.joinInstruction(program, {
      run,
      member: authority.publicKey,
      endpoint: "x",
      stake: BigInt(config.minStake.toString()),
    }),
  ]);
  const cranker = await keypairFile("cranker");

  // When anyone runs the crank
  const code = await main([
    "crank",
    "--rpc",
    chain.rpcUrl,
    "--run",
    run.toBase58(),
    "--keypair",
    cranker.path,
    "--poll-ms",
    "500",
  ]);

  // Then it walked the run to Finished and exited 0
  expect(code).toBe(0);
  expect(runStateOf((await program.account.run.fetch(run)).state)).toBe(RunState.Finished);
  const moves = logged.filter((l) => l.includes(" -> ")).map((l) => l.replace(/^\S+ /, ""));
  expect(moves).toEqual([
    "WaitingForMembers -> Warmup",
    "Warmup -> RoundTrain",
    "RoundTrain -> RoundWitness",
    "RoundWitness -> Cooldown",
    "Cooldown -> Finished",
  ]);
  expect(logged.at(-1)).toBe("run finished");
}, 30_000);

test.each([
  ["a bad run address", { run: "not-a-key" }, /--run "not-a-key" is not a base58 public key/],
  ["an unknown run", {}, /account \S+ does not exist/],
  ["a missing keypair file", { keypair: "/nonexistent/id.json" }, /keypair file \/nonexistent\/id.json not found/],
])("%s gets a one-line error and exit 1", async (_, override: Record<string, string>, message) => {
  const { path } = await keypairFile("any");
  const options = { url: chain.rpcUrl, run: Keypair.generate().publicKey.toBase58(), keypair: path, ...override };
  expect(await main(["crank", ...Object.entries(options).flatMap(([k, v]) => [`--${k}`, v])])).toBe(1);
  expect(logged).toHaveLength(1);
  expect(logged[0]).toMatch(/^error( \d+)?: /);
  expect(logged[0]).toMatch(message);
});
