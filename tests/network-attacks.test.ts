// Bad actors on the wire, against real trainer nodes on 127.0.0.1 in a real run: a staked member that commits one
// update and serves other bytes, and members that send malformed, oversized, unknown-version, badly signed,
// foreign, replayed and flooding messages. Each offender is cut off; the honest nodes keep running, witness every
// honest update (and never the cheat's), apply only what the quorum accepted, and end with the replay's parameters.
// And a member that re-sends its first update every round, whose stale updates the witnesses' checks refuse.
import { Keypair } from "@solana/web3.js";
import { Packr } from "msgpackr";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Crank } from "../coordinator/crank/crank";
import { fundedKeypair, providerFor } from "../coordinator/localnet/localnetClient";
import { createDemoRun } from "../scripts/demo/demoRun";
import { toBigInt } from "../sdk/coordinatorAccounts";
import * as ix from "../sdk/coordinatorInstructions";
import * as codes from "../sdk/errors/codes";
import { coordinatorProgram } from "../sdk/coordinatorProgram";
import type { AnnounceMessage } from "../sdk/peer/peerMessages";
import { encodePeerMessage, MAX_MESSAGE_BYTES, PEER_PROTOCOL_VERSION } from "../sdk/peer/peerMessages";
import { signAnnounce } from "../sdk/peer/peerSignatures";
import { RunState, runStateOf } from "../sdk/runState";
import { TransactionSender } from "../sdk/transactionSender";
import { planUpdateLayout } from "../sdk/demo/compress";
import { valueFormatOf } from "../sdk/runConfig";
import { parameterSpecs } from "../trainer/model/transformer";
import { runHistory } from "../trainer/node/runHistory";
import { generatedDataset } from "./helpers/generatedDataset";
import { finishedHashes, replayHash, startNodes } from "./helpers/inProcessNodes";
import { RawPeer } from "./helpers/rawPeer";
import { RogueMember } from "./helpers/rogueMember";
import { eventually, within } from "./helpers/within";
import { useTestLocalnet } from "./helpers/testLocalnet";

const chain = useTestLocalnet();
const dir = mkdtempSync(join(tmpdir(), "concord-attacks-"));

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});

/** A crank ticking the run until it finishes or stop() is awaited. */
function startCrank(program: ReturnType<typeof coordinatorProgram>, run: Keypair["publicKey"], authority: Keypair) {
  const abort = new AbortController();
  const running = new Crank(program, run, new TransactionSender(chain.connection, authority)).runUntilFinished(
    abort.signal,
    { pollMs: 500 },
  );
  return {
    stop: async () => {
      abort.abort();
      await running.catch(() => {});
    },
  };
}

/** A member of the run that never trains (it joins after the epoch started): what a wire attacker needs to say hello. */
async function joinedAttacker(run: Keypair["publicKey"]): Promise<Keypair> {
  const k = await fundedKeypair(chain.connection, 1);
  const program = coordinatorProgram(providerFor(chain.connection, k));
  await new TransactionSender(chain.connection, k).send([
    await ix.joinInstruction(program, { run, member: k.publicKey, endpoint: "ws://127.0.0.1:9", stake: 10n ** 8n }),
  ]);
  return k;
}

test("a cheating member and wire attacks cost the honest nodes nothing: they train on and agree", async () => {
  // Given a run of 5 rounds for three members: two honest trainer nodes and a rogue that serves wrong bytes
  const dataset = generatedDataset(join(dir, "data"), 30_000, 9);
  const authority = await fundedKeypair(chain.connection, 20);
  const { run, recipe } = await createDemoRun(chain.connection, authority, {
    dataset,
    members: 3,
    rounds: 5,
    globalBatchSize: 6,
  });
  const rogue = new RogueMember(chain.connection, run);
  await rogue.start(10n ** 8n);
  const dirs = { run, recipe, dataset, dir };
  const {
    events,
    runs,
    keys: honest,
    stop,
  } = await startNodes(chain.connection, { ...dirs, count: 2, witnessWaitMs: 1500 });
  const program = coordinatorProgram(providerFor(chain.connection, authority));
  const crank = startCrank(program, run, authority);

  try {
    // When, once the first round is under way, attackers connect to each honest node's peer server
    await eventually(
      () => events.every((e) => e.some((x) => x.kind === "joined")),
      "both honest nodes to join",
      60_000,
    );
    const urls = events.map((e) => (e.find((x) => x.kind === "joined") as { endpoint: string }).endpoint);
    await eventually(() => events[0].some((e) => e.kind === "committed"), "the first commit", 60_000);
    // Attackers are members (a hello from anyone else is refused before any of this), joined once the epoch started
    // so they are never asked to train; the nodes' followers see them within their poll interval.
    const attackers = await Promise.all(Array.from({ length: 14 }, () => joinedAttacker(run)));
    await new Promise((r) => setTimeout(r, 2500));
    const attack = async (url: string, what: string, expected: number, send: (peer: RawPeer, k: Keypair) => void) => {
      const k = attackers.pop()!;
      const peer = await RawPeer.hello(url, k, run);
      await eventually(() => peer.received.some((m) => m.kind === "hello"), `${what}: the node's hello`);
      send(peer, k);
      const { code } = await peer.closeCode();
      expect({ what, code }).toEqual({ what, code: expected });
      return peer;
    };
    const step = Number(toBigInt((await program.account.run.fetch(run)).step));
    const announce = (k: Keypair, fields: Partial<AnnounceMessage> = {}) =>
      signAnnounce(
        { run, step, member: k.publicKey, updateHash: new Uint8Array(32).fill(9), size: 100, ...fields },
        k.secretKey,
      );
    // A peer that has said hello receives the node's live announce: keep node 0's for a replay later
    let captured: AnnounceMessage | undefined;
    for (const [i, url] of urls.entries()) {
      const first = await attack(url, "malformed msgpack", codes.CONCORD_ERROR__PEER__MALFORMED_MESSAGE, (p) =>
        p.send(Uint8Array.from([0xc1, 0xff, 0x00])),
      );
      if (i === 0) captured = first.received.find((m): m is AnnounceMessage => m.kind === "announce");
      await attack(url, "an oversized message", 1009, (p) => p.send(new Uint8Array(MAX_MESSAGE_BYTES + 1)));
      await attack(url, "an unknown version", codes.CONCORD_ERROR__PEER__UNSUPPORTED_VERSION, (p) =>
        p.send(new Packr({ useRecords: false }).pack([PEER_PROTOCOL_VERSION + 1, "want", new Uint8Array(32)])),
      );
      await attack(url, "an announce with a bad signature", codes.CONCORD_ERROR__PEER__BAD_SIGNATURE, (p, k) =>
        p.send(encodePeerMessage({ ...announce(k), signature: new Uint8Array(64).fill(3) })),
      );
      await attack(url, "an announce by a non-member", codes.CONCORD_ERROR__PEER__NOT_A_MEMBER, (p) =>
        p.send(encodePeerMessage(announce(Keypair.generate()))),
      );
      await attack(url, "a flood", codes.CONCORD_ERROR__PEER__RATE_LIMITED, (p) => {
        const want = encodePeerMessage({ kind: "want", updateHash: new Uint8Array(32) });
        for (let n = 0; n < 1000; n++) p.send(want);
      });
    }
    // And once two more rounds are applied, node 0's genuine announce of the first round is replayed to node 1
    if (!captured) throw new Error("node 0 sent no live announce to a peer that said hello");
    const replayed = captured;
    await eventually(
      () => events[1].some((e) => e.kind === "applied" && e.step >= replayed.step + 1),
      "node 1 to apply two rounds",
      60_000,
    );
    await attack(urls[1], "a replayed announce of an older step", codes.CONCORD_ERROR__PEER__STALE, (p) =>
      p.send(encodePeerMessage(replayed)),
    );

    // Then the run finishes with both honest nodes, which never vouched for or applied the rogue's update
    await within(Promise.all(runs), "the honest nodes to finish the run", 180_000);
  } finally {
    await crank.stop();
    stop();
    await rogue.stop();
  }
  expect(rogue.servedBadBytes).toBeGreaterThan(0);
  const finalState = await program.account.run.fetch(run);
  expect(runStateOf(finalState.state)).toBe(RunState.Finished);
  const rogueSlot = finalState.members.findIndex((m) => m.key.equals(rogue.keypair.publicKey));
  const honestSlots = honest.map((k) => finalState.members.findIndex((m) => m.key.equals(k))).sort();
  for (const e of events.flat()) {
    if (e.kind === "witnessed") expect(e.slots).not.toContain(rogueSlot);
    if (e.kind === "applied") expect(e.slots).toEqual(honestSlots);
  }
  const history = await runHistory(chain.connection, program.programId, run);
  expect(history.map((h) => h.step)).toEqual([0n, 1n, 2n, 3n, 4n]);
  for (const h of history) expect(h.updates.map((u) => u.slot)).toEqual(honestSlots);

  // And both hold the parameters the replay rebuilds from the chain and the stored bytes
  const expected = await replayHash(chain.connection, program.programId, dirs);
  expect(finishedHashes(events)).toEqual([expected, expected]);
}, 300_000);

test("a member that re-sends its first update every round is refused by the witnesses as stale", async () => {
  // Given two honest trainer nodes and a member that sends one well-formed update, then the same bytes every round
  const dataset = generatedDataset(join(dir, "data-stale"), 30_000, 10);
  const authority = await fundedKeypair(chain.connection, 20);
  const { run, recipe, config } = await createDemoRun(chain.connection, authority, {
    dataset,
    members: 3,
    rounds: 4,
    globalBatchSize: 6,
  });
  const shapes = parameterSpecs(recipe.model).map((s) => s.shape);
  const rogue = new RogueMember(
    chain.connection,
    run,
    planUpdateLayout(shapes, config.demoChunk, config.demoTopK, valueFormatOf(config.valueBits)),
  );
  await rogue.start(10n ** 8n);
  const dirs = { run, recipe, dataset, dir: join(dir, "stale") };
  const { events, runs, stop } = await startNodes(chain.connection, { ...dirs, count: 2, witnessWaitMs: 3000 });
  const program = coordinatorProgram(providerFor(chain.connection, authority));
  const crank = startCrank(program, run, authority);
  // When the run plays its four rounds
  try {
    await within(Promise.all(runs), "the honest nodes to finish the run", 180_000);
  } finally {
    await crank.stop();
    stop();
    await rogue.stop();
  }

  // Then its first update, well-formed, was accepted, and none of the re-sent ones
  const state = await program.account.run.fetch(run);
  const rogueSlot = state.members.findIndex((m) => m.key.equals(rogue.keypair.publicKey));
  const history = await runHistory(chain.connection, program.programId, run);
  const acceptedSteps = history.filter((h) => h.updates.some((u) => u.slot === rogueSlot)).map((h) => h.step);
  expect(acceptedSteps).toEqual([0n]);
  // And the witnesses said why
  const warnings = events.flat().flatMap((e) => (e.kind === "warning" ? [e.message] : []));
  expect(warnings.some((w) => /not vouching for .*: stale: overlaps 100% with the update of .* at step/.test(w))).toBe(
    true,
  );
  // And the honest nodes still hold the replay's parameters
  const expected = await replayHash(chain.connection, program.programId, dirs);
  expect(finishedHashes(events)).toEqual([expected, expected]);
}, 240_000);
