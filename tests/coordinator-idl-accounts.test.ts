// The IDL describes every account an instruction takes, so an Anchor client resolves them itself: PDA seeds, some
// naming fields of other accounts (the receipts of `run.epoch`, the member of `challenge.member`), and relations
// (authority = run.authority). An unmodified @coral-xyz/anchor Program over the hand-kept programs/coordinator/idl.json,
// given only the accounts nothing derives, builds instructions the real program accepts on the litesvm chain.
//
// What Anchor's seeds cannot express: the epoch of a step. challenge's `receipts` seeds name `run.epoch`, the
// current epoch's account; a receipt of the previous epoch (still inside the challenge window) needs that epoch's
// account passed. And resolve_challenge's `challenge` is derived from its own fields (member, step): the one
// account, besides the run, a client passes there.
import { BN, Program } from "@coral-xyz/anchor";
import type { PublicKey } from "@solana/web3.js";
import { readFileSync } from "node:fs";
import { IDL_PATH } from "../programs/coordinator/paths";
import { toBigInt } from "../sdk/coordinatorAccounts";
import { coordinatorErrorName } from "../sdk/coordinatorErrors";
import { findVaultAddress } from "../sdk/coordinatorPdas";
import type { ConcordCoordinator } from "../sdk/generated/concordCoordinator";
import { RunState } from "../sdk/runState";
import { CoordinatorHarness, receiptHash, runConfig, SOL } from "./helpers/coordinatorHarness";

/** The IDL file as written (snake_case): Program converts it to the camelCase its typed methods use. */
const idl = JSON.parse(readFileSync(IDL_PATH, "utf8")) as ConcordCoordinator;

/** The public keys of an instruction's accounts by their IDL names. */
const keysOf = (ix: { keys: { pubkey: PublicKey }[] }, names: string[]) =>
  Object.fromEntries(names.map((n, i) => [n, ix.keys[i].pubkey.toBase58()]));

describe("the IDL's seeds and relations resolve every derivable account", () => {
  test("authority instructions take the run alone: Anchor reads the authority from run.authority", async () => {
    const h = await CoordinatorHarness.create({ fund: SOL });
    const program = new Program(idl, h.provider);
    const authority = h.authority.publicKey;
    const built = [
      program.methods.updateConfig(runConfig()),
      program.methods.pause(),
      program.methods.resume(),
      program.methods.finish(),
      program.methods.checkpoint(new BN(0), new Array(32).fill(7), "http://127.0.0.1:1/blob"),
    ].map((m) => m.accounts({ run: h.run }).pubkeys());
    const authorities = (await Promise.all(built)).map((k) => (k as { authority?: PublicKey }).authority?.toBase58());
    expect(authorities).toEqual(new Array(5).fill(authority.toBase58()));

    // pause and resume, sent: the program accepts the resolved authority
    h.expectOk(h.send([await program.methods.pause().accounts({ run: h.run }).instruction()]));
    expect(h.state()).toBe(RunState.Paused);
    h.expectOk(h.send([await program.methods.resume().accounts({ run: h.run }).instruction()]));
    expect(h.state()).toBe(RunState.WaitingForMembers);
  });

  test("commit, challenge and resolve_challenge: receipts, challenge, member account and challenger resolved", async () => {
    // Given a run in its first round with two members
    const h = await CoordinatorHarness.create({ fund: SOL, members: 2, config: { roundsPerEpoch: 4 } });
    await h.tickFrom(RunState.WaitingForMembers);
    await h.tickFrom(RunState.Warmup);
    const [a, b] = h.members;
    const epoch = toBigInt(h.runAccount().epoch);
    const program = new Program(idl, h.provider);

    // When each member commits through Anchor, naming only itself and the run
    for (const m of [a, b]) {
      const ix = await program.methods
        .commit(new BN(0), Array.from(receiptHash(m.publicKey, 0n)), 1024, 2.5)
        .accounts({ member: m.publicKey, run: h.run })
        .instruction();
      // Then the receipts account is the member's EpochReceipts of the run's epoch, and the program takes it
      expect(keysOf(ix, ["member", "run", "receipts"]).receipts).toBe(h.receiptsAddress(m.publicKey, epoch).toBase58());
      h.expectOk(h.send([ix], [m]));
    }
    expect(h.state()).toBe(RunState.RoundWitness);
    for (const w of h.witnesses()) h.expectOk(await h.witness(w, [h.slotOf(a.publicKey), h.slotOf(b.publicKey)]));
    expect(h.state()).toBe(RunState.RoundTrain);

    // When an outsider challenges a's accepted receipt of step 0, naming only itself and the run
    const challenger = h.newMember();
    const opened = await program.methods
      .challenge(a.publicKey, new BN(0), new Array(32).fill(9))
      .accounts({ challenger: challenger.publicKey, run: h.run })
      .instruction();
    expect(keysOf(opened, ["challenger", "run", "receipts", "challenge"])).toEqual({
      challenger: challenger.publicKey.toBase58(),
      run: h.run.toBase58(),
      receipts: h.receiptsAddress(a.publicKey, epoch).toBase58(),
      challenge: h.challengeAddress(a.publicKey, 0).toBase58(),
    });
    h.expectOk(h.send([opened], [challenger]));

    // And the authority confirms it, naming the run and the challenge: the vault, a's member account (from
    // challenge.member) and the challenger (from challenge.challenger) are resolved
    const challenge = h.challengeAddress(a.publicKey, 0);
    const resolved = await program.methods
      .resolveChallenge(true)
      .accountsPartial({ resolver: h.authority.publicKey, run: h.run, challenge })
      .instruction();
    expect(keysOf(resolved, ["resolver", "run", "vault", "challenge", "memberAccount", "challenger"])).toEqual({
      resolver: h.authority.publicKey.toBase58(),
      run: h.run.toBase58(),
      vault: findVaultAddress(h.run, program.programId)[0].toBase58(),
      challenge: challenge.toBase58(),
      memberAccount: h.memberAddress(a.publicKey).toBase58(),
      challenger: challenger.publicKey.toBase58(),
    });
    h.expectOk(h.send([resolved]));
    expect("confirmed" in h.challengeAccount(a.publicKey, 0).status).toBe(true);
  });

  test("a receipt of the previous epoch: the seeds name the current epoch's receipts, so the client passes its own", async () => {
    // Given a run finished after its first round: the epoch counter is 1, epoch 0's receipts still in the window
    const h = await CoordinatorHarness.create({ fund: SOL, members: 2, config: { roundsPerEpoch: 4 } });
    await h.tickFrom(RunState.WaitingForMembers);
    await h.tickFrom(RunState.Warmup);
    expect(await h.playRound()).toBe(RunState.RoundTrain);
    h.expectOk(await h.control("finish"));
    expect(toBigInt(h.runAccount().epoch)).toBe(1n);
    const [a, b] = h.members;
    const program = new Program(idl, h.provider);
    const challenge = () => program.methods.challenge(a.publicKey, new BN(0), new Array(32).fill(9));

    // When b challenges a's step-0 receipt naming only itself and the run, Anchor derives epoch 1's receipts, an
    // account that does not exist (a has committed nothing in epoch 1): the program refuses it
    const derived = await challenge().accounts({ challenger: b.publicKey, run: h.run }).instruction();
    expect(keysOf(derived, ["challenger", "run", "receipts"]).receipts).toBe(
      h.receiptsAddress(a.publicKey, 1).toBase58(),
    );
    const refused = h.send([derived], [b]);
    expect({ ok: refused.ok, error: coordinatorErrorName(refused.customError) }).toEqual({
      ok: false,
      error: "wrongAccountOwner",
    });

    // Then naming epoch 0's receipts, the rest still resolved, it lands
    const receipts = h.receiptsAddress(a.publicKey, 0);
    const named = await challenge().accountsPartial({ challenger: b.publicKey, run: h.run, receipts }).instruction();
    h.expectOk(h.send([named], [b]));
    expect("open" in h.challengeAccount(a.publicKey, 0).status).toBe(true);
  });
});
