import { AnchorProvider, Wallet } from "@coral-xyz/anchor";
import type { Connection } from "@solana/web3.js";
import { Keypair, PublicKey } from "@solana/web3.js";
import { COORDINATOR_PROGRAM_ID, coordinatorProgram } from "./coordinatorProgram";

const provider = new AnchorProvider({} as Connection, new Wallet(Keypair.generate()), {});

describe("coordinatorProgram", () => {
  test("a typed Anchor Program at the IDL's address, or at another deployment's", async () => {
    const program = coordinatorProgram(provider);
    expect(program.programId.equals(COORDINATOR_PROGRAM_ID)).toBe(true);
    const other = Keypair.generate().publicKey;
    expect(coordinatorProgram(provider, other).programId.equals(other)).toBe(true);
    expect(Object.keys(program.methods)).toContain("resolveChallenge");
    // The types come from the generated IDL: unknown instructions and wrong arguments do not compile.
    // @ts-expect-error not an instruction of the coordinator
    expect(program.methods.notAnInstruction).toBeUndefined();
    await expect(
      // @ts-expect-error tick takes no arguments
      program.methods.tick(PublicKey.default).accountsStrict({ run: PublicKey.default }).instruction(),
    ).rejects.toThrow(/too many arguments/);
  });
});
