// A JSON-RPC Connection for long-running clients (trainer, crank) that rides out an RPC node it cannot reach for a
// while (a restarted validator or local chain, a network blip): a request whose transport fails is sent again with
// backoff, for up to outageMs, instead of failing the caller at once. A request the node answered, with an error or
// not, is never repeated, and a resent sendTransaction carries the same signed bytes, which a cluster takes at most
// once (TransactionSender confirms such a transaction as its own). web3.js itself reopens its websocket and
// subscribes again after it drops; what was missed meanwhile the caller catches up on (ChainFollower polls).
// Every attempt is also told to onRequest (method, time, failure): the chain RPC metrics of coordinator/metrics/.
import type { Commitment } from "@solana/web3.js";
import { Connection } from "@solana/web3.js";

export interface RpcConnectionOptions {
  /** Default "confirmed". */
  commitment?: Commitment;
  /** How long a request keeps being retried while the node is unreachable, in ms (default 120 s). */
  outageMs?: number;
  /** Told once when the node stops answering and once when it answers again: a warning line for the operator. */
  onOutage?: (message: string) => void;
  /** Told of every attempt at a request: answered (with or without an error) or failed in transport (metrics). */
  onRequest?: (call: RpcCall) => void;
}

/** One attempt at a JSON-RPC request: its method ("batch" for several), its time, and what failed, if anything. */
export interface RpcCall {
  readonly method: string;
  readonly seconds: number;
  /** transport: no answer; http: a non-2xx status; rpc: a JSON-RPC error in the answer. */
  readonly error?: "transport" | "http" | "rpc";
}

const FIRST_RETRY_MS = 200;
const MAX_RETRY_MS = 2000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Why a fetch failed, in a few words (undici puts the socket error's code on `cause`). */
function transportReason(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
}

const methodOf = (body: unknown): string =>
  typeof body !== "string"
    ? "unknown"
    : body.startsWith("[")
      ? "batch"
      : (/"method":"(\w+)"/.exec(body)?.[1] ?? "unknown");

/** Whether an answered request failed: its HTTP status, else an error in its JSON-RPC body (read from a clone). */
async function answerError(response: Response): Promise<RpcCall["error"]> {
  if (!response.ok) return "http";
  try {
    const text = await response.clone().text();
    if (!text.includes('"error"')) return undefined;
    const body = JSON.parse(text) as { error?: unknown } | { error?: unknown }[];
    return (Array.isArray(body) ? body : [body]).some((b) => b.error !== undefined) ? "rpc" : undefined;
  } catch {
    return "http"; // an answer that is no JSON: the caller fails on it too
  }
}

/** `fetch` that retries transport failures (never answers) for up to `outageMs`, reporting the outage once. */
export function retryingFetch(url: string, o: RpcConnectionOptions = {}): typeof fetch {
  const outageMs = o.outageMs ?? 120_000;
  let downSince: number | undefined;
  return async (input, init) => {
    const started = Date.now();
    const method = o.onRequest ? methodOf(init?.body) : "";
    for (let wait = FIRST_RETRY_MS; ; wait = Math.min(2 * wait, MAX_RETRY_MS)) {
      const attempt = performance.now();
      const seconds = () => (performance.now() - attempt) / 1000;
      let response: Response;
      try {
        response = await fetch(input, init);
      } catch (e) {
        if (init?.signal?.aborted) throw e;
        o.onRequest?.({ method, seconds: seconds(), error: "transport" });
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
        continue;
      }
      if (o.onRequest) o.onRequest({ method, error: await answerError(response), seconds: seconds() });
      if (downSince !== undefined) {
        o.onOutage?.(`RPC ${url} reachable again after ${((Date.now() - downSince) / 1000).toFixed(1)} s`);
        downSince = undefined;
      }
      return response;
    }
  };
}

/** A Connection to `url` whose HTTP requests ride out an outage of up to `outageMs` (see retryingFetch). */
export function rpcConnection(url: string, o: RpcConnectionOptions = {}): Connection {
  return new Connection(url, { commitment: o.commitment ?? "confirmed", fetch: retryingFetch(url, o) });
}
