// Red-team runs: one member of four is a `concord train --attack` process, the other three honest trainer nodes, on
// the real local chain over websockets on 127.0.0.1. After each run the auditor must flag the attacker with the
// right reason and no honest member; the attacks the witnesses can see must never have been accepted.
import { writeKeypair } from "../coordinator/localnet/coordinatorProgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../clients/cli/index";
import type { MemberVerdict } from "../clients/cli/lib/runAudit";
import { Keypair } from "@solana/web3.js";
import { fundedKeypair, providerFor } from "../coordinator/localnet/localnetClient";
import { createDemoRun } from "../scripts/demo/demoRun";
import { TrainerProcess } from "../scripts/demo/trainerProcess";
import type { ChallengeEvidence } from "../sdk/audit/challengeEvidence";
import { updateHash } from "../sdk/codec/updateCodec";
import { toBigInt } from "../sdk/coordinatorAccounts";
import { findMemberAddress } from "../sdk/coordinatorPdas";
import { coordinatorProgram } from "../sdk/coordinatorProgram";
import type { AttackName } from "../trainer/adversary/attacks";
import type { Dataset } from "../trainer/data/tokenShards";
import type { NodeEvent } from "../trainer/node/trainerNode";
import { UpdateStore } from "../trainer/node/updateStore";
import { captureConsole } from "./helpers/capturedConsole";
import { generatedDataset } from "./helpers/generatedDataset";
import { RogueMember } from "./helpers/rogueMember";
import { crankUntil, startNodes } from "./helpers/inProcessNodes";
import { useTestLocalnet } from "./helpers/testLocalnet";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-adversaries-"));
const logged = captureConsole();
const ROUNDS = 6;
let dataset: Dataset;

beforeAll(() => {
  dataset = generatedDataset(join(dir, "data"), 30_000, 21);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A run of ROUNDS rounds of 2 inner steps with 2-bit values (so magnitudes travel), played to its end. */
async function redTeamRun(attack: AttackName) {
  const work = mkdtempSync(join(dir, `${attack}-`));
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
  // a member whose bytes do not match its receipt is banned by every peer it serves and can no longer follow the
  // run as a trainer: RogueMember plays it over the same protocol, in this process
  const rogue = attack === "mismatched" ? new RogueMember(chain.connection, run) : null;
  await rogue?.start(10n ** 8n);
  const attacker = rogue?.keypair ?? (await fundedKeypair(chain.connection, 2));
  const keypairFile = join(work, "attacker.json");
  writeKeypair(keypairFile, attacker);
  const child = rogue
    ? null
    : new TrainerProcess({
        name: "attacker",
        rpcUrl: chain.rpcUrl,
        run: run.toBase58(),
        keypairFile,
        recipeFile,
        dataDir: dataset.dir,
        stateDir: join(work, "attacker"),
        listen: "127.0.0.1:0",
        onEvent: () => {},
        extraArgs: ["--attack", attack],
      });
  const honest = await startNodes(chain.connection, { run, recipe, dataset, dir: work, count: 3, witnessWaitMs: 5000 });
  try {
    await crankUntil(chain.connection, authority, run, Promise.all([...honest.runs, child?.exited]), 150_000).catch(
      (e: Error) => {
        const last = (events: NodeEvent[]) => JSON.stringify(events.slice(-3));
        throw new Error(
          `${e.message} (${attack}); the attacker's last lines: ${child?.tail.join(" | ")}; honest: ${honest.events.map(last).join(" ")}`,
        );
      },
    );
  } finally {
    honest.stop();
    await child?.stop();
    await rogue?.stop();
  }
  // the bytes the rogue served, kept as it published them (a store names bytes by their own hash)
  const published = UpdateStore.open(join(work, "attacker", "updates"));
  for (const [step, bytes] of rogue?.served ?? [])
    published.put({ member: attacker.publicKey, step, hash: updateHash(bytes), bytes, metadata: new Uint8Array(0) });
  return { run, recipe, recipeFile, work, attacker: attacker.publicKey, honest: honest.keys, voters: honest.keypairs };
}

/** Every store of the run: the honest nodes' and the attacker's (what each published, as a data server would serve). */
const stores = (r: Awaited<ReturnType<typeof redTeamRun>>) =>
  ["node-0", "node-1", "node-2", "attacker"].flatMap((d) => ["--store", join(r.work, d)]);

/** `concord audit verify --json` on the run; with the dataset, usefulness and re-execution too. */
async function verified(r: Awaited<ReturnType<typeof redTeamRun>>, data = false): Promise<Map<string, MemberVerdict>> {
  const args = ["audit", "verify", "--url", chain.rpcUrl, "--run", r.run.toBase58(), "--recipe", r.recipeFile];
  expect(await main([...args, ...stores(r), ...(data ? ["--data", dataset.dir] : []), "--json"])).toBe(0);
  const rows = JSON.parse(logged[logged.length - 1]) as MemberVerdict[];
  return new Map(rows.map((row) => [row.member, row]));
}

/** Every honest member: all receipts accepted, nothing flagged. */
function expectHonestClean(r: Awaited<ReturnType<typeof redTeamRun>>, rows: Map<string, MemberVerdict>): void {
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
    expect(row.verdict).toBe("flagged");
    // the stale member's first round is its own honest update: only its re-sends are stale, and none was accepted
    const cheated = attack === "stale" ? ROUNDS - 1 : ROUNDS;
    expect(row.accepted).toBe(ROUNDS - cheated);
    expect(row[field]).toHaveLength(cheated);
  },
  200_000,
);

test.each(["copier", "perturbed-copier"] as const)(
  "a %s's same-round copies pass the witnesses (who cannot see commit order); the auditor flags them, never their source",
  async (attack) => {
    const r = await redTeamRun(attack);
    const rows = await verified(r);
    expectHonestClean(r, rows);
    const row = rows.get(r.attacker.toBase58())!;
    expect(row.verdict).toBe("flagged");
    expect(row.copies.map((c) => [c.kind, c.step])).toEqual([...Array(ROUNDS).keys()].map((s) => ["copy", s]));
    for (const c of row.copies) {
      expect(r.honest.map((k) => k.toBase58())).toContain(c.source.member);
      expect(c.overlap).toBeGreaterThan(attack === "copier" ? 0.99 : 0.8);
    }
  },
  200_000,
);

test("a member whose bytes are not its receipt's is never accepted; the bytes it served fail integrity", async () => {
  const r = await redTeamRun("mismatched");
  const rows = await verified(r);
  expectHonestClean(r, rows);
  const row = rows.get(r.attacker.toBase58())!;
  expect([row.verdict, row.accepted]).toEqual(["flagged", 0]);
  // every receipt whose bytes a peer asked it for (its first is served before anyone bans it)
  expect(row.integrityFailures.length).toBeGreaterThan(0);
  for (const f of row.integrityFailures) expect(f.reason).toMatch(/are not the receipt.s/);
}, 200_000);

test.each(["free-rider", "sign-flip", "flip-under-bound", "lazy", "little-is-enough"] as const)(
  "a %s member passes the witnesses' cheap checks; audit verify --data re-executes it (and scores its usefulness) and flags it",
  async (attack) => {
    const r = await redTeamRun(attack);
    const rows = await verified(r, true);
    expectHonestClean(r, rows);
    // On this round (H AdamW steps, sparse error feedback) usefulness is a signal, not a verdict: its scores of
    // honest members and attackers overlap in some seeds (BENCHMARKS, "detection"), and this run's keys and data
    // seeds are new each time. So it is checked here to be scored; its separation is tested on seeded
    // runs (audit-usefulness.test.ts), and the verdict rests on re-execution.
    for (const key of r.honest)
      expect(rows.get(key.toBase58())).toMatchObject({
        usefulness: { score: expect.any(Number) },
        reexecution: { verdict: "ok", reexecuted: ROUNDS, matched: ROUNDS },
      });
    const row = rows.get(r.attacker.toBase58())!;
    // nothing the cheap checks (the witnesses' among them) can see
    expect([row.integrityFailures, row.copies, row.normOutliers, row.accepted]).toEqual([[], [], [], ROUNDS]);
    expect(row.reexecution).toMatchObject({ verdict: "flagged", firstMismatch: 0 });
    expect(row.usefulness).toMatchObject({ score: expect.any(Number) });
    expect(row.verdict).toBe("flagged");
  },
  200_000,
);

test("a free-rider's first update, challenged with re-execution evidence through the CLI, is confirmed by the honest members' votes and its stake slashed", async () => {
  const r = await redTeamRun("free-rider");
  const walletFile = (name: string, k: Keypair) => {
    const file = join(r.work, `${name}.json`);
    writeKeypair(file, k);
    return file;
  };
  const auditor = walletFile("auditor", await fundedKeypair(chain.connection, 2));
  const receipt = [
    ...["--url", chain.rpcUrl, "--run", r.run.toBase58(), "--recipe", r.recipeFile, ...stores(r)],
    ...["--member", r.attacker.toBase58(), "--step", "0", "--evidence-dir", join(r.work, "evidence")],
    ...["--data", dataset.dir, "--json"],
  ];
  const program = coordinatorProgram(providerFor(chain.connection, Keypair.generate()));
  const [memberAccount] = findMemberAddress(r.run, r.attacker, program.programId);
  expect(toBigInt((await program.account.member.fetch(memberAccount)).slashed)).toBe(0n);

  const code = await main(["audit", "challenge", ...receipt, "--keypair", auditor]);
  expect({ code, said: logged.at(-1) }).toEqual({ code: 0, said: logged.at(-1) });
  const opened = JSON.parse(logged[logged.length - 1]) as { report: ChallengeEvidence };
  expect(opened.report.findings.map((f) => f.kind)).toEqual(["reexecution"]);
  expect(opened.report.compute).not.toBeNull();
  // each honest member re-executes the update itself before voting; two of three confirm it
  const outcomes: { vote: string; status: string }[] = [];
  for (const [i, voter] of r.voters.slice(0, 2).entries()) {
    expect(await main(["audit", "vote", ...receipt, "--keypair", walletFile(`voter-${i}`, voter)])).toBe(0);
    outcomes.push(JSON.parse(logged[logged.length - 1]));
  }
  expect(outcomes.map((o) => [o.vote, o.status])).toEqual([
    ["confirm", "open"],
    ["confirm", "confirmed"],
  ]);
  expect(toBigInt((await program.account.member.fetch(memberAccount)).slashed)).toBeGreaterThan(0n);
}, 300_000);
