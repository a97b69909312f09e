// A JSON-RPC Connection for long-running clients (trainer, crank) that rides out an RPC node it cannot reach for a
// while (a restarted validator or local chain, a network blip): a request whose transport fails is sent again with
// backoff, for up to outageMs, instead of failing the caller at once. A request the node answered, with an error or
// not, is never repeated, and a resent sendTransaction carries the same signed bytes, which a cluster takes at most
// once (TransactionSender confirms such a transaction as its own). web3.js itself reopens its websocket and
// subscribes again after it drops; what was missed meanwhile the caller catches up on (ChainFollower polls).
import type { Commitment } from "@solana/web3.js";
import { Connection } from "@solana/web3.js";

export interface RpcConnectionOptions {
  /** Default "confirmed". */
  commitment?: Commitment;
  /** How long a request keeps being retried while the node is unreachable, in ms (default 120 s). */
  outageMs?: number;
  /** Told once when the node stops answering and once when it answers again: a warning line for the operator. */
  onOutage?: (message: string) => void;
}

const FIRST_RETRY_MS = 200;
const MAX_RETRY_MS = 2000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Why a fetch failed, in a few words (undici puts the socket error's code on `cause`). */
function transportReason(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
}

/** `fetch` that retries transport failures (never answers) for up to `outageMs`, reporting the outage once. */
export function retryingFetch(url: string, o: RpcConnectionOptions = {}): typeof fetch {
  const outageMs = o.outageMs ?? 120_000;
  let downSince: number | undefined;
  return async (input, init) => {
    const started = Date.now();
    for (let wait = FIRST_RETRY_MS; ; wait = Math.min(2 * wait, MAX_RETRY_MS)) {
      try {
        const response = await fetch(input, init);
        if (downSince !== undefined) {
          o.onOutage?.(`RPC ${url} reachable again after ${((Date.now() - downSince) / 1000).toFixed(1)} s`);
          downSince = undefined;
        }
        return response;
      } catch (e) {
        if (init?.signal?.aborted) throw e;
        // This module's Error, not the fetch's own: web3.js drops a failure that is no `instanceof Error` in its realm
        if (Date.now() - started + wait > outageMs)
          throw new Error(`RPC ${url} unreachable for ${outageMs / 1000} s (${transportReason(e)})`, { cause: e });
        if (downSince === undefined) {
          downSince = Date.now();
          o.onOutage?.(
            `RPC ${url} unreachable (${transportReason(e)}); retrying its requests for up to ${outageMs / 1000} s`,
          );
        }
        await sleep(wait);
      }
    }
  };
}

/** A Connection to `url` whose HTTP requests ride out an outage of up to `outageMs` (see retryingFetch). */
export function rpcConnection(url: string, o: RpcConnectionOptions = {}): Connection {
  return new Connection(url, { commitment: o.commitment ?? "confirmed", fetch: retryingFetch(url, o) });
}
