// The run creator's checkpoint publisher in the test's process, as `concord serve --checkpoints` runs it beside its
// data server: it stores checkpoints in `blobs` and reads the members' uploaded updates from it.
import { sha256 } from "@noble/hashes/sha256";
import { bytesToHex } from "@noble/hashes/utils";
import type { Connection, Keypair, PublicKey } from "@solana/web3.js";
import type { BlobServer } from "../../coordinator/blobServer/blobServer";
import { providerFor } from "../../coordinator/localnet/localnetClient";
import { decodeRun } from "../../sdk/coordinatorAccounts";
import { coordinatorProgram } from "../../sdk/coordinatorProgram";
import type { TrainingRecipe } from "../../sdk/trainingRecipe";
import { TransactionSender } from "../../sdk/transactionSender";
import type { PublishedCheckpoint } from "../../trainer/checkpoint/checkpointPublisher";
import { CheckpointPublisher } from "../../trainer/checkpoint/checkpointPublisher";
import type { Dataset } from "../../trainer/data/tokenShards";

/** Starts following the run from its state now: what it published, each failure, and `stop` (which awaits it). */
export async function followCheckpoints(
  connection: Connection,
  o: {
    authority: Keypair;
    run: PublicKey;
    recipe: TrainingRecipe;
    dataset: Dataset;
    blobs: BlobServer;
    /** Stops publishing once this holds of a checkpoint just published. */
    stopAfter?: (c: PublishedCheckpoint) => boolean;
  },
) {
  const { authority, run, blobs } = o;
  const program = coordinatorProgram(providerFor(connection, authority));
  const info = await connection.getAccountInfo(run, "confirmed");
  const publisher = new CheckpointPublisher(
    {
      program,
      sender: new TransactionSender(connection, authority),
      authority: authority.publicKey,
      run,
      recipe: o.recipe,
      dataset: o.dataset,
      store: (bytes) => void blobs.store.put(bytesToHex(sha256(bytes)), bytes),
      uri: blobs.url,
      servers: [blobs.url],
    },
    decodeRun(info!.data, run.toBase58()),
  );
  const published: PublishedCheckpoint[] = [];
  const failures: string[] = [];
  const abort = new AbortController();
  const following = publisher.follow(abort.signal, {
    onPublished: (c) => {
      published.push(c);
      if (o.stopAfter?.(c)) abort.abort();
    },
    onError: (e) => failures.push(e.message),
  });
  return {
    programId: program.programId,
    published,
    failures,
    stop: async () => {
      abort.abort();
      await following;
    },
  };
}
