import { PublicKey } from "@solana/web3.js";
import {
  CONCORD_ERROR__CLIENT__MALFORMED_ACCOUNT,
  CONCORD_ERROR__CLIENT__UNSUPPORTED_ACCOUNT_VERSION,
} from "./errors/codes";
import { ACCOUNT_SIZES, coordinatorAccountsCoder, decodeMember, decodeRun, decodeVault } from "./coordinatorAccounts";
import { expectConcordError } from "../tests/helpers/expectConcordError";

const runKey = new PublicKey(new Uint8Array(32).fill(3));
const vaultBytes = (version = 1) =>
  coordinatorAccountsCoder.encode("vault", { version, bump: 254, padding: [0, 0, 0, 0, 0, 0], run: runKey });

describe("coordinatorAccounts", () => {
  test("sizes match the program's static_asserts", () => {
    expect(ACCOUNT_SIZES).toEqual({ run: 31376, member: 184, vault: 48, epochReceipts: 96, challenge: 232 });
  });

  test("decodes what the coder encodes", async () => {
    const vault = decodeVault(await vaultBytes());
    expect(vault.bump).toBe(254);
    expect(vault.run.equals(runKey)).toBe(true);
  });

  test("another account type, an unknown version or a wrong size is a ConcordError naming the account", async () => {
    const bytes = await vaultBytes();
    const wrongType = expectConcordError(() => decodeMember(bytes, "addr"), CONCORD_ERROR__CLIENT__MALFORMED_ACCOUNT);
    expect(wrongType.message).toBe("account addr is not a valid member: wrong discriminator");
    const version = expectConcordError(
      () => decodeVault(Buffer.from([...bytes.subarray(0, 8), 2, ...bytes.subarray(9)]), "addr"),
      CONCORD_ERROR__CLIENT__UNSUPPORTED_ACCOUNT_VERSION,
    );
    expect(version.message).toBe("account addr is a vault of layout version 2; this client reads version 1");
    const short = expectConcordError(
      () => decodeVault(bytes.subarray(0, 40), "addr"),
      CONCORD_ERROR__CLIENT__MALFORMED_ACCOUNT,
    );
    expect(short.message).toBe("account addr is not a valid vault: size 40, expected 48");
    expectConcordError(() => decodeRun(new Uint8Array(3)), CONCORD_ERROR__CLIENT__MALFORMED_ACCOUNT);
  });
});
