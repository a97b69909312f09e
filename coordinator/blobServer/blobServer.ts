// `concord serve`: content-addressed HTTP over a BlobStore (`/blob/<sha256>`), and the receipt metadata members
// publish, filed by the receipt it describes (`/metadata/<metadataKey>`, MetadataStore). None is trusted: clients
// check every byte against a hash from the chain and every metadata against its member's signature, so this server
// only has to be correct about names and bounded in what it costs to run.
import { createReadStream } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { listenHttp } from "../httpListen";
import { isConcordError } from "../../sdk/errors/concordError";
import { CONCORD_ERROR__PEER__METADATA_CONFLICT } from "../../sdk/errors/codes";
import { MAX_RECEIPT_METADATA_BYTES } from "../../sdk/receiptMetadata";
import { BlobStore, isBlobHash } from "./blobStore";
import { MetadataStore } from "./metadataStore";

export interface BlobServerOptions {
  dir: string;
  host?: string;
  port?: number;
  /** PUT is refused (403) unless true: an open store would let anyone fill the disk. */
  acceptUploads?: boolean;
  maxUploadBytes?: number;
  /** Requests in flight at once; more get 503 with Retry-After, and never touch the store. */
  maxConcurrent?: number;
  /** Told of every answer once sent (metrics): the request's method and the status. */
  onResponse?: (method: string, status: number) => void;
}

export interface BlobServer {
  url: string;
  store: BlobStore;
  close(): Promise<void>;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_CONCURRENT = 64;
const IMMUTABLE = "public, max-age=31536000, immutable";

function fail(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", Connection: "close", ...headers });
  res.end(message + "\n");
}

type Range = { start: number; end: number } | "whole" | "unsatisfiable";

/**
 * One `bytes=` range against a blob of `size` bytes. Several ranges (multipart) are answered with 416: no client
 * of ours asks for them, and refusing keeps the server simple. A header that is not a byte range is ignored
 * (whole blob), as RFC 9110 allows.
 */
export function parseRange(header: string | undefined, size: number): Range {
  if (header === undefined) return "whole";
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return header.trim().startsWith("bytes=") ? "unsatisfiable" : "whole";
  const [, a, b] = m;
  if (a === "" && b === "") return "unsatisfiable";
  if (a === "") {
    const n = Number(b); // suffix: the last n bytes
    return n === 0 || size === 0 ? "unsatisfiable" : { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === "" ? size - 1 : Math.min(Number(b), size - 1);
  return start >= size || start > end ? "unsatisfiable" : { start, end };
}

function serveBlob(store: BlobStore, hash: string, req: IncomingMessage, res: ServerResponse): void {
  const size = store.sizeOf(hash);
  if (size === undefined) return fail(res, 404, `no blob ${hash}`);
  const etag = `"${hash}"`;
  const common = { ETag: etag, "Accept-Ranges": "bytes", "Cache-Control": IMMUTABLE };
  const inm = req.headers["if-none-match"];
  if (inm !== undefined && (inm.trim() === "*" || inm.split(",").some((t) => t.trim() === etag))) {
    res.writeHead(304, common);
    return void res.end();
  }
  const range = parseRange(req.headers.range, size);
  if (range === "unsatisfiable") {
    return fail(res, 416, `range ${req.headers.range} not satisfiable for ${size} bytes`, {
      "Content-Range": `bytes */${size}`,
    });
  }
  const { start, end } = range === "whole" ? { start: 0, end: size - 1 } : range;
  const length = size === 0 ? 0 : end - start + 1;
  const headers: Record<string, string | number> = {
    ...common,
    "Content-Type": "application/octet-stream",
    "Content-Length": length,
  };
  if (range !== "whole") headers["Content-Range"] = `bytes ${start}-${end}/${size}`;
  res.writeHead(range === "whole" ? 200 : 206, headers);
  if (req.method === "HEAD" || length === 0) return void res.end();
  createReadStream(store.pathOf(hash), { start, end })
    .on("error", () => res.destroy())
    .pipe(res);
}

/** The metadata filed under a receipt's key: small, so always whole (a Range header is ignored, as RFC 9110 allows). */
function serveMetadata(store: MetadataStore, key: string, req: IncomingMessage, res: ServerResponse): void {
  const bytes = store.get(key);
  if (!bytes) return fail(res, 404, `no receipt metadata filed as ${key}`);
  res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": bytes.length });
  res.end(req.method === "HEAD" ? undefined : bytes);
}

/**
 * Reads an upload of at most `limit` bytes and hands it to `put` (true: stored, false: held already); a refusal
 * `put` throws is 409 when `conflict(e)`, else 422.
 */
function receive(
  hash: string,
  limit: number,
  put: (bytes: Uint8Array) => boolean,
  req: IncomingMessage,
  res: ServerResponse,
  conflict: (e: unknown) => boolean = () => false,
): void {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) return fail(res, 413, `upload over ${limit} bytes`);
  const chunks: Buffer[] = [];
  let received = 0;
  let refused = false;
  req.on("data", (chunk: Buffer) => {
    if (refused) return;
    received += chunk.length;
    if (received > limit) {
      // Stop reading: answer now and close, rather than buffering an attacker's stream.
      refused = true;
      req.pause();
      res.on("finish", () => req.destroy()); // after the answer is flushed, so the client reads why
      fail(res, 413, `upload over ${limit} bytes`);
      return;
    }
    chunks.push(chunk);
  });
  req.on("end", () => {
    if (refused) return;
    let created: boolean;
    try {
      created = put(Buffer.concat(chunks));
    } catch (e) {
      return fail(res, conflict(e) ? 409 : 422, `refused: ${(e as Error).message}`);
    }
    res.writeHead(created ? 201 : 200, { "Content-Type": "text/plain; charset=utf-8", ETag: `"${hash}"` });
    res.end(`${created ? "stored" : "already stored"} ${hash}\n`);
  });
}

/** Starts serving `opts.dir`; resolves once listening (port 0 picks a free port, read back from `url`). */
export async function startBlobServer(opts: BlobServerOptions): Promise<BlobServer> {
  const store = new BlobStore(opts.dir);
  const metadata = new MetadataStore(store.dir);
  const maxUpload = opts.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const maxConcurrent = opts.maxConcurrent ?? DEFAULT_MAX_CONCURRENT;
  let inFlight = 0;

  const server: Server = createServer((req, res) => {
    if (opts.onResponse) res.once("close", () => opts.onResponse!(req.method ?? "", res.statusCode));
    if (inFlight >= maxConcurrent) return fail(res, 503, "busy: too many requests", { "Retry-After": "1" });
    inFlight++;
    res.on("close", () => inFlight--);
    const url = req.url ?? "";
    // Exact match on the raw path: `..`, `%2e%2e` or any other name is not 64 hex digits, so never reaches the disk.
    const m = /^\/(blob|metadata)\/([^/?#]*)$/.exec(url);
    if (!m) return fail(res, 404, `no such path: ${url.slice(0, 200)}`);
    const [, kind, name] = m;
    if (!isBlobHash(name)) return fail(res, 400, "malformed hash: want 64 lowercase hex digits");
    if (req.method === "GET" || req.method === "HEAD")
      return kind === "blob" ? serveBlob(store, name, req, res) : serveMetadata(metadata, name, req, res);
    if (req.method === "PUT") {
      if (!opts.acceptUploads) return fail(res, 403, "uploads are off (start with --accept-uploads)");
      if (kind === "blob") return receive(name, maxUpload, (bytes) => store.put(name, bytes), req, res);
      const isConflict = (e: unknown) => isConcordError(e) && e.code === CONCORD_ERROR__PEER__METADATA_CONFLICT;
      return receive(name, MAX_RECEIPT_METADATA_BYTES, (bytes) => metadata.put(name, bytes), req, res, isConflict);
    }
    fail(res, 405, `method ${req.method} not allowed`, { Allow: "GET, HEAD, PUT" });
  });
  // Idle or slow clients cannot hold sockets forever; these bound what a flood of connections costs.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  server.maxConnections = maxConcurrent * 4;

  const { url, close } = await listenHttp(server, opts.host ?? "127.0.0.1", opts.port ?? 0);
  return { url, store, close };
}
