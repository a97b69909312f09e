// A member leaves mid-run: a `concord train --leave` process gets Ctrl-C after its first commit, sends leave, serves
// out the epoch it is in, and exits 0. The two honest trainer nodes go on to the run's end without it, applying every
// accepted update (its own included), and finish with the replay's parameters. Its stake stays bonded until the run's
// epoch counter passes the unbonding epoch: `concord withdraw` says when before, and returns exactly the stake after.
import { writeKeypair } from "../coordinator/localnet/coordinatorProgram";
import { LAMPORTS_PER_SOL } from "@solana/web3.js";
import type { PublicKey } from "@solana/web3.js";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../clients/cli/index";
import { fundedKeypair } from "../coordinator/localnet/localnetClient";
import { createDemoRun } from "../scripts/demo/demoRun";
import { TrainerProcess } from "../scripts/demo/trainerProcess";
import { Crank } from "../coordinator/crank/crank";
import { toBigInt } from "../sdk/coordinatorAccounts";
import * as ix from "../sdk/coordinatorInstructions";
import { findMemberAddress } from "../sdk/coordinatorPdas";
import { coordinatorProgram } from "../sdk/coordinatorProgram";
import { providerFor } from "../coordinator/localnet/localnetClient";
import { RunState, runStateOf } from "../sdk/runState";
import { TransactionSender } from "../sdk/transactionSender";
import type { Dataset } from "../trainer/data/tokenShards";
import { runHistory } from "../trainer/node/runHistory";
import type { NodeEvent } from "../trainer/node/trainerNode";
import { captureConsole } from "./helpers/capturedConsole";
import { generatedDataset } from "./helpers/generatedDataset";
import { crankUntil, finishedHashes, replayHash, startNodes } from "./helpers/inProcessNodes";
import { useTestLocalnet } from "./helpers/testLocalnet";
import { eventually, within } from "./helpers/within";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-leave-"));
const logged = captureConsole();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROUNDS = 6;
let dataset: Dataset;
beforeAll(() => {
  dataset = generatedDataset(join(dir, "data"), 20_000, 5);
});

test("Ctrl-C on `concord train --leave`: it serves out its epoch and exits 0; the run ends without it, nothing accepted lost", async () => {
  // Given a 6-round run of 2-round epochs that starts with 3 members and goes on with 2: a leaver process, 2 nodes
  const connection = chain.connection;
  const authority = await fundedKeypair(connection, 20);
  const { run, recipe } = await createDemoRun(connection, authority, {
    dataset,
    members: 3,
    minClients: 2,
    rounds: ROUNDS,
    roundsPerEpoch: 2,
  });
  const program = coordinatorProgram(providerFor(connection, authority));
  const recipeFile = join(dir, "recipe.json");
  writeFileSync(recipeFile, JSON.stringify(recipe));
  const leaver = await fundedKeypair(connection, 2);
  const keypairFile = join(dir, "leaver.json");
  writeKeypair(keypairFile, leaver);
  const leaverEvents: NodeEvent[] = [];
  const child = new TrainerProcess({
    name: "leaver",
    rpcUrl: chain.rpcUrl,
    run: run.toBase58(),
    keypairFile,
    recipeFile,
    dataDir: dataset.dir,
    stateDir: join(dir, "leaver"),
    listen: "127.0.0.1:0",
    extraArgs: ["--leave"],
    onEvent: (e) => {
      leaverEvents.push(e);
      // When it gets Ctrl-C right after its first commit (step 0, the first round of epoch 0)
      if (e.kind === "committed" && e.step === 0) child.child.kill("SIGINT");
    },
  });
  const honest = await startNodes(connection, { run, recipe, dataset, dir, count: 2, witnessWaitMs: 5000 });
  let exitCode: number | null = null;
  try {
    const leaverDone = child.exited.then(async (code) => {
      exitCode = code;
      // Then, right after it exits, withdraw says when the stake unbonds, and sends nothing
      logged.length = 0;
      const withdraw = ["withdraw", "--url", chain.rpcUrl, "--keypair", keypairFile, "--run", run.toBase58()];
      expect(await main(withdraw)).toBe(1);
      const errors = logged.filter((l) => /^error( \d+)?: /.test(l));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/still unbonding: it unbonds once the run reaches epoch 2 \(it is in epoch [01]\)/);
    });
    await crankUntil(connection, authority, run, Promise.all([...honest.runs, leaverDone]), 280_000).catch(
      (e: Error) => {
        const last = (events: NodeEvent[]) => JSON.stringify(events.slice(-3));
        throw new Error(
          `${e.message}; the leaver's last lines: ${child.tail.join(" | ")}; honest: ${honest.events.map(last).join(" ")}`,
        );
      },
    );
  } finally {
    honest.stop();
    await child.stop();
  }

  // Then the leaver exited 0 after leaving in epoch 0 and serving out its two rounds, and is Leaving on-chain
  expect(exitCode).toBe(0);
  const left = leaverEvents.find((e) => e.kind === "left");
  expect(left).toEqual({ kind: "left", epoch: 0, unbondsAtEpoch: 2 });
  expect(leaverEvents[leaverEvents.length - 1]).toMatchObject({ kind: "stopped", left: true, lastCommitted: 1 });
  const state = await program.account.run.fetch(run);
  const memberAddress = findMemberAddress(run, leaver.publicKey, program.programId)[0];
  const member = await program.account.member.fetch(memberAddress);
  const entry = state.members[member.slot];
  expect("leaving" in entry.status).toBe(true);

  // and every accepted update was applied: the leaver's two (both accepted) and every honest one, on both nodes
  const history = await runHistory(connection, program.programId, run);
  expect(history.map((h) => h.step)).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
  const leaverSteps = history.flatMap((h) => h.updates.filter((u) => u.member.equals(leaver.publicKey)));
  expect(leaverSteps.map((u) => u.step)).toEqual([0n, 1n]);
  for (const events of honest.events) {
    const applied = events.filter((e) => e.kind === "applied") as Extract<NodeEvent, { kind: "applied" }>[];
    expect(applied.map((e) => [e.step, e.slots])).toEqual(
      history.map((h) => [Number(h.step), h.updates.map((u) => u.slot)]),
    );
  }
  // and the honest members agree with each other and with the replay from the chain's record
  const expected = await replayHash(connection, program.programId, { run, recipe, dataset, dir });
  expect(finishedHashes(honest.events)).toEqual([expected, expected]);

  // When the run has ended (epoch counter 3, past the unbonding epoch 2), the leaver withdraws
  expect(toBigInt(state.epoch)).toBe(3n);
  const rent = BigInt((await connection.getAccountInfo(memberAddress))!.lamports);
  const before = BigInt(await connection.getBalance(leaver.publicKey));
  logged.length = 0;
  const withdraw = ["withdraw", "--url", chain.rpcUrl, "--keypair", keypairFile, "--run", run.toBase58(), "--json"];
  expect(await main(withdraw)).toBe(0);
  const out = JSON.parse(logged[logged.length - 1]) as { signature: string; stake: number };

  // Then its balance grows by exactly the stake it joined with, the rewards owed and the account's rent, less the fee
  const stake = toBigInt(entry.stake);
  expect(stake).toBe(toBigInt(state.config.minStake));
  expect(out.stake).toBe(Number(stake));
  const tx = await connection.getTransaction(out.signature, {
    commitment: "confirmed",
    maxSupportedTransactionVersion: 0,
  });
  const after = BigInt(await connection.getBalance(leaver.publicKey));
  expect(after - before).toBe(stake + toBigInt(entry.rewardsOwed) + rent - BigInt(tx!.meta!.fee));
}, 320_000);

/**
 * A two-member run of two rounds in one epoch: a `concord train` process (no --leave) and a silent member this test
 * plays (it commits a receipt at once and never serves bytes), cranked into round 0. The process gets Ctrl-C as soon
 * as it has committed round 0, which then stays open until the test lets it close (the silent member's witness).
 */
async function interruptedInRound(name: string) {
  const connection = chain.connection;
  const work = mkdtempSync(join(dir, `${name}-`));
  const authority = await fundedKeypair(connection, 20);
  const { run, recipe } = await createDemoRun(connection, authority, { dataset, members: 2, rounds: 2 });
  const recipeFile = join(work, "recipe.json");
  writeFileSync(recipeFile, JSON.stringify(recipe));
  const silent = await fundedKeypair(connection, 2);
  const silentSender = new TransactionSender(connection, silent);
  const silentProgram = coordinatorProgram(providerFor(connection, silent));
  const stake = LAMPORTS_PER_SOL / 10;
  await silentSender.send([
    await ix.joinInstruction(silentProgram, { run, member: silent.publicKey, endpoint: "ws://127.0.0.1:9", stake }),
  ]);
  const trainer = await fundedKeypair(connection, 2);
  const keypairFile = join(work, "trainer.json");
  writeKeypair(keypairFile, trainer);
  const events: NodeEvent[] = [];
  const child = new TrainerProcess({
    name,
    rpcUrl: chain.rpcUrl,
    run: run.toBase58(),
    keypairFile,
    recipeFile,
    dataDir: dataset.dir,
    stateDir: join(work, "trainer"),
    listen: "127.0.0.1:0",
    onEvent: (e) => {
      events.push(e);
      if (e.kind === "committed" && e.step === 0) child.child.kill("SIGINT");
    },
  });
  const program = coordinatorProgram(providerFor(connection, authority));
  const crank = new Crank(program, run, new TransactionSender(connection, authority));
  // the crank moves the run into round 0, where the silent member commits at once
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for round 0; the trainer's last lines: ${child.tail.join(" | ")}`);
    const state = runStateOf((await program.account.run.fetch(run)).state);
    if (state === RunState.RoundTrain) break;
    await crank.once();
    await new Promise((r) => setTimeout(r, 200));
  }
  const commit = { run, member: silent.publicKey, epoch: 0n, step: 0n, size: 100, loss: 1 };
  await silentSender.send([await ix.commitInstruction(silentProgram, { ...commit, hash: randomBytes(32) })]);
  return { run, program, child, events, silent, silentSender, silentProgram, trainer: trainer.publicKey };
}

const slotOf = async (r: Awaited<ReturnType<typeof interruptedInRound>>, key: PublicKey) =>
  (await r.program.account.run.fetch(r.run)).members.findIndex((m) => m.key.equals(key));

test("Ctrl-C without --leave: the node stays until the round it committed closes, witnessing it, then exits 0", async () => {
  const r = await interruptedInRound("stop");
  try {
    // When the round it committed is still being witnessed after the Ctrl-C
    await eventually(
      () => r.child.tail.some((l) => l.startsWith("stopping after the round in flight")),
      "the Ctrl-C",
      120_000,
    );
    const state = await r.program.account.run.fetch(r.run);
    expect(runStateOf(state.state)).toBe(RunState.RoundWitness);
    expect(r.events.some((e) => e.kind === "stopped")).toBe(false);
    // and the silent member witnesses both receipts, so the node's own witness closes the round
    const slots = [await slotOf(r, r.silent.publicKey), await slotOf(r, r.trainer)];
    const witness = { run: r.run, witness: r.silent.publicKey, step: 0n, bitmap: ix.memberBitmap(slots) };
    await r.silentSender.send([await ix.witnessInstruction(r.silentProgram, witness)]);
    const code = await within(r.child.exited, "the trainer to exit", 120_000).catch((e: Error) => {
      throw new Error(`${e.message}; its last lines: ${r.child.tail.join(" | ")}`);
    });

    // Then it exited 0 once round 0 had closed with its update accepted (the silent member's never had bytes), having
    // committed nothing after
    expect(code).toBe(0);
    const after = await r.program.account.run.fetch(r.run);
    expect([runStateOf(after.state), toBigInt(after.step)]).toEqual([RunState.RoundTrain, 1n]);
    const history = await runHistory(chain.connection, r.program.programId, r.run);
    expect(history.map((h) => [h.step, h.updates.map((u) => u.member.toBase58())])).toEqual([
      [0n, [r.trainer.toBase58()]],
    ]);
    const kinds = r.events.map((e) => `${e.kind}${"step" in e ? ` ${e.step}` : ""}`);
    expect(kinds.filter((k) => k.startsWith("committed") || k.startsWith("witnessed"))).toEqual([
      "committed 0",
      "witnessed 0",
    ]);
    expect(r.events[r.events.length - 1]).toMatchObject({ kind: "stopped", lastCommitted: 0, left: false });
  } finally {
    await r.child.stop();
  }
}, 300_000);

test("a second Ctrl-C exits at once, with the round it committed still open", async () => {
  const r = await interruptedInRound("twice");
  try {
    // When, after the first Ctrl-C, a second one comes while the round it committed is open (nobody closes it)
    await eventually(
      () => r.child.tail.some((l) => l.startsWith("stopping after the round in flight")),
      "the Ctrl-C",
      120_000,
    );
    r.child.child.kill("SIGINT");
    const code = await within(r.child.exited, "the trainer to exit", 60_000).catch((e: Error) => {
      throw new Error(`${e.message}; its last lines: ${r.child.tail.join(" | ")}`);
    });

    // Then it exited 130 without waiting for the round
    expect(code).toBe(130);
    expect(r.events.some((e) => e.kind === "stopped")).toBe(false);
    expect([RunState.RoundTrain, RunState.RoundWitness]).toContain(
      runStateOf((await r.program.account.run.fetch(r.run)).state),
    );
  } finally {
    await r.child.stop();
  }
}, 300_000);
