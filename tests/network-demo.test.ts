// The network end to end with real processes: a local chain, a crank, and three `concord train` child processes
// exchanging updates over websockets on 127.0.0.1. Every member ends with the parameters of an in-process replay of
// the run from what the chain recorded and the stored update bytes.
import { Connection, Keypair } from "@solana/web3.js";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { providerFor } from "../coordinator/localnet/localnetClient";
import { runNetworkDemo } from "../scripts/demo/networkDemo";
import { updateHash } from "../sdk/codec/updateCodec";
import { coordinatorProgram } from "../sdk/coordinatorProgram";
import { RunState, runStateOf } from "../sdk/runState";
import { generatedDataset } from "./helpers/generatedDataset";
import { runHistory } from "../trainer/node/runHistory";
import { checkReceiptMetadata, decodeReceiptMetadata } from "../sdk/receiptMetadata";
import { UpdateStore } from "../trainer/node/updateStore";
import { useTestLocalnet } from "./helpers/testLocalnet";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-network-"));

beforeAll(async () => {});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});

test("three trainer processes train a run over websockets and end with the replay's parameters", async () => {
  // Given a small dataset and a run of 4 rounds for 3 members
  const dataset = generatedDataset(join(dir, "data"), 40_000, 5);

  // When three `concord train` processes and a crank run it to the end
  const report = await runNetworkDemo({
    rpcUrl: chain.rpcUrl,
    dataset,
    members: 3,
    rounds: 5,
    roundsPerEpoch: 2, // three epochs: the nodes and the replay cross epoch boundaries
    globalBatchSize: 6,
    workDir: join(dir, "work"),
    basePort: 0,
    valWindows: 64,
  });

  // Then every round had three receipts and all were accepted
  expect(report.rounds.map((r) => r.step)).toEqual([0, 1, 2, 3, 4]);
  for (const round of report.rounds) {
    expect(round.receipts).toBe(3);
    expect(round.accepted).toHaveLength(3);
  }
  // And every member holds the parameters the replay from the chain's records and the stored bytes rebuilds
  expect(report.replayHash).toMatch(/^[0-9a-f]{64}$/);
  for (const m of report.members) {
    expect(m.paramsHash).toBe(report.replayHash);
    expect(m.receiptsAccepted).toBe(5);
    expect(m.claimedLamports).toBeGreaterThan(0);
    // updates went over the wire, far smaller than a dense gradient per round
    expect(m.bytesSent).toBeGreaterThan(0);
    expect(m.bytesSent / 5).toBeLessThan(report.denseBytes / 20);
  }
  expect(report.valLossAfter).toBeLessThan(report.valLossBefore);

  // And each member's store holds, for every receipt it committed, exactly the bytes the receipt hashes
  const connection = new Connection(chain.rpcUrl, "confirmed");
  const program = coordinatorProgram(providerFor(connection, Keypair.generate()));
  const state = await program.account.run.fetch(report.run);
  expect(runStateOf(state.state)).toBe(RunState.Finished);
  expect(state.config.valueBits).toBe(1); // 1-bit values: the run's config reached the chain as written
  const history = await runHistory(connection, program.programId, report.run);
  expect(history.map((h) => h.step)).toEqual([0n, 1n, 2n, 3n, 4n]);
  expect(new Set(history.flatMap((h) => h.updates.map((u) => u.epoch)))).toEqual(new Set([0n, 1n, 2n]));
  for (const { step, updates } of history)
    for (const u of updates) {
      const i = report.members.findIndex((m) => m.member === u.member.toBase58());
      const stored = UpdateStore.open(join(dir, "work", report.members[i].name, "updates")).get(u.member, Number(step));
      expect(Buffer.from(updateHash(stored!.bytes))).toEqual(Buffer.from(u.hash));
      // and the metadata published with it binds the compute that produced it to that receipt
      const metadata = decodeReceiptMetadata(stored!.metadata);
      const receipt = { hash: u.hash, size: u.size, loss: metadata.loss };
      expect(() =>
        checkReceiptMetadata(metadata, { run: report.run, member: u.member, step: Number(step), receipt }),
      ).not.toThrow();
      expect(metadata.compute.backend).toBe("wasm");
    }
}, 240_000);

test("rounds of H inner steps (AdamW, chunked top-k, 2-bit values, outer SGD): every member ends with the replay's parameters", async () => {
  // Given a run of 4 rounds of 3 inner steps each, SparseLoCo's compression, over two epochs
  const dataset = generatedDataset(join(dir, "data-inner"), 40_000, 7);
  const report = await runNetworkDemo({
    rpcUrl: chain.rpcUrl,
    dataset,
    members: 3,
    rounds: 4,
    roundsPerEpoch: 2,
    globalBatchSize: 6,
    innerSteps: 3,
    valueBits: 2,
    demoTopK: 64,
    demoDecay: 0.95,
    outerLearningRate: 1,
    outerMomentum: 0.5,
    learningRate: 3e-3,
    round: {
      inner: { kind: "adamw", beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1 },
      transform: "none",
      outer: "sgd",
      weightDecay: 0,
    },
    workDir: join(dir, "work-inner"),
    basePort: 0,
    valWindows: 64,
  });

  // Then every receipt was accepted and every member holds the replay's parameters
  expect(report.rounds.map((r) => r.accepted.length)).toEqual([3, 3, 3, 3]);
  for (const m of report.members) expect(m.paramsHash).toBe(report.replayHash);
  expect(report.valLossAfter).toBeLessThan(report.valLossBefore);
  // And the run's config reached the chain as written
  const connection = new Connection(chain.rpcUrl, "confirmed");
  const program = coordinatorProgram(providerFor(connection, Keypair.generate()));
  const state = await program.account.run.fetch(report.run);
  expect([state.config.innerSteps, state.config.valueBits, state.config.outerMomentum]).toEqual([3, 2, 0.5]);
}, 240_000);

test("a member process that dies stops the demo with its last lines, and no member process is left running", async () => {
  // Given the demo network starting on a small run
  const dataset = generatedDataset(join(dir, "data-2"), 20_000, 6);
  const workDir = join(dir, "dies");
  const demo = runNetworkDemo({
    rpcUrl: chain.rpcUrl,
    dataset,
    members: 3,
    rounds: 30,
    globalBatchSize: 6,
    workDir,
    basePort: 0,
    valWindows: 8,
    // When member-1 has trained its first round, it is killed (as by the OOM killer or a crash)
    onEvent: (member, event) => {
      if (member !== 1 || event.kind !== "trained" || event.step !== 0) return;
      const pid = execFileSync("pgrep", ["-f", join(workDir, "member-1.json")], { encoding: "utf8" }).trim();
      process.kill(Number(pid.split("\n")[0]), "SIGKILL");
    },
  });

  // Then the demo fails naming it, with its output's last lines
  await expect(demo).rejects.toThrow(/member-1 exited with a signal; its last lines:\n.*"kind":"trained"/s);
  // And the other members were stopped
  const left = spawnSync("pgrep", ["-f", workDir], { encoding: "utf8" }).stdout.trim();
  expect(left).toBe("");
}, 120_000);
