// Downloads a content-addressed blob from any of several untrusted servers: the bytes count only if they hash to
// the name the chain holds. A server that drops mid-body is asked for the rest with a Range request; one that
// errs or serves wrong bytes is skipped for the next.
import { sha256 } from "@noble/hashes/sha256";
import { bytesToHex } from "@noble/hashes/utils";
import { ConcordError, isConcordError } from "../errors/concordError";
import {
  CONCORD_ERROR__PEER__BLOB_TOO_LARGE,
  CONCORD_ERROR__PEER__BLOB_UNAVAILABLE,
  CONCORD_ERROR__PEER__INVALID_BLOB_HASH,
} from "../errors/codes";

export interface FetchBlobOptions {
  /** Called as bytes arrive: bytes held so far and the blob's size when a server has said it. */
  onProgress?: (received: number, total: number | undefined) => void;
  /** Range requests tried per server after a dropped body, before moving on. */
  maxResumes?: number;
  /** Refuse blobs larger than this (a hostile server could otherwise stream forever). */
  maxBytes?: number;
  /** A server that sends nothing for this long is cut off: resumed like a dropped body, then skipped (default 30 s). */
  idleTimeoutMs?: number;
  /** Called for each server that gave nothing usable, before the next is tried (so a refusal is seen even when a later server serves the blob). */
  onFailure?: (url: string, reason: string) => void;
}

const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

function totalFrom(res: Response): number | undefined {
  const range = res.headers.get("content-range");
  const m = range ? /\/(\d+)$/.exec(range) : null;
  if (m) return Number(m[1]);
  const length = res.headers.get("content-length");
  return length === null ? undefined : Number(length);
}

/** Reads the body into `parts`, adding to `held`; rejects if the connection drops, keeping what arrived. */
async function readBody(
  res: Response,
  state: { parts: Uint8Array[]; held: number },
  limit: number,
  onChunk: () => void,
): Promise<void> {
  if (!res.body) return;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    state.held += value.length;
    if (state.held > limit) throw new ConcordError(CONCORD_ERROR__PEER__BLOB_TOO_LARGE, { limit });
    state.parts.push(value);
    onChunk();
  }
}

/** One request's answer, given up on when the server sends nothing for `ms` (a stalled server must not hold us). */
async function withIdleTimeout<T>(ms: number, request: (signal: AbortSignal, alive: () => void) => Promise<T>) {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const alive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => abort.abort(new Error(`nothing received for ${ms} ms`)), ms);
  };
  alive();
  try {
    return await request(abort.signal, alive);
  } finally {
    clearTimeout(timer);
  }
}

/** The bytes one server gives (unverified), or why it gave none; a dropped or stalled body is resumed by range. */
async function fetchFrom(base: string, hex: string, opts: FetchBlobOptions): Promise<Uint8Array | string> {
  const url = `${base.replace(/\/+$/, "")}/blob/${hex}`;
  const limit = opts.maxBytes ?? Number.MAX_SAFE_INTEGER;
  const state = { parts: [] as Uint8Array[], held: 0 };
  let total: number | undefined;
  let lastFailure = "";
  for (let attempt = 0; attempt <= (opts.maxResumes ?? 3); attempt++) {
    const headers: Record<string, string> = state.held > 0 ? { Range: `bytes=${state.held}-` } : {};
    const answer = await withIdleTimeout(opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, async (signal, alive) => {
      const res = await fetch(url, { headers, signal });
      if (state.held > 0 && res.status !== 206) {
        // The server ignored the range: start over with its whole answer.
        state.parts = [];
        state.held = 0;
      }
      if (res.status !== 200 && res.status !== 206) {
        const text = (await res.text().catch(() => "")).trim().slice(0, 200);
        return `HTTP ${res.status}${text ? `: ${text}` : ""}`;
      }
      total = totalFrom(res) ?? total;
      try {
        await readBody(res, state, limit, () => {
          alive();
          opts.onProgress?.(state.held, total);
        });
        if (total === undefined || state.held >= total) return Buffer.concat(state.parts);
        lastFailure = `body ended at ${state.held} of ${total} bytes`;
      } catch (e) {
        if (isConcordError(e, CONCORD_ERROR__PEER__BLOB_TOO_LARGE)) throw e;
        // connection dropped or stalled: resume from what arrived
        lastFailure = signal.aborted ? (signal.reason as Error).message : (e as Error).message;
      }
      return null;
    });
    if (answer !== null) return answer;
  }
  return `gave up resuming: ${lastFailure}`;
}

/**
 * The blob named `hash` (32 bytes or 64 hex digits), from the first of `urls` that serves the right bytes.
 * Throws, listing each server's failure, when none does.
 */
export async function fetchBlob(
  urls: string[],
  hash: Uint8Array | string,
  opts: FetchBlobOptions = {},
): Promise<Uint8Array> {
  const hex = typeof hash === "string" ? hash.toLowerCase() : bytesToHex(hash);
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new ConcordError(CONCORD_ERROR__PEER__INVALID_BLOB_HASH, { name: JSON.stringify(hex) });
  const failures: string[] = [];
  const failed = (url: string, reason: string) => {
    failures.push(`${url}: ${reason}`);
    opts.onFailure?.(url, reason);
  };
  for (const url of urls) {
    try {
      const bytes = await fetchFrom(url, hex, opts);
      if (typeof bytes === "string") {
        failed(url, bytes);
        continue;
      }
      const actual = bytesToHex(sha256(bytes));
      if (actual === hex) return bytes;
      failed(url, `wrong bytes (sha256 ${actual})`);
    } catch (e) {
      const cause = (e as Error).cause; // fetch's own message is only "fetch failed"; the cause says why
      failed(url, `${(e as Error).message}${cause instanceof Error ? ` (${cause.message})` : ""}`);
    }
  }
  throw new ConcordError(CONCORD_ERROR__PEER__BLOB_UNAVAILABLE, {
    hash: hex,
    failures: failures.join("; ") || "no servers given",
  });
}

/** Uploads `bytes` to a server that takes uploads, under their sha256; rejects with the server's answer otherwise. */
export async function putBlob(url: string, bytes: Uint8Array): Promise<void> {
  const hex = bytesToHex(sha256(bytes));
  const res = await fetch(`${url.replace(/\/+$/, "")}/blob/${hex}`, {
    method: "PUT",
    body: new Blob([bytes as Uint8Array<ArrayBuffer>]),
  });
  if (res.status === 200 || res.status === 201) return;
  const text = (await res.text().catch(() => "")).trim().slice(0, 200);
  throw new Error(`${url} refused blob ${hex}: HTTP ${res.status}${text ? `: ${text}` : ""}`);
}
