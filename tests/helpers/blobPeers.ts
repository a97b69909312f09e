// Two members of a run on 127.0.0.1 for tests of what falls back on peers: `holder` serves its shelf, and `fetch`
// asks for blobs as the other member (UpdateExchange.fetchBlob over a real connection).
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { Keypair } from "@solana/web3.js";
import type { BlobShelf, BlobSource } from "../../trainer/node/peerBlobs";
import type { ExchangeLimits } from "../../trainer/node/updateExchange";
import { UpdateExchange } from "../../trainer/node/updateExchange";
import { UpdateStore } from "../../trainer/node/updateStore";

export async function blobPeers(dir: string, shelf: BlobShelf, limits: Partial<ExchangeLimits> = {}) {
  const run = Keypair.generate().publicKey;
  const keys = [Keypair.generate(), Keypair.generate()];
  const start = (keypair: Keypair, blobs?: BlobShelf) =>
    UpdateExchange.start({
      run,
      keypair,
      listen: { host: "127.0.0.1", port: 0 },
      store: UpdateStore.open(mkdtempSync(join(dir, "peer-store-"))),
      blobs,
      chain: {
        receipt: () => Promise.resolve(null),
        isMember: (m) => keys.some((k) => k.publicKey.equals(m)),
        oldestLiveStep: () => 0,
      },
      validate: () => {},
      limits: { fetchRetryMs: 50, blobWaitMs: 2_000, ...limits },
    });
  const holder = await start(keys[0], shelf);
  const asker = await start(keys[1]);
  asker.setPeers([holder.url]);
  const fetch: BlobSource = (hash, options) => asker.fetchBlob(hash, options);
  return {
    fetch,
    /** How the asker names the holder in its failures: `peer <key>`. */
    holderName: `peer ${keys[0].publicKey.toBase58()}`,
    close: () => Promise.all([holder.close(), asker.close()]),
  };
}
