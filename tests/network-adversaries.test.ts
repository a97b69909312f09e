// Red-team runs: one member of four is a `concord train --attack` process, the other three honest trainer nodes, on
// the real local chain over websockets on 127.0.0.1. After each run the auditor must flag the attacker with the
// right reason and no honest member; the attacks the witnesses can see must never have been accepted.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../clients/cli/index";
import { Crank } from "../coordinator/crank/crank";
import { fundedKeypair, providerFor } from "../coordinator/localnet/localnetClient";
import { createDemoRun } from "../scripts/demo/demoRun";
import { TrainerProcess } from "../scripts/demo/trainerProcess";
import type { MemberAudit } from "../sdk/audit/runAudit";
import { coordinatorProgram } from "../sdk/coordinatorProgram";
import { TransactionSender } from "../sdk/transactionSender";
import type { AttackName } from "../trainer/adversary/attacks";
import type { Dataset } from "../trainer/data/tokenShards";
import type { NodeEvent } from "../trainer/node/trainerNode";
import { captureConsole } from "./helpers/capturedConsole";
import { generatedDataset } from "./helpers/generatedDataset";
import { startNodes } from "./helpers/inProcessNodes";
import { useTestLocalnet } from "./helpers/testLocalnet";
import { within } from "./helpers/within";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-adversaries-"));
const logged = captureConsole();
const ROUNDS = 4;
let dataset: Dataset;

beforeAll(() => {
  dataset = generatedDataset(join(dir, "data"), 30_000, 21);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A run of ROUNDS rounds of 2 inner steps with 2-bit values (so magnitudes travel), played to its end. */
async function redTeamRun(attack: AttackName) {
  const work = join(dir, attack);
  mkdirSync(work, { recursive: true });
  const authority = await fundedKeypair(chain.connection, 20);
  const { run, recipe } = await createDemoRun(chain.connection, authority, {
    dataset,
    members: 4,
    rounds: ROUNDS,
    globalBatchSize: 8,
    innerSteps: 2,
    valueBits: 2,
    demoTopK: 32,
    demoDecay: 0.95,
    outerLearningRate: 1,
    round: {
      inner: { kind: "adamw", beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1 },
      transform: "none",
      outer: "sgd",
    },
  });
  const recipeFile = join(work, "recipe.json");
  writeFileSync(recipeFile, JSON.stringify(recipe));
  const attacker = await fundedKeypair(chain.connection, 2);
  const keypairFile = join(work, "attacker.json");
  writeFileSync(keypairFile, JSON.stringify(Array.from(attacker.secretKey)), { mode: 0o600 });
  const attackerEvents: NodeEvent[] = [];
  const child = new TrainerProcess({
    name: "attacker",
    rpcUrl: chain.rpcUrl,
    run: run.toBase58(),
    keypairFile,
    recipeFile,
    dataDir: dataset.dir,
    stateDir: join(work, "attacker"),
    listen: "127.0.0.1:0",
    onEvent: (e) => attackerEvents.push(e),
    extraArgs: ["--attack", attack],
  });
  const honest = await startNodes(chain.connection, { run, recipe, dataset, dir: work, count: 3, witnessWaitMs: 5000 });
  const abort = new AbortController();
  const program = coordinatorProgram(providerFor(chain.connection, authority));
  const crank = new Crank(program, run, new TransactionSender(chain.connection, authority)).runUntilFinished(
    abort.signal,
    { pollMs: 500 },
  );
  try {
    await within(
      Promise.all([...honest.runs, child.exited]),
      `the ${attack} run to finish (attacker said: ${child.tail.join(" | ")})`,
      150_000,
    );
  } finally {
    abort.abort();
    await crank.catch(() => {});
    honest.stop();
    await child.stop();
  }
  return { run, recipe, recipeFile, work, attacker: attacker.publicKey, honest: honest.keys, attackerEvents };
}

/** `concord audit verify --json` on the run, reading the bytes the first honest node stored. */
async function verified(r: Awaited<ReturnType<typeof redTeamRun>>): Promise<Map<string, MemberAudit>> {
  const args = ["audit", "verify", "--url", chain.rpcUrl, "--run", r.run.toBase58(), "--recipe", r.recipeFile];
  expect(await main([...args, "--store", join(r.work, "node-0"), "--json"])).toBe(0);
  const rows = JSON.parse(logged[logged.length - 1]) as MemberAudit[];
  return new Map(rows.map((row) => [row.member, row]));
}

/** Every honest member: all receipts accepted, nothing flagged. */
function expectHonestClean(r: Awaited<ReturnType<typeof redTeamRun>>, rows: Map<string, MemberAudit>): void {
  for (const key of r.honest) {
    const row = rows.get(key.toBase58())!;
    expect([row.verdict, row.receipts, row.accepted]).toEqual(["ok", ROUNDS, ROUNDS]);
  }
}

test.each([
  ["scaled", "normOutliers"],
  ["stale", "copies"],
] as const)(
  "a %s member is refused by the witnesses every round it cheats, and the auditor flags it",
  async (attack, field) => {
    const r = await redTeamRun(attack);
    const rows = await verified(r);
    expectHonestClean(r, rows);
    const row = rows.get(r.attacker.toBase58())!;
    process.stderr.write(JSON.stringify(row) + "\n" + JSON.stringify(r.attackerEvents) + "\n");
    expect(row.verdict).toBe("flagged");
    // the stale member's first round is its own honest update: only its re-sends are stale, and none was accepted
    const cheated = attack === "stale" ? ROUNDS - 1 : ROUNDS;
    expect(row.accepted).toBe(ROUNDS - cheated);
    expect(row[field]).toHaveLength(cheated);
  },
  200_000,
);
