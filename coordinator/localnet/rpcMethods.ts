// Solana JSON-RPC methods over a LocalChain, answering in the shapes @solana/web3.js 1.x and Anchor parse.
import { VersionedMessage } from "@solana/web3.js";
import { utils } from "@coral-xyz/anchor";
import type { RpcMethods } from "./jsonRpc";
import type { LocalChain, ReturnData, TransactionRecord } from "./localChain";
import { transactionFee } from "./localChain";
import type { TransactionErrorJson } from "../../sdk/transactionError";
import { encodeAccount, parseDataSlice } from "./accountEncoding";
import {
  addressParam,
  arrayParam,
  configParam,
  decodeBytes,
  integerParam,
  pubkeyParam,
  stringParam,
} from "./rpcParams";
import { invalidParams } from "./rpcError";

const bs58 = utils.bytes.bs58;
export const SOLANA_CORE_VERSION = "2.2.0";
const MAX_MULTIPLE_ACCOUNTS = 100;
const MAX_SIGNATURE_STATUSES = 256;
const MAX_MEMCMP_BYTES = 128;

type Filter = (data: Buffer) => boolean;

function parseFilters(value: unknown): Filter[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 4) throw invalidParams("filters must be an array of at most 4 filters");
  return value.map((f: Record<string, unknown>) => {
    if (f && typeof f.dataSize === "number") {
      const size = f.dataSize;
      return (data: Buffer) => data.length === size;
    }
    const memcmp = f?.memcmp as Record<string, unknown> | undefined;
    if (
      memcmp &&
      Number.isSafeInteger(memcmp.offset) &&
      (memcmp.offset as number) >= 0 &&
      typeof memcmp.bytes === "string"
    ) {
      const bytes = decodeBytes(memcmp.bytes, memcmp.encoding, "memcmp bytes");
      if (bytes.length > MAX_MEMCMP_BYTES) throw invalidParams(`memcmp bytes longer than ${MAX_MEMCMP_BYTES}`);
      const offset = memcmp.offset as number;
      return (data: Buffer) =>
        data.length >= offset + bytes.length && bytes.equals(data.subarray(offset, offset + bytes.length));
    }
    throw invalidParams("each filter must be { dataSize } or { memcmp: { offset, bytes } }");
  });
}

/** The legacy `status` field next to `err`. */
const statusOf = (err: TransactionErrorJson | null) => (err === null ? { Ok: null } : { Err: err });

/** Return data as JSON-RPC answers it: the data as [base64, "base64"]. */
const returnDataJson = (r: ReturnData) => ({ programId: r.programId, data: [r.data, "base64"] });

function transactionMeta(t: TransactionRecord) {
  return {
    err: t.err,
    status: statusOf(t.err),
    fee: t.fee,
    preBalances: t.preBalances,
    postBalances: t.postBalances,
    innerInstructions: [],
    logMessages: t.logs,
    preTokenBalances: [],
    postTokenBalances: [],
    rewards: [],
    loadedAddresses: { writable: [], readonly: [] },
    computeUnitsConsumed: t.computeUnits,
    ...(t.returnData ? { returnData: returnDataJson(t.returnData) } : {}),
  };
}

function signatureStatus(chain: LocalChain, t: TransactionRecord) {
  const commitment = chain.commitment(t);
  return {
    slot: t.slot,
    // slots since it landed, null once rooted, as validators count them
    confirmations: commitment === "finalized" ? null : chain.slot - t.slot,
    err: t.err,
    status: statusOf(t.err),
    confirmationStatus: commitment,
  };
}

export function createRpcMethods(chain: LocalChain): RpcMethods {
  const context = () => ({ slot: chain.slot, apiVersion: SOLANA_CORE_VERSION });
  const withContext = <T>(value: T) => ({ context: context(), value });

  return {
    getHealth: () => "ok",
    getVersion: () => ({ "solana-core": SOLANA_CORE_VERSION, "feature-set": 0 }),
    getGenesisHash: () => chain.genesisHash,
    getIdentity: () => ({ identity: chain.faucet.publicKey.toBase58() }),
    getSlot: () => chain.slot,
    getBlockHeight: () => chain.slot,
    getTransactionCount: () => chain.signaturesCount(),
    getFirstAvailableBlock: () => 0,
    minimumLedgerSlot: () => 0,
    getRecentPrioritizationFees: () => [],
    getEpochInfo: () => {
      const clock = chain.svm.getClock();
      const schedule = chain.svm.getEpochSchedule();
      return {
        absoluteSlot: chain.slot,
        blockHeight: chain.slot,
        epoch: Number(clock.epoch),
        slotIndex: chain.slot % Number(schedule.slotsPerEpoch),
        slotsInEpoch: Number(schedule.slotsPerEpoch),
        transactionCount: chain.signaturesCount(),
      };
    },

    getLatestBlockhash: () => withContext(chain.latestBlockhash()),
    isBlockhashValid: (params) => withContext(chain.isBlockhashValid(stringParam(params, 0, "blockhash"))),
    getFeeForMessage: (params) => {
      const bytes = decodeBytes(stringParam(params, 0, "message"), "base64", "message");
      let message;
      try {
        message = VersionedMessage.deserialize(bytes);
      } catch {
        throw invalidParams("message does not deserialize");
      }
      return withContext(
        chain.isBlockhashValid(message.recentBlockhash) ? transactionFee(message.header.numRequiredSignatures) : null,
      );
    },
    getMinimumBalanceForRentExemption: (params) => chain.rentExempt(integerParam(params, 0, "data length")),

    getBalance: (params) => withContext(chain.getAccount(addressParam(params, 0, "account"))?.lamports ?? 0),
    getAccountInfo: (params) => {
      const key = addressParam(params, 0, "account");
      const config = configParam(params, 1);
      const account = chain.getAccount(key);
      return withContext(account && encodeAccount(account, config.encoding, parseDataSlice(config.dataSlice)));
    },
    getMultipleAccounts: (params) => {
      const keys = arrayParam(
        params,
        0,
        `accounts must be an array of at most ${MAX_MULTIPLE_ACCOUNTS} public keys`,
        (items, i) => addressParam(items, i, "account"),
        { max: MAX_MULTIPLE_ACCOUNTS },
      );
      const config = configParam(params, 1);
      const slice = parseDataSlice(config.dataSlice);
      return withContext(
        keys.map((k) => {
          const account = chain.getAccount(k);
          return account && encodeAccount(account, config.encoding, slice);
        }),
      );
    },
    getProgramAccounts: (params) => {
      const program = addressParam(params, 0, "program");
      const config = configParam(params, 1);
      const filters = parseFilters(config.filters);
      const slice = parseDataSlice(config.dataSlice);
      const list = chain
        .getProgramAccounts(program)
        .filter(({ account }) => filters.every((f) => f(account.data)))
        .sort((a, b) => (a.pubkey < b.pubkey ? -1 : 1))
        .map(({ pubkey, account }) => ({ pubkey, account: encodeAccount(account, config.encoding, slice) }));
      return config.withContext ? withContext(list) : list;
    },

    requestAirdrop: (params) => chain.airdrop(pubkeyParam(params, 0, "recipient"), integerParam(params, 1, "lamports")),
    sendTransaction: (params) => {
      const config = configParam(params, 1);
      const bytes = decodeBytes(stringParam(params, 0, "transaction"), config.encoding, "transaction");
      return chain.sendTransaction(bytes, { skipPreflight: config.skipPreflight === true });
    },
    simulateTransaction: (params) => {
      const config = configParam(params, 1);
      const bytes = decodeBytes(stringParam(params, 0, "transaction"), config.encoding, "transaction");
      const sim = chain.simulateTransaction(bytes, {
        sigVerify: config.sigVerify === true,
        replaceRecentBlockhash: config.replaceRecentBlockhash === true,
      });
      const wanted = config.accounts as { addresses?: unknown; encoding?: unknown } | undefined;
      let accounts = null;
      if (wanted) {
        const keys = arrayParam([wanted.addresses], 0, "accounts.addresses must be an array", (items, i) =>
          addressParam(items, i, "accounts.addresses"),
        );
        accounts = keys.map((key) => {
          const account = sim.postAccounts.get(key) ?? chain.getAccount(key);
          return account && encodeAccount(account, wanted.encoding ?? "base64");
        });
      }
      return withContext({
        err: sim.err,
        logs: sim.logs,
        accounts,
        unitsConsumed: sim.unitsConsumed,
        returnData: sim.returnData && returnDataJson(sim.returnData),
        innerInstructions: null,
      });
    },

    getSignatureStatuses: (params) => {
      const sigs = arrayParam(
        params,
        0,
        `signatures must be an array of at most ${MAX_SIGNATURE_STATUSES} strings`,
        (items, i) => stringParam(items, i, "signature"),
        { max: MAX_SIGNATURE_STATUSES },
      );
      return withContext(
        sigs.map((s) => {
          const t = chain.getTransaction(s);
          return t ? signatureStatus(chain, t) : null;
        }),
      );
    },
    getTransaction: (params) => {
      const config = configParam(params, 1);
      const t = chain.getTransaction(stringParam(params, 0, "signature"));
      if (!t) return null;
      const encoding = config.encoding ?? "json";
      let transaction: unknown;
      if (encoding === "json" || encoding === "jsonParsed")
        transaction = { signatures: t.signatures, message: t.message };
      else if (encoding === "base64") transaction = [t.wire, "base64"];
      else if (encoding === "base58") transaction = [bs58.encode(Buffer.from(t.wire, "base64")), "base58"];
      else throw invalidParams(`unsupported transaction encoding ${String(encoding)}`);
      return { slot: t.slot, blockTime: t.blockTime, transaction, meta: transactionMeta(t), version: t.version };
    },
    getSignaturesForAddress: (params) => {
      const key = addressParam(params, 0, "address");
      const config = configParam(params, 1);
      const limit = config.limit === undefined ? 1000 : Number(config.limit);
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000)
        throw invalidParams("limit must be between 1 and 1000");
      const before = typeof config.before === "string" ? config.before : undefined;
      const until = typeof config.until === "string" ? config.until : undefined;
      return chain.signaturesForAddress(key, limit, before, until).map((t) => ({
        signature: t.signature,
        slot: t.slot,
        err: t.err,
        memo: null,
        blockTime: t.blockTime,
        confirmationStatus: chain.commitment(t),
      }));
    },
  };
}
