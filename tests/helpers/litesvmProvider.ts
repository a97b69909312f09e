// An @coral-xyz/anchor Provider over the litesvm test chain, so tests drive the program through the same
// `Program` client users get, without a validator. Errors surface as web3.js SendTransactionError with logs,
// which Anchor translates into AnchorError using the IDL's error table.
import type { Provider } from "@coral-xyz/anchor";
import { utils, Wallet } from "@coral-xyz/anchor";
import type {
  Connection,
  Keypair,
  Signer,
  SimulatedTransactionResponse,
  PublicKey,
  Transaction,
} from "@solana/web3.js";
import { SendTransactionError, VersionedTransaction } from "@solana/web3.js";
import { getTransactionDecoder } from "@solana/kit";
import { FailedTransactionMetadata } from "litesvm";
import type { TestChain } from "./testChain";

export class LiteSvmProvider implements Provider {
  readonly wallet: Wallet;
  readonly publicKey: PublicKey;
  readonly connection: Connection;
  /** Compute units of the last transaction sent, for CU tables. */
  lastComputeUnits = 0;

  constructor(
    readonly chain: TestChain,
    payer: Keypair = chain.payer,
  ) {
    this.wallet = new Wallet(payer);
    this.publicKey = payer.publicKey;
    const info = (key: PublicKey) => {
      const a = chain.account(key);
      return (
        a && { data: a.data, owner: a.owner, lamports: Number(a.lamports), executable: a.executable, rentEpoch: 0 }
      );
    };
    const slot = () => Number(chain.svm.getClock().slot);
    this.connection = {
      getAccountInfo: async (key: PublicKey) => info(key),
      getAccountInfoAndContext: async (key: PublicKey) => ({ context: { slot: slot() }, value: info(key) }),
      getMultipleAccountsInfo: async (keys: PublicKey[]) => keys.map(info),
      getMultipleAccountsInfoAndContext: async (keys: PublicKey[]) => ({
        context: { slot: slot() },
        value: keys.map(info),
      }),
      getMinimumBalanceForRentExemption: async (n: number) =>
        Number(chain.svm.minimumBalanceForRentExemption(BigInt(n))),
      getLatestBlockhash: async () => ({ blockhash: chain.svm.latestBlockhash(), lastValidBlockHeight: slot() + 150 }),
    } as unknown as Connection;
  }

  private async prepare(tx: Transaction | VersionedTransaction, signers: Signer[]): Promise<Transaction> {
    if (tx instanceof VersionedTransaction) throw new Error("LiteSvmProvider sends legacy transactions only");
    tx.feePayer ??= this.publicKey;
    tx.recentBlockhash = this.chain.svm.latestBlockhash();
    signers.forEach((s) => tx.partialSign(s));
    return this.wallet.signTransaction(tx);
  }

  async sendAndConfirm(tx: Transaction | VersionedTransaction, signers: Signer[] = []): Promise<string> {
    const signed = await this.prepare(tx, signers);
    const signature = utils.bytes.bs58.encode(signed.signature!);
    const res = this.chain.svm.sendTransaction(getTransactionDecoder().decode(signed.serialize()) as never);
    this.chain.svm.expireBlockhash();
    if (res instanceof FailedTransactionMetadata) {
      throw new SendTransactionError({
        action: "send",
        signature,
        transactionMessage: res.toString(),
        logs: res.meta().logs(),
      });
    }
    this.lastComputeUnits = Number(res.computeUnitsConsumed());
    return signature;
  }

  async simulate(tx: Transaction | VersionedTransaction, signers: Signer[] = []) {
    const signed = await this.prepare(tx, signers);
    const res = this.chain.svm.simulateTransaction(getTransactionDecoder().decode(signed.serialize()) as never);
    if (res instanceof FailedTransactionMetadata) {
      throw new SendTransactionError({
        action: "simulate",
        signature: "",
        transactionMessage: res.toString(),
        logs: res.meta().logs(),
      });
    }
    const meta = res.meta();
    const response: SimulatedTransactionResponse & { logs: string[] } = {
      err: null,
      logs: meta.logs(),
      unitsConsumed: Number(meta.computeUnitsConsumed()),
      accounts: null,
    };
    return response;
  }
}
