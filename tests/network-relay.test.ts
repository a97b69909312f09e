// Members that accept no inbound connections take part through a relay (coordinator/relay): two of three trainer
// nodes listen nowhere and advertise the relay on-chain, so everything reaching them comes through it. The run ends
// with every node's parameters equal to the replay's when the relay forwards faithfully, when it is SIGKILLed and
// restarted mid-run (the members register again, their peers dial again), and when it alters update bytes (the
// receivers' receipt-hash check refuses them, and the updates come by another way).
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeKeypair } from "../coordinator/localnet/coordinatorProgram";
import { fundedKeypair, providerFor } from "../coordinator/localnet/localnetClient";
import { RelayServer } from "../coordinator/relay/relayServer";
import { createDemoRun } from "../scripts/demo/demoRun";
import { TrainerProcess } from "../scripts/demo/trainerProcess";
import { coordinatorProgram } from "../sdk/coordinatorProgram";
import { RELAY_PATH } from "../sdk/net/relayUrls";
import type { Dataset } from "../trainer/data/tokenShards";
import type { NodeEvent } from "../trainer/node/trainerNode";
import { generatedDataset } from "./helpers/generatedDataset";
import { crankUntil, finishedHashes, replayHash, startNodes } from "./helpers/inProcessNodes";
import { startTamperingRelay } from "./helpers/tamperingRelay";
import { useTestLocalnet } from "./helpers/testLocalnet";
import { eventually, within } from "./helpers/within";

const REPO = join(__dirname, "..");
const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-relay-"));
const children: ChildProcessWithoutNullStreams[] = [];
let dataset: Dataset;

beforeAll(() => {
  dataset = generatedDataset(join(dir, "data"), 20_000, 13);
});
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** A run of `rounds` for three nodes, nodes 1 and 2 reachable only through `relay` (ws://HOST:PORT/relay). */
async function relayedRun(name: string, relay: string, roundCount: number) {
  const work = mkdtempSync(join(dir, `${name}-`));
  const authority = await fundedKeypair(chain.connection, 20);
  const { run, recipe } = await createDemoRun(chain.connection, authority, {
    dataset,
    members: 3,
    rounds: roundCount,
    globalBatchSize: 6,
  });
  const dirs = { run, recipe, dataset, dir: work };
  const nodes = await startNodes(chain.connection, {
    ...dirs,
    count: 3,
    witnessWaitMs: 3000,
    nodeOptions: (i) => (i === 0 ? {} : { listen: undefined, relays: [relay] }),
  });
  const { programId } = coordinatorProgram(providerFor(chain.connection, authority));
  return {
    ...nodes,
    /** Plays the run to its end (cranked by its authority), `during` alongside; then checks every node's hash. */
    async finish(during: Promise<unknown> = Promise.resolve()): Promise<void> {
      try {
        await crankUntil(chain.connection, authority, run, Promise.all([...nodes.runs, during]), 240_000);
      } finally {
        nodes.stop();
      }
      const expected = await replayHash(chain.connection, programId, dirs);
      expect(finishedHashes(nodes.events)).toEqual([expected, expected, expected]);
      // Nothing accepted is lost: every node applied every round's accepted set, the same one, and the relayed
      // members' updates were among the accepted
      const rounds = nodes.events.map((e) =>
        e.flatMap((x) => (x.kind === "applied" ? [`${x.step}:${x.slots.join(",")}`] : [])),
      );
      expect(rounds[0].map((r) => Number(r.split(":")[0]))).toEqual(Array.from({ length: roundCount }, (_, i) => i));
      expect(rounds.slice(1)).toEqual([rounds[0], rounds[0]]);
      const slots = new Set(rounds[0].flatMap((r) => r.split(":")[1].split(",").filter(Boolean)));
      expect(slots.size).toBe(3);
      const joined = nodes.events.map((e) => (e.find((x) => x.kind === "joined") as { endpoint: string }).endpoint);
      expect(joined.slice(1)).toEqual([relay, relay]);
    },
  };
}

const applied = (events: NodeEvent[]) => events.filter((e) => e.kind === "applied").length;

test("two members behind a relay train the run with the third; every parameter hash agrees", async () => {
  const relay = await RelayServer.start({ host: "127.0.0.1", port: 0 });
  try {
    const run = await relayedRun("faithful", `${relay.url}${RELAY_PATH}`, 4);
    await run.finish();
    expect(relay.stats.sessions).toBeGreaterThan(0);
    expect(relay.stats.frames).toBeGreaterThan(0);
  } finally {
    await relay.close();
  }
}, 300_000);

/** `concord relay --port PORT` as a child process; its output, and its endpoint once printed. */
function relayProcess(port: number) {
  const child = spawn(process.execPath, [join(REPO, "clients", "cli", "bin.js"), "relay", "--port", String(port)], {
    cwd: REPO,
  });
  children.push(child);
  const p = { child, out: "", exited: new Promise<void>((ok) => child.on("exit", () => ok())) };
  child.stdout.on("data", (d: Buffer) => (p.out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (p.out += d.toString()));
  const endpoint = async () => {
    await eventually(() => /endpoint: \S+/.test(p.out) || child.exitCode !== null, "the relay's endpoint", 60_000);
    const m = /endpoint: (\S+)/.exec(p.out);
    if (!m) throw new Error(`concord relay exited: ${p.out}`);
    return m[1];
  };
  return { ...p, endpoint, output: () => p.out };
}

test("the relay SIGKILLed and restarted mid-run: the members behind it come back and the run ends in agreement", async () => {
  // Given `concord relay` serving the two relayed members of a five-round run
  const first = relayProcess(0);
  const endpoint = await first.endpoint();
  const port = Number(new URL(endpoint).port);
  const run = await relayedRun("restart", endpoint, 5);
  let second: ReturnType<typeof relayProcess> | undefined;
  let appliedAtKill = 0;
  const restart = (async () => {
    await eventually(() => (first.output().match(/registered /g) ?? []).length >= 2, "both registrations", 60_000);
    await eventually(() => applied(run.events[1]) >= 1, "a round applied behind the relay", 180_000);
    // When the relay is killed mid-run and started again on the same port
    appliedAtKill = applied(run.events[1]);
    first.child.kill("SIGKILL");
    await within(first.exited, "the relay to die");
    second = relayProcess(port);
    expect(await second.endpoint()).toBe(endpoint);
    // Then both members register again, and peers reach them through it again
    await eventually(
      () => (second!.output().match(/registered /g) ?? []).length >= 2,
      "both to register again",
      60_000,
    );
    await eventually(() => /session \w+: a peer to/.test(second!.output()), "a session through the new relay", 60_000);
  })();
  await run.finish(restart);
  // and the run went on past the kill, to its end, with every hash equal to the replay's (finish checked them)
  expect(applied(run.events[1])).toBeGreaterThan(appliedAtKill);
  second?.child.kill("SIGINT");
  if (second) await within(second.exited, "the restarted relay to stop", 10_000);
}, 360_000);

test("a relay that alters update bytes is caught by the receipt hashes: nothing altered is applied", async () => {
  const relay = await RelayServer.start({ host: "127.0.0.1", port: 0 });
  const tampering = await startTamperingRelay(relay.url);
  try {
    const run = await relayedRun("tampering", `${tampering.url}${RELAY_PATH}`, 4);
    await run.finish();
    // the relay did alter updates in flight, yet every node holds the replay's parameters (finish checked them)
    expect(tampering.tampered()).toBeGreaterThan(0);
  } finally {
    await tampering.close();
    await relay.close();
  }
}, 300_000);

test("a `concord train --relay` process takes part through the relay alone: its updates are accepted and its parameters are the others'", async () => {
  const relay = await RelayServer.start({ host: "127.0.0.1", port: 0 });
  const endpoint = `${relay.url}${RELAY_PATH}`;
  const work = mkdtempSync(join(dir, "process-"));
  const authority = await fundedKeypair(chain.connection, 20);
  const { run, recipe } = await createDemoRun(chain.connection, authority, {
    dataset,
    members: 3,
    rounds: 4,
    globalBatchSize: 6,
  });
  const recipeFile = join(work, "recipe.json");
  writeFileSync(recipeFile, JSON.stringify(recipe));
  const keypairFile = join(work, "member.json");
  writeKeypair(keypairFile, await fundedKeypair(chain.connection, 2));
  const nodes = await startNodes(chain.connection, { run, recipe, dataset, dir: work, count: 2, witnessWaitMs: 3000 });
  const events: NodeEvent[] = [];
  const member = new TrainerProcess({
    name: "relayed",
    rpcUrl: chain.rpcUrl,
    run: run.toBase58(),
    keypairFile,
    recipeFile,
    dataDir: dataset.dir,
    stateDir: join(work, "member"),
    listen: "127.0.0.1:0",
    extraArgs: ["--relay", endpoint],
    onEvent: (e) => events.push(e),
  });
  try {
    await crankUntil(chain.connection, authority, run, Promise.all([...nodes.runs, member.exited]), 240_000);
  } finally {
    nodes.stop();
    await member.stop();
    await relay.close();
  }
  // It advertised the relay, its peers reached it only there, and every round accepted its update
  const joined = events.find((e) => e.kind === "joined") as Extract<NodeEvent, { kind: "joined" }>;
  expect(joined.endpoint).toBe(endpoint);
  expect(relay.stats.sessions).toBeGreaterThan(0);
  const accepted = nodes.events[0].filter((e) => e.kind === "applied" && e.slots.includes(joined.slot));
  expect(accepted.length).toBeGreaterThan(0);
  const { programId } = coordinatorProgram(providerFor(chain.connection, authority));
  const expected = await replayHash(chain.connection, programId, { run, recipe, dataset, dir: work });
  expect([...finishedHashes(nodes.events), finishedHashes([events])[0]]).toEqual([expected, expected, expected]);
}, 300_000);
