import { AnchorProvider, BN, Wallet } from "@coral-xyz/anchor";
import type { Connection } from "@solana/web3.js";
import { Keypair, PublicKey } from "@solana/web3.js";
import { CONCORD_ERROR__CLIENT__VALUE_OUT_OF_RANGE } from "./errors/codes";
import { isConcordError } from "./errors/concordError";
import { findChallengeAddress, findMemberAddress, findRunAddress, findVaultAddress, u64Seed } from "./coordinatorPdas";
import { coordinatorProgram } from "./coordinatorProgram";

// Anchor resolves PDAs from the IDL's seeds without touching the network for these instructions.
const program = coordinatorProgram(new AnchorProvider({} as Connection, new Wallet(Keypair.generate()), {}));

describe("coordinatorPdas", () => {
  test("the SDK's addresses are the ones the IDL's seeds give Anchor", async () => {
    const member = Keypair.generate().publicKey;
    const [run] = findRunAddress(42n);
    const created = await program.methods
      .initializeRun(new BN(42), {} as never)
      .accountsPartial({ authority: member })
      .pubkeys();
    expect(created.run?.equals(run)).toBe(true);
    expect(created.vault?.equals(findVaultAddress(run)[0])).toBe(true);
    const joined = await program.methods.leave().accountsPartial({ member, run }).pubkeys();
    expect(joined.memberAccount?.equals(findMemberAddress(run, member)[0])).toBe(true);
    const challenged = await program.methods
      .challenge(member, new BN(7), new Array(32).fill(0))
      .accountsPartial({ challenger: member, run, receipts: PublicKey.default })
      .pubkeys();
    expect(challenged.challenge?.equals(findChallengeAddress(run, member, 7n)[0])).toBe(true);
  });

  test("u64 seeds are little-endian and range-checked", () => {
    expect(u64Seed(258n).toString("hex")).toBe("0201000000000000");
    let error: unknown;
    try {
      u64Seed(-1n, "epoch");
    } catch (e) {
      error = e;
    }
    expect(isConcordError(error, CONCORD_ERROR__CLIENT__VALUE_OUT_OF_RANGE)).toBe(true);
  });
});
