// Re-execution (trainer/audit/reexecution.ts) and `concord audit replay` on a run of two epochs played on the real
// local chain by trainer nodes (AdamW inner steps, so the re-derived state is error feedback and moments): two honest
// ones, one that commits its trained update with one value's sign flipped (which the cheap checks and `audit verify`
// cannot see), and a member that commits one untrained update every round. Every update the honest members committed
// is trained again, byte for byte, from public data alone; each cheater's first receipt is a mismatch and its later
// ones unverifiable; bad input gets one line and exit 1.
import { PublicKey } from "@solana/web3.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../clients/cli/index";
import { fundedKeypair } from "../coordinator/localnet/localnetClient";
import type { DemoRun } from "../scripts/demo/demoRun";
import { createDemoRun } from "../scripts/demo/demoRun";
import { decodeRun, toBigInt } from "../sdk/coordinatorAccounts";
import { COORDINATOR_PROGRAM_ID } from "../sdk/coordinatorProgram";
import { planUpdateLayout } from "../sdk/demo/compress";
import { decodeReceiptMetadata } from "../sdk/receiptMetadata";
import { auditRun } from "../sdk/audit/runAudit";
import type { UpdateLayout } from "../sdk/codec/updateCodec";
import { decodeUpdate, encodeUpdate } from "../sdk/codec/updateCodec";
import { dataSeedAt } from "../sdk/roundHistory";
import { valueFormatOf } from "../sdk/runConfig";
import type { MemberReexecution } from "../trainer/audit/reexecution";
import { reexecuteRun } from "../trainer/audit/reexecution";
import { computeDescriptor, selectBackend } from "../trainer/backend/selectBackend";
import type { Dataset } from "../trainer/data/tokenShards";
import { parameterSpecs } from "../trainer/model/transformer";
import { RoundTrainer } from "../trainer/node/roundTraining";
import type { TrainerNode } from "../trainer/node/trainerNode";
import { runEvents } from "../trainer/node/runHistory";
import { UpdateStore } from "../trainer/node/updateStore";
import { captureConsole } from "./helpers/capturedConsole";
import { generatedDataset } from "./helpers/generatedDataset";
import { crankUntil, startNodes } from "./helpers/inProcessNodes";
import { RogueMember } from "./helpers/rogueMember";
import { useTestLocalnet } from "./helpers/testLocalnet";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-audit-replay-"));
const logged = captureConsole();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROUNDS = 4;
let created: DemoRun;
let dataset: Dataset;
let honest: string[];
let tamperer: string;
let layout: UpdateLayout;
let rogue: string;
const recipeFile = join(dir, "recipe.json");

beforeAll(async () => {
  // Given a run of two epochs of two rounds, two inner AdamW steps a round, played by three nodes and a stale member
  dataset = generatedDataset(join(dir, "data"), 30_000, 12);
  const authority = await fundedKeypair(chain.connection, 20);
  created = await createDemoRun(chain.connection, authority, {
    dataset,
    members: 4,
    rounds: ROUNDS,
    roundsPerEpoch: 2,
    innerSteps: 2,
    globalBatchSize: 8,
    round: { inner: { kind: "adamw", beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1 } },
  });
  writeFileSync(recipeFile, JSON.stringify(created.recipe));
  const { config, recipe } = created;
  const shapes = parameterSpecs(recipe.model).map((s) => s.shape);
  layout = planUpdateLayout(shapes, config.demoChunk, config.demoTopK, valueFormatOf(config.valueBits));
  const stale = new RogueMember(chain.connection, created.run, layout);
  await stale.start(10n ** 8n);
  // node 2 trains as every node does, settles its state as if it sent that update, and commits another
  const cheat: { node?: TrainerNode } = {};
  const train = RoundTrainer.prototype.train;
  const spy = jest.spyOn(RoundTrainer.prototype, "train").mockImplementation(function* (this: RoundTrainer, ...a) {
    const trained = yield* train.apply(this, a);
    if (this !== (cheat.node as unknown as { trainer: RoundTrainer } | undefined)?.trainer) return trained;
    const update = decodeUpdate(trained.bytes, layout);
    const values = Float32Array.from(update.tensors[0].values);
    values[0] = -values[0];
    const tensors = [{ ...update.tensors[0], values }, ...update.tensors.slice(1)];
    return { ...trained, bytes: encodeUpdate({ ...update, tensors }) };
  });
  const nodes = await startNodes(chain.connection, {
    run: created.run,
    recipe,
    dataset,
    dir,
    count: 3,
    witnessWaitMs: 3000,
  });
  cheat.node = nodes.nodes[2];
  try {
    await crankUntil(chain.connection, authority, created.run, Promise.all(nodes.runs), 150_000);
  } finally {
    nodes.stop();
    await stale.stop();
    spy.mockRestore();
  }
  [tamperer, ...honest] = [nodes.keys[2], nodes.keys[0], nodes.keys[1]].map((k) => k.toBase58());
  rogue = stale.keypair.publicKey.toBase58();
}, 200_000);

/** Everything a re-execution of the run reads, from the chain and node 0's store, on the nodes' compute. */
async function reexecutionInput() {
  const store = UpdateStore.open(join(dir, "node-0", "updates"));
  const info = await chain.connection.getAccountInfo(created.run, "confirmed");
  return {
    run: created.run,
    config: decodeRun(info!.data, created.run.toBase58()).config,
    recipe: created.recipe,
    dataset,
    events: await runEvents(chain.connection, COORDINATOR_PROGRAM_ID, created.run),
    published: (member: PublicKey, step: bigint) => store.get(member, Number(step)),
    compute: computeDescriptor(await selectBackend({ order: ["wasm+native", "wasm"], log: () => {} })),
  };
}

test("re-execution reproduces every honest update byte for byte; a tampered or untrained one is a mismatch", async () => {
  // When the run is re-executed from its events, the recipe, the dataset and node 0's store, on the nodes' compute
  const input = await reexecutionInput();
  const rows = await reexecuteRun(input);
  // Then every receipt of an honest member matches exactly, over both epochs
  const byMember = new Map(rows.map((r) => [r.member, r]));
  for (const member of honest)
    expect(byMember.get(member)).toEqual({
      member,
      receipts: ROUNDS,
      reexecuted: ROUNDS,
      matched: ROUNDS,
      firstMismatch: null,
      steps: Array.from({ length: ROUNDS }, (_, step) => ({ step, result: "match" })),
      verdict: "ok",
    });
  // And the update with a flipped sign is caught at once, though the audit's cheap checks pass it
  const tampered = byMember.get(tamperer)!;
  expect([tampered.verdict, tampered.firstMismatch, tampered.matched]).toEqual(["flagged", 0, 0]);
  expect(tampered.steps.map((s) => s.result)).toEqual(["mismatch", ...new Array(ROUNDS - 1).fill("unverifiable")]);
  const verified = auditRun({ run: created.run, events: input.events, layout, published: input.published });
  expect(verified.find((r) => r.member === tamperer)?.verdict).toBe("ok");
  // And the stale member's first update (accepted, never trained) is caught; what followed cannot be judged
  const stale = byMember.get(rogue)!;
  expect([stale.verdict, stale.firstMismatch, stale.reexecuted, stale.matched]).toEqual(["flagged", 0, 1, 0]);
  expect(stale.steps.map((s) => s.result)).toEqual(["mismatch", ...new Array(ROUNDS - 1).fill("unverifiable")]);
  // (its metadata names the cpu backend, so the update was held to the cross-compute tolerance, far outside it)
  expect(stale.steps[0]).toMatchObject({
    reason: expect.stringMatching(/^index overlap 0\.\d+, .*\(other compute\)$/),
  });
  // and an auditor on the compute its metadata names holds it to the exact bits
  const [exact] = await reexecuteRun({
    ...input,
    compute: decodeReceiptMetadata(input.published(new PublicKey(rogue), 0n)!.metadata).compute,
    members: [rogue],
  });
  expect(exact.steps[0]).toMatchObject({ result: "mismatch", reason: expect.stringMatching(/on its own compute/) });
  // And the data seed the history gives the last round is the one the chain holds
  const run = decodeRun((await chain.connection.getAccountInfo(created.run, "confirmed"))!.data, "run");
  expect(toBigInt(run.step)).toBe(BigInt(ROUNDS));
  expect(Buffer.from(dataSeedAt(input.events, BigInt(ROUNDS - 1)))).toEqual(Buffer.from(run.dataSeed));
}, 60_000);

test("a differing receipt without bytes is unavailable; the member's state goes on as an honest member's", async () => {
  // Given a store that lacks the tamperer's update of step 0
  const input = await reexecutionInput();
  const key = new PublicKey(tamperer);
  const published = (m: PublicKey, step: bigint) => (m.equals(key) && step === 0n ? null : input.published(m, step));
  // When its receipts are re-executed
  const [row] = await reexecuteRun({ ...input, published, members: [tamperer] });
  // Then step 0 cannot be judged; step 1, trained on from the state an honest member keeps (as this node did), can
  expect(row.steps.map((s) => s.result)).toEqual(["unavailable", "mismatch", "unverifiable", "unverifiable"]);
  expect([row.verdict, row.firstMismatch, row.reexecuted, row.matched]).toEqual(["flagged", 1, 1, 0]);
});

describe("concord audit replay", () => {
  const options = (override: Record<string, string> = {}) =>
    Object.entries({
      url: chain.rpcUrl,
      run: created.run.toBase58(),
      recipe: recipeFile,
      store: join(dir, "node-0"),
      data: dataset.dir,
      ...override,
    }).flatMap(([k, v]) => [`--${k}`, v]);

  test("--help names its options", async () => {
    expect(await main(["audit", "replay", "--help"])).toBe(0);
    const help = logged.join("\n");
    for (const option of ["--run", "--recipe", "--store", "--data", "--member", "--json"])
      expect(help).toContain(option);
  });

  test("a row per member; --member and --json give one member's results step by step", async () => {
    expect(await main(["audit", "replay", ...options()])).toBe(0);
    const table = logged[logged.length - 1].split("\n");
    expect(table[0]).toMatch(/^member +receipts +re-executed +first mismatch +verdict$/);
    for (const member of honest)
      expect(table.find((l) => l.startsWith(member))).toMatch(
        new RegExp(` ${ROUNDS} +${ROUNDS}/${ROUNDS} matched +- +ok$`),
      );
    for (const cheater of [tamperer, rogue])
      expect(table.find((l) => l.startsWith(cheater))).toMatch(/ 0\/1 matched +step 0 +flagged$/);

    expect(await main(["audit", "replay", ...options({ member: honest[1] }), "--json"])).toBe(0);
    const rows = JSON.parse(logged[logged.length - 1]) as MemberReexecution[];
    expect(rows.map((r) => [r.member, r.verdict, r.matched])).toEqual([[honest[1], "ok", ROUNDS]]);
  }, 60_000);

  test.each([
    ["a member that is no address", { member: "not-a-key" }, /--member "not-a-key" is not a base58 public key/],
    ["a dataset that does not exist", { data: "/nonexistent/data" }, /dataset source not found/],
    ["a store that does not exist", { store: "/nonexistent/store" }, /store .* not found/],
    ["a run that is no address", { run: "not-a-key" }, /--run/],
  ])("with %s: one line and exit 1", async (_, override, message) => {
    expect(await main(["audit", "replay", ...options(override)])).toBe(1);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(message);
  });
});
