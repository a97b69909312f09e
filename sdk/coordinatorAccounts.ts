// Decoders for the coordinator's accounts: discriminator, layout version and size are checked before Anchor's
// Borsh coder runs, and every failure is a ConcordError naming the account.
import { BorshAccountsCoder } from "@coral-xyz/anchor";
import type { BN, IdlAccounts, IdlTypes } from "@coral-xyz/anchor";
// Anchor's Borsh coder reads through Buffer methods, so it is handed one: from the "buffer" package, which is Node's
// own under Node and the portable implementation web3.js and Anchor already bring into a browser bundle.
import { Buffer } from "buffer";
import {
  CONCORD_ERROR__CLIENT__MALFORMED_ACCOUNT,
  CONCORD_ERROR__CLIENT__UNSUPPORTED_ACCOUNT_VERSION,
} from "./errors/codes";
import { ConcordError } from "./errors/concordError";
import { COORDINATOR_IDL } from "./coordinatorProgram";
import type { ConcordCoordinator } from "./generated/concordCoordinator";
import { idlFieldLayout, idlTypeSize } from "./idlLayout";

/** An account's integer field (a BN from Anchor's coder) or any integer, as a bigint. */
export const toBigInt = (v: BN | number | bigint | { toString(): string }): bigint => BigInt(v.toString());

export type RunAccount = IdlAccounts<ConcordCoordinator>["run"];
export type MemberAccount = IdlAccounts<ConcordCoordinator>["member"];
export type VaultAccount = IdlAccounts<ConcordCoordinator>["vault"];
export type EpochReceiptsAccount = IdlAccounts<ConcordCoordinator>["epochReceipts"];
export type ChallengeAccount = IdlAccounts<ConcordCoordinator>["challenge"];
export type RunConfig = IdlTypes<ConcordCoordinator>["runConfig"];
export type RunMember = IdlTypes<ConcordCoordinator>["runMember"];
export type Receipt = IdlTypes<ConcordCoordinator>["receipt"];

export type CoordinatorAccountName = "run" | "member" | "vault" | "epochReceipts" | "challenge";

/** Layout versions this client reads (the byte after the discriminator). */
export const ACCOUNT_VERSIONS: Readonly<Record<CoordinatorAccountName, number>> = {
  run: 2,
  member: 1,
  vault: 1,
  epochReceipts: 1,
  challenge: 1,
};

const DISCRIMINATOR_SIZE = 8;
const accountSize = (name: string) => DISCRIMINATOR_SIZE + idlTypeSize(COORDINATOR_IDL, { defined: { name } });
const receiptsVec = idlFieldLayout(COORDINATOR_IDL, "epochReceipts", "receipts", DISCRIMINATOR_SIZE);
const RECEIPTS_CAPACITY = idlFieldLayout(COORDINATOR_IDL, "epochReceipts", "capacity", DISCRIMINATOR_SIZE).offset;

/** Account sizes in bytes; EpochReceipts is its header, plus RECEIPT_SIZE per receipt of capacity. */
export const ACCOUNT_SIZES: Readonly<Record<CoordinatorAccountName, number>> = {
  run: accountSize("run"),
  member: accountSize("member"),
  vault: accountSize("vault"),
  epochReceipts: receiptsVec.offset + 4,
  challenge: accountSize("challenge"),
};
export const RECEIPT_SIZE = receiptsVec.vecElementSize!;
/** What one instruction may allocate; initialize_run creates this much of the run and extend_run adds the rest. */
export const MAX_ALLOCATION_PER_INSTRUCTION = 10 * 1024;

export const coordinatorAccountsCoder = new BorshAccountsCoder(COORDINATOR_IDL);
const DISCRIMINATORS = Object.fromEntries(COORDINATOR_IDL.accounts.map((a) => [a.name, a.discriminator]));

function expectedSize(name: CoordinatorAccountName, data: Uint8Array): number {
  if (name !== "epochReceipts" || data.length < ACCOUNT_SIZES.epochReceipts) return ACCOUNT_SIZES[name];
  const capacity = new DataView(data.buffer, data.byteOffset).getUint16(RECEIPTS_CAPACITY, true);
  return ACCOUNT_SIZES.epochReceipts + capacity * RECEIPT_SIZE;
}

function decode<T>(name: CoordinatorAccountName, data: Uint8Array, address: string): T {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const malformed = (reason: string) =>
    new ConcordError(CONCORD_ERROR__CLIENT__MALFORMED_ACCOUNT, { address, kind: name, reason });
  if (bytes.length < DISCRIMINATOR_SIZE + 1 || DISCRIMINATORS[name].some((b, i) => bytes[i] !== b))
    throw malformed("wrong discriminator");
  if (bytes[8] !== ACCOUNT_VERSIONS[name])
    throw new ConcordError(CONCORD_ERROR__CLIENT__UNSUPPORTED_ACCOUNT_VERSION, {
      address,
      kind: name,
      version: bytes[8],
      expected: ACCOUNT_VERSIONS[name],
    });
  const size = expectedSize(name, bytes);
  if (bytes.length !== size) throw malformed(`size ${bytes.length}, expected ${size}`);
  try {
    return coordinatorAccountsCoder.decode<T>(name, bytes);
  } catch (e) {
    throw new ConcordError(
      CONCORD_ERROR__CLIENT__MALFORMED_ACCOUNT,
      { address, kind: name, reason: (e as Error).message },
      { cause: e },
    );
  }
}

const utf8 = new TextDecoder();

/** Text an account stores as a fixed byte array and the length of what was written into it. */
const storedText = (bytes: readonly number[], len: number): string => utf8.decode(Uint8Array.from(bytes.slice(0, len)));

/** A Member account's endpoint as the text it joined with. */
export const memberEndpoint = (m: MemberAccount): string => storedText(m.endpoint, m.endpointLen);

/** Where the Run's recorded checkpoint can be fetched (by its hash), as the authority wrote it; "" when none. */
export const checkpointUri = (run: RunAccount): string => storedText(run.checkpoint.uri, run.checkpoint.uriLen);

export const decodeRun = (data: Uint8Array, address = "?") => decode<RunAccount>("run", data, address);
export const decodeMember = (data: Uint8Array, address = "?") => decode<MemberAccount>("member", data, address);
export const decodeVault = (data: Uint8Array, address = "?") => decode<VaultAccount>("vault", data, address);
export const decodeEpochReceipts = (data: Uint8Array, address = "?") =>
  decode<EpochReceiptsAccount>("epochReceipts", data, address);
export const decodeChallenge = (data: Uint8Array, address = "?") =>
  decode<ChallengeAccount>("challenge", data, address);
