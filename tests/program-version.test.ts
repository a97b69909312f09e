// The coordinator's `version` instruction in litesvm: raw, through the real loader, and through Anchor's client.
import { Program } from "@coral-xyz/anchor";
import type { Idl } from "@coral-xyz/anchor";
import { Keypair, TransactionInstruction } from "@solana/web3.js";
import { readFileSync } from "node:fs";
import { anchorDiscriminator } from "../sdk/anchorDiscriminator";
import { IDL_PATH } from "../programs/coordinator/paths";
import { LiteSvmProvider } from "./helpers/litesvmProvider";
import { PROGRAM_ID, PROGRAM_SO, TestChain } from "./helpers/testChain";

const versionData = Buffer.from(anchorDiscriminator("global", "version"));
const versionIx = (programId = PROGRAM_ID, data = versionData, keys: TransactionInstruction["keys"] = []) =>
  new TransactionInstruction({ programId, keys, data });

describe("version instruction", () => {
  test("returns the program version and reports its compute units", () => {
    const chain = new TestChain();
    const r = chain.send([versionIx()]);
    expect(r.error).toBeUndefined();
    expect(r.returnData).toEqual(Buffer.from([0, 0, 2, 0, 0, 0])); // 0.2.0 as three u16
    expect(r.logs).toContain("Program log: concord coordinator");
    expect(r.computeUnits).toBeGreaterThan(0);
    console.log(`version: ${r.computeUnits} compute units`);
  });

  test("runs after a deploy through the upgradeable loader", () => {
    const chain = new TestChain({ program: "none" });
    const d = chain.deploy(readFileSync(PROGRAM_SO));
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(chain.send([versionIx(d.programId)]).returnData).toEqual(Buffer.from([0, 0, 2, 0, 0, 0]));
  });

  test("Anchor's Program client reads it with .view() from the IDL", async () => {
    const program = new Program(
      JSON.parse(readFileSync(IDL_PATH, "utf8")) as Idl,
      new LiteSvmProvider(new TestChain()),
    );
    const v = await program.methods.version().view();
    expect({ major: v.major, minor: v.minor, patch: v.patch }).toEqual({ major: 0, minor: 2, patch: 0 });
  });

  test("an unknown discriminator fails with InstructionFallbackNotFound (101)", () => {
    const r = new TestChain().send([versionIx(PROGRAM_ID, Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]))]);
    expect(r.customError).toBe(101);
    expect(r.logs).toContain("Program log: Error: unknown instruction discriminator");
  });

  test("data shorter than a discriminator fails with 101", () => {
    expect(new TestChain().send([versionIx(PROGRAM_ID, Buffer.from([1, 2, 3]))]).customError).toBe(101);
  });

  test("trailing argument bytes are refused (6001)", () => {
    expect(
      new TestChain().send([versionIx(PROGRAM_ID, Buffer.concat([versionData, Buffer.from([0])]))]).customError,
    ).toBe(6001);
  });

  test("more accounts than any instruction takes are refused (6000)", () => {
    const keys = Array.from({ length: 17 }, () => ({
      pubkey: Keypair.generate().publicKey,
      isSigner: false,
      isWritable: false,
    }));
    const r = new TestChain().send([versionIx(PROGRAM_ID, versionData, keys)]);
    expect(r.customError).toBe(6000);
  });
});
