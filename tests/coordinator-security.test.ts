// Attacks on the coordinator, one per test: each is refused with its own error code and logged reason, and no
// account of the program changes (snapshots of every program account before and after).
import { BN } from "@coral-xyz/anchor";
import type { PublicKey, TransactionInstruction } from "@solana/web3.js";
import { Keypair, PublicKey as Key, SystemProgram } from "@solana/web3.js";
import { COORDINATOR_ERROR_CODES, coordinatorErrorName } from "../sdk/coordinatorErrors";
import type { CoordinatorErrorName } from "../sdk/coordinatorErrors";
import * as ix from "../sdk/coordinatorInstructions";
import { findRunAddress, u64Seed } from "../sdk/coordinatorPdas";
import { RunState } from "../sdk/runState";
import { CoordinatorHarness, runConfig, SOL } from "./helpers/coordinatorHarness";
import type { TxResult } from "./helpers/testChain";
import { toBigInt } from "../sdk/coordinatorAccounts";

type Snapshot = Map<string, string>;

/** Every account the program owns, as bytes: lamports, owner and data. */
function snapshot(h: CoordinatorHarness): Snapshot {
  const accounts = h.chain.svm.getProgramAccounts(h.program.programId.toBase58() as never);
  return new Map(
    accounts.map((a) => [a.address, `${a.lamports}:${a.programAddress}:${Buffer.from(a.data).toString("hex")}`]),
  );
}

/** Sends the attack and checks: refused with `error`, the log says why, nothing the program owns changed. */
async function expectRefused(
  h: CoordinatorHarness,
  attack: () => Promise<TxResult> | TxResult,
  error: CoordinatorErrorName,
  reason: RegExp,
): Promise<void> {
  const before = snapshot(h);
  const r = await attack();
  expect(r.ok).toBe(false);
  expect(coordinatorErrorName(r.customError)).toBe(error);
  expect(r.customError).toBe(COORDINATOR_ERROR_CODES[error]);
  expect(r.logs.some((l) => reason.test(l))).toBe(true);
  expect(r.logs.some((l) => l.startsWith("Program log: AnchorError occurred."))).toBe(true);
  expect(snapshot(h)).toEqual(before);
}

/** A run with members a and b in round 0 of epoch 0 (one witness), and a funded pool. */
async function inFirstRound(): Promise<CoordinatorHarness> {
  const h = await CoordinatorHarness.create({ members: 2, fund: SOL });
  await h.tickFrom(RunState.WaitingForMembers);
  await h.tickFrom(RunState.Warmup);
  return h;
}

const withKey = (i: TransactionInstruction, index: number, change: Partial<TransactionInstruction["keys"][0]>) => {
  i.keys[index] = { ...i.keys[index], ...change };
  return i;
};

/** A valid but non-canonical bump for the seeds: the address differs from the canonical PDA. */
function nonCanonicalAddress(seeds: Buffer[], programId: PublicKey): PublicKey {
  const [, canonical] = Key.findProgramAddressSync(seeds, programId);
  for (let bump = canonical - 1; bump >= 0; bump--) {
    try {
      return Key.createProgramAddressSync([...seeds, Buffer.from([bump])], programId);
    } catch {
      // on the curve: try the next bump
    }
  }
  throw new Error("no second bump");
}

describe("coordinator security", () => {
  test("missing signer: a member's leave without its signature", async () => {
    const h = await inFirstRound();
    const [a] = h.members;
    const leave = withKey(await ix.leaveInstruction(h.program, { run: h.run, member: a.publicKey }), 0, {
      isSigner: false,
    });
    await expectRefused(h, () => h.send([leave]), "missingSigner", /missing signature/);
  });

  test("missing signer: pause without the authority's signature", async () => {
    const h = await inFirstRound();
    const pause = withKey(
      await ix.authorityInstruction(h.program, "pause", { run: h.run, authority: h.authority.publicKey }),
      0,
      { isSigner: false },
    );
    await expectRefused(h, () => h.send([pause], [h.members[0]]), "missingSigner", /missing signature/);
  });

  test("not the authority: a member pauses, changes the config or records a checkpoint", async () => {
    const h = await inFirstRound();
    const [a] = h.members;
    const asMember = { run: h.run, authority: a.publicKey };
    await expectRefused(
      h,
      async () => h.send([await ix.authorityInstruction(h.program, "pause", asMember)], [a]),
      "unauthorized",
      /only the run authority/,
    );
    await expectRefused(
      h,
      async () => h.send([await ix.updateConfigInstruction(h.program, { ...asMember, config: runConfig() })], [a]),
      "unauthorized",
      /only the run authority/,
    );
    await expectRefused(
      h,
      async () =>
        h.send(
          [
            await ix.checkpointInstruction(h.program, {
              ...asMember,
              epoch: 0,
              hash: new Uint8Array(32).fill(9),
              uri: "x",
            }),
          ],
          [a],
        ),
      "unauthorized",
      /only the run authority/,
    );
  });

  test("wrong owner: a copy of the run held by another program", async () => {
    const h = await inFirstRound();
    const forged = Keypair.generate().publicKey;
    h.chain.putAccount(forged, { data: h.data(h.run), owner: SystemProgram.programId, lamports: SOL });
    await expectRefused(
      h,
      async () => h.send([await ix.tickInstruction(h.program, forged)]),
      "wrongAccountOwner",
      /not owned by the coordinator/,
    );
  });

  test("wrong account type: the vault, or a member account, passed as the run", async () => {
    const h = await inFirstRound();
    await expectRefused(
      h,
      async () => h.send([await ix.tickInstruction(h.program, h.vault)]),
      "wrongAccountType",
      /discriminator/,
    );
    const member = h.memberAddress(h.members[0].publicKey);
    await expectRefused(
      h,
      async () => h.send([await ix.tickInstruction(h.program, member)]),
      "wrongAccountType",
      /discriminator/,
    );
  });

  test("fake PDA: a byte-exact copy of the run owned by the program at another address", async () => {
    const h = await inFirstRound();
    const forged = Keypair.generate().publicKey;
    h.chain.putAccount(forged, { data: h.data(h.run), owner: h.program.programId, lamports: h.lamports(h.run) });
    await expectRefused(
      h,
      async () => h.send([await ix.tickInstruction(h.program, forged)]),
      "invalidPda",
      /canonical program-derived/,
    );
  });

  test("non-canonical bump: creating a run or a member at a valid but non-canonical PDA", async () => {
    const h = await inFirstRound();
    const runId = 99n;
    const fakeRun = nonCanonicalAddress([Buffer.from("run"), u64Seed(runId)], h.program.programId);
    expect(fakeRun.equals(findRunAddress(runId, h.program.programId)[0])).toBe(false);
    const [init] = await ix.createRunInstructions(h.program, {
      authority: h.authority.publicKey,
      runId,
      config: runConfig(),
    });
    const attack = withKey(init, 1, { pubkey: fakeRun });
    await expectRefused(h, () => h.send([attack]), "invalidPda", /canonical program-derived/);

    const m = h.newMember();
    const fakeMember = nonCanonicalAddress(
      [Buffer.from("member"), h.run.toBuffer(), m.publicKey.toBuffer()],
      h.program.programId,
    );
    const join = withKey(
      await ix.joinInstruction(h.program, { run: h.run, member: m.publicKey, endpoint: "ws://x", stake: SOL }),
      3,
      {
        pubkey: fakeMember,
      },
    );
    await expectRefused(h, () => h.send([join], [m]), "invalidPda", /canonical program-derived/);
  });

  test("reinitialization: initialize_run on an existing run", async () => {
    const h = await inFirstRound();
    const [init] = await ix.createRunInstructions(h.program, {
      authority: h.authority.publicKey,
      runId: h.runId,
      config: runConfig(),
    });
    await expectRefused(h, () => h.send([init]), "accountAlreadyInitialized", /already exists/);
  });

  test("reinitialization: extend_run on a run that already has its full size", async () => {
    const h = await inFirstRound();
    const extend = await h.program.methods.extendRun().accountsStrict({ run: h.run }).instruction();
    await expectRefused(h, () => h.send([extend]), "runAlreadySized", /already has its full size/);
  });

  test("duplicate mutable accounts: the vault passed as the run too", async () => {
    const h = await inFirstRound();
    const fund = withKey(
      await ix.fundInstruction(h.program, { run: h.run, funder: h.authority.publicKey, amount: 1n }),
      1,
      {
        pubkey: h.vault,
      },
    );
    await expectRefused(h, () => h.send([fund]), "duplicateAccount", /two roles/);
  });

  test("overflow: funding the pool past u64", async () => {
    const h = await inFirstRound();
    const max = (1n << 64n) - 1n;
    await expectRefused(h, () => h.fund(max), "arithmeticOverflow", /would overflow/);
    await expectRefused(h, () => h.join(h.members[0], max), "arithmeticOverflow", /would overflow/);
  });

  test("commit outside the member's round: in warmup, for another step, by a member outside the epoch", async () => {
    const h = await CoordinatorHarness.create({ members: 1 });
    await h.tickFrom(RunState.WaitingForMembers);
    const [a] = h.members;
    await expectRefused(h, () => h.commit(a), "wrongStep", /current step while the round trains/);
    await h.tickFrom(RunState.Warmup);
    await expectRefused(h, () => h.commit(a, { step: 1n }), "wrongStep", /current step/);
    const late = h.newMember();
    h.expectOk(await h.join(late));
    await expectRefused(h, () => h.commit(late), "notInEpoch", /does not take part/);
    const stranger = h.newMember();
    await expectRefused(h, () => h.commit(stranger), "notAMember", /not a member/);
  });

  test("commit twice for the same step", async () => {
    const h = await inFirstRound();
    h.expectOk(await h.commit(h.members[0]));
    await expectRefused(
      h,
      () => h.commit(h.members[0], { hash: new Uint8Array(32).fill(7) }),
      "alreadyCommitted",
      /already committed/,
    );
  });

  test("commit with a NaN, infinite or negative loss, or an empty receipt", async () => {
    const h = await inFirstRound();
    const [a] = h.members;
    for (const loss of [NaN, Infinity, -Infinity, -1])
      await expectRefused(h, () => h.commit(a, { loss }), "invalidLoss", /finite and not negative/);
    await expectRefused(h, () => h.commit(a, { size: 0 }), "invalidReceipt", /needs a hash and a size/);
    await expectRefused(
      h,
      () => h.commit(a, { hash: new Uint8Array(32) }),
      "invalidReceipt",
      /needs a hash and a size/,
    );
  });

  test("commit into another member's or another epoch's receipts account", async () => {
    const h = await inFirstRound();
    const [a, b] = h.members;
    h.expectOk(await h.commit(b));
    const step = toBigInt(h.runAccount().step);
    const own = await ix.commitInstruction(h.program, {
      run: h.run,
      member: a.publicKey,
      epoch: 0,
      step,
      hash: new Uint8Array(32).fill(1),
      size: 1,
      loss: 1,
    });
    const intoB = withKey(own, 2, { pubkey: h.receiptsAddress(b.publicKey, 0) });
    await expectRefused(h, () => h.send([intoB], [a]), "invalidPda", /canonical program-derived/);
  });

  test("witness by a member that is not this round's witness, twice, or naming absent receipts", async () => {
    // two witnesses among three members: the round stays open after one witness reported
    const h = await CoordinatorHarness.create({
      members: 3,
      config: { witnessNodes: 2, minClients: 2, initMinClients: 2 },
    });
    await h.tickFrom(RunState.WaitingForMembers);
    await h.tickFrom(RunState.Warmup);
    const [a, b] = h.members;
    h.expectOk(await h.commit(a));
    await h.tickFrom(RunState.RoundTrain);
    const [witness] = h.witnesses();
    const other = h.members.find((m) => !h.witnesses().includes(m))!;
    await expectRefused(h, () => h.witness(other, [h.slotOf(a.publicKey)]), "notAWitness", /not a witness/);
    await expectRefused(
      h,
      () => h.witness(witness, [h.slotOf(b.publicKey)]),
      "invalidWitnessBitmap",
      /without a receipt/,
    );
    h.expectOk(await h.witness(witness, [h.slotOf(a.publicKey)]));
    await expectRefused(h, () => h.witness(witness, [h.slotOf(a.publicKey)]), "alreadyWitnessed", /already submitted/);
  });

  test("the run authority, also a member, judges a challenge against its own receipt, or one it opened", async () => {
    // Given the authority and b, c as members (1 SOL each), every step-0 receipt accepted
    const h = await CoordinatorHarness.create({ fund: SOL, config: { roundsPerEpoch: 4 } });
    h.expectOk(await h.join(h.authority));
    h.members.push(h.authority);
    const [b, c] = [h.newMember(), h.newMember()];
    for (const m of [b, c]) h.expectOk(await h.join(m));
    await h.tickFrom(RunState.WaitingForMembers);
    await h.tickFrom(RunState.Warmup);
    expect(await h.playRound()).toBe(RunState.RoundTrain);
    // When b challenges the authority's receipt, the authority cannot reject it at once
    const authority = h.authority.publicKey;
    h.expectOk(await h.challenge(b, authority, 0, 0));
    await expectRefused(
      h,
      () => h.resolve(h.authority, authority, 0, b.publicKey, false),
      "authorityIsParty",
      /cannot judge a challenge against its own receipt/,
    );
    // The auditors decide instead: c holds all the eligible stake (3 SOL less the accused's and the challenger's)
    h.expectOk(await h.resolve(c, authority, 0, b.publicKey, true));
    expect("confirmed" in h.challengeAccount(authority, 0).status).toBe(true);
    // Nor can it judge a challenge it opened: it would be resolver and challenger at once
    h.expectOk(await h.challenge(h.authority, c.publicKey, 0, 0));
    await expectRefused(
      h,
      () => h.resolve(h.authority, c.publicKey, 0, authority, false),
      "duplicateAccount",
      /the same account is passed in two roles/,
    );
  });

  test("claim twice", async () => {
    const h = await CoordinatorHarness.create({ members: 1, fund: SOL, config: { roundsPerEpoch: 1 } });
    await h.tickFrom(RunState.WaitingForMembers);
    await h.tickFrom(RunState.Warmup);
    await h.playRound();
    await h.tickFrom(RunState.Cooldown);
    h.expectOk(await h.payout("claim", h.members[0]));
    await expectRefused(h, () => h.payout("claim", h.members[0]), "nothingToClaim", /nothing to claim/);
  });

  test("withdraw before unbonding, and without leaving", async () => {
    const h = await inFirstRound();
    const [a, b] = h.members;
    await expectRefused(h, () => h.payout("withdraw", b), "notLeaving", /needs a prior leave/);
    h.expectOk(await h.leave(a));
    await expectRefused(h, () => h.payout("withdraw", a), "stillUnbonding", /unbonding epoch has not passed/);
    h.advance(10_000); // time alone does not unbond while an epoch runs
    await expectRefused(h, () => h.payout("withdraw", a), "stillUnbonding", /unbonding epoch has not passed/);
  });

  test("config change while running", async () => {
    const h = await inFirstRound();
    await expectRefused(
      h,
      () => h.updateConfig(runConfig({ minStake: new BN(1) })),
      "runNotHalted",
      /only while waiting for members or paused/,
    );
  });

  test("an invalid config is refused with the rule it breaks", async () => {
    const h = new CoordinatorHarness(3n);
    await expectRefused(
      h,
      () => h.createRun(runConfig({ warmupTime: 600 })),
      "invalidConfigTiming",
      /warmup_time must be < epoch_time/,
    );
    await expectRefused(h, () => h.createRun(runConfig({ witnessNodes: 2 })), "invalidConfigMembers", /witness_nodes/);
    await expectRefused(
      h,
      () => h.createRun(runConfig({ learningRate: NaN })),
      "invalidConfigTraining",
      /learning_rate/,
    );
    await expectRefused(h, () => h.createRun(runConfig({ demoDecay: 1 })), "invalidConfigDemo", /demo_decay/);
    await expectRefused(h, () => h.createRun(runConfig({ slashBps: 10_001 })), "invalidConfigEconomics", /slash_bps/);
  });

  test("a system program impostor, truncated or trailing arguments, too few accounts", async () => {
    const h = await inFirstRound();
    const fund = async () => ix.fundInstruction(h.program, { run: h.run, funder: h.authority.publicKey, amount: 5n });
    const impostor = withKey(await fund(), 3, { pubkey: h.program.programId });
    await expectRefused(h, () => h.send([impostor]), "wrongProgramAccount", /expected the system program/);
    const truncated = await fund();
    truncated.data = truncated.data.subarray(0, 12);
    await expectRefused(h, () => h.send([truncated]), "invalidInstructionData", /truncated/);
    const trailing = await fund();
    trailing.data = Buffer.concat([trailing.data, Buffer.from([0])]);
    await expectRefused(h, () => h.send([trailing]), "invalidInstructionData", /trailing bytes/);
    const short = await fund();
    short.keys = short.keys.slice(0, 3);
    await expectRefused(h, () => h.send([short]), "notEnoughAccounts", /not enough accounts/);
  });

  test("griefing a PDA by pre-funding its address does not block its creation", async () => {
    // Given someone sent lamports to the address of a's next receipts account (a plain CreateAccount would fail)
    const h = await inFirstRound();
    const [a] = h.members;
    h.expectOk(
      h.send([
        SystemProgram.transfer({
          fromPubkey: h.authority.publicKey,
          toPubkey: h.receiptsAddress(a.publicKey, 0),
          lamports: Number(h.chain.svm.minimumBalanceForRentExemption(0n)),
        }),
      ]),
    );
    // When a commits, the account is topped up, allocated and assigned instead
    h.expectOk(await h.commit(a));
    expect(h.receipts(a.publicKey, 0).receipts).toHaveLength(1);
  });
});
