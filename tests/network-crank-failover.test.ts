// The crank is anyone's and none is needed for long: `concord crank` processes on one run of in-process trainer nodes,
// where every round ends its epoch, so without a crank the run stops in Cooldown. Two cranks at once do no harm and
// either carries the run alone when the other is killed; when the only crank is killed, one started later takes over.
// Each run ends with every round on record and the nodes' parameters equal to the chain's replay.
import { writeKeypair } from "../coordinator/localnet/coordinatorProgram";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fundedKeypair } from "../coordinator/localnet/localnetClient";
import { createDemoRun } from "../scripts/demo/demoRun";
import { COORDINATOR_PROGRAM_ID } from "../sdk/coordinatorProgram";
import type { Dataset } from "../trainer/data/tokenShards";
import { runHistory } from "../trainer/node/runHistory";
import { CliProcess } from "./helpers/cliProcess";
import { generatedDataset } from "./helpers/generatedDataset";
import { byTheBook, recordedTransitions } from "./helpers/runTransitions";
import type { InProcessNodes } from "./helpers/inProcessNodes";
import { finishedHashes, replayHash, startNodes } from "./helpers/inProcessNodes";
import { useTestLocalnet } from "./helpers/testLocalnet";
import { eventually, within } from "./helpers/within";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-crank-failover-"));
const cranks: CliProcess[] = [];
let dataset: Dataset;
beforeAll(() => {
  dataset = generatedDataset(join(dir, "data"), 20_000, 17);
});
afterAll(async () => {
  await Promise.all(cranks.map((c) => c.kill()));
  rmSync(dir, { recursive: true, force: true });
});

/** A run of two members and `rounds` one-round epochs, its nodes started; `crank()` starts a `concord crank`. */
async function cranklessRun(name: string, rounds: number) {
  const work = mkdtempSync(join(dir, `${name}-`));
  const authority = await fundedKeypair(chain.connection, 20);
  const demo = await createDemoRun(chain.connection, authority, {
    dataset,
    members: 2,
    rounds,
    globalBatchSize: 4,
    roundsPerEpoch: 1,
  });
  const nodes = await startNodes(chain.connection, { ...demo, dataset, dir: work, count: 2, witnessWaitMs: 5000 });
  const crank = async (label: string) => {
    const keypairFile = join(work, `${label}.json`);
    const keypair = await fundedKeypair(chain.connection, 2);
    writeKeypair(keypairFile, keypair);
    const args = ["crank", "--url", chain.rpcUrl, "--run", demo.run.toBase58(), "--keypair", keypairFile];
    const c = new CliProcess([...args, "--poll-ms", "1000"]);
    cranks.push(c);
    return c;
  };
  return { ...demo, work, nodes, crank };
}

const appliedBy = (nodes: InProcessNodes, step: number) =>
  nodes.events.every((e) => e.some((x) => x.kind === "applied" && x.step === step));

/** Every transition made once, every round on record, and every node holding the replay's parameters. */
async function expectReplayed(r: Awaited<ReturnType<typeof cranklessRun>>, rounds: number) {
  expect(await recordedTransitions(chain.connection, COORDINATOR_PROGRAM_ID, r.run)).toEqual(byTheBook(rounds, 1));
  const history = await runHistory(chain.connection, COORDINATOR_PROGRAM_ID, r.run);
  expect(history.map((h) => Number(h.step))).toEqual([...Array(rounds).keys()]);
  expect(history.map((h) => h.updates.length)).toEqual(history.map(() => 2)); // both members' updates, every round
  const expected = await replayHash(chain.connection, COORDINATOR_PROGRAM_ID, { ...r, dataset, dir: r.work });
  expect(finishedHashes(r.nodes.events)).toEqual([expected, expected]);
}

/** A crank's lines that are neither its banner nor a transition: what would show a tick that went wrong. */
const troubles = (c: CliProcess) => c.lines.filter((l) => !/^cranking run |^\S+ \w+ -> \w+$|^run finished$/.test(l));

test("two cranks at once do no harm, and the one left carries the run to its end when the other is killed", async () => {
  // Given two cranks on a run of three one-round epochs
  const ROUNDS = 3;
  const r = await cranklessRun("pair", ROUNDS);
  const [first, second] = [await r.crank("first"), await r.crank("second")];
  try {
    // When both tick it through its first round, then the first is killed
    await eventually(() => appliedBy(r.nodes, 0), "both nodes to apply step 0", 180_000);
    expect([first.running, second.running]).toEqual([true, true]);
    await first.kill();

    // Then the second carries it to Finished on its own, and every node finishes
    await within(Promise.all(r.nodes.runs), "the nodes to finish", 240_000);
    expect(await within(second.exited, "the second crank to exit", 60_000)).toBe(0);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${first.failure("(first)").message}\n${second.failure("").message}`);
  } finally {
    r.nodes.stop();
  }
  expect([...troubles(first), ...troubles(second)]).toEqual([]);
  expect(second.lines.filter((l) => / -> /.test(l)).length).toBeGreaterThan(0);
  await expectReplayed(r, ROUNDS);
}, 600_000);

test("the only crank killed: a crank started later takes the run over to its end", async () => {
  // Given a run of two one-round epochs whose only crank is killed after the first round, so it waits in Cooldown
  const ROUNDS = 2;
  const r = await cranklessRun("takeover", ROUNDS);
  const first = await r.crank("first");
  let later: CliProcess | undefined;
  try {
    await eventually(() => appliedBy(r.nodes, 0), "both nodes to apply step 0", 180_000);
    await first.kill();

    // When another crank is started, with another wallet
    later = await r.crank("later");

    // Then it finishes the run, and every node finishes
    await within(Promise.all(r.nodes.runs), "the nodes to finish", 240_000);
    expect(await within(later.exited, "the later crank to exit", 60_000)).toBe(0);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${first.failure("(first)").message}\n${later?.failure("").message}`);
  } finally {
    r.nodes.stop();
  }
  expect(troubles(later!)).toEqual([]);
  expect(later!.lines.filter((l) => / -> /.test(l)).length).toBeGreaterThan(0);
  await expectReplayed(r, ROUNDS);
}, 600_000);
