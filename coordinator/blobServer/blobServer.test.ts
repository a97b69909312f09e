import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { request, type ClientRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha256";
import { bytesToHex } from "@noble/hashes/utils";
import { Keypair } from "@solana/web3.js";
import { fetchMetadata, putMetadata } from "../../sdk/net/metadataFetch";
import type { ReceiptMetadata } from "../../sdk/receiptMetadata";
import { encodeReceiptMetadata, metadataKey } from "../../sdk/receiptMetadata";
import { within } from "../../tests/helpers/within";
import { parseRange, startBlobServer, type BlobServer } from "./blobServer";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

// Raw node:http, not fetch: fetch would normalize `..` away before it reached the server.
function send(server: BlobServer, method: string, path: string, headers = {}, body?: Buffer): Promise<Reply> {
  const { hostname, port } = new URL(server.url);
  const done = new Promise<Reply>((ok, bad) => {
    const req = request({ hostname, port, method, path, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on("error", bad);
    req.end(body);
  });
  return within(done, `${method} ${path}`);
}

const hexOf = (b: Uint8Array) => bytesToHex(sha256(b));
const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
const hash = hexOf(data);

let dir: string;
let server: BlobServer;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "concord-blobs-"));
  writeFileSync(join(dir, hash), data);
  server = await startBlobServer({ dir, acceptUploads: true, maxUploadBytes: 4096, maxConcurrent: 2 });
});

afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("GET and HEAD /blob/<sha256>", () => {
  it("serves the blob with its ETag, length, ranges and immutable caching", async () => {
    const r = await send(server, "GET", `/blob/${hash}`);
    expect(r.status).toBe(200);
    expect(r.body.equals(data)).toBe(true);
    expect(r.headers.etag).toBe(`"${hash}"`);
    expect(r.headers["content-length"]).toBe("1000");
    expect(r.headers["accept-ranges"]).toBe("bytes");
    expect(r.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  });

  it("HEAD gives the headers and no body", async () => {
    const r = await send(server, "HEAD", `/blob/${hash}`);
    expect(r.status).toBe(200);
    expect(r.headers["content-length"]).toBe("1000");
    expect(r.body.length).toBe(0);
  });

  it("answers If-None-Match with the blob's ETag by 304", async () => {
    const r = await send(server, "GET", `/blob/${hash}`, { "If-None-Match": `"${hash}"` });
    expect(r.status).toBe(304);
    expect(r.body.length).toBe(0);
    expect((await send(server, "GET", `/blob/${hash}`, { "If-None-Match": '"other"' })).status).toBe(200);
  });

  it.each([
    ["bytes=10-19", 10, 19],
    ["bytes=990-", 990, 999],
    ["bytes=-5", 995, 999],
    ["bytes=995-5000", 995, 999],
  ])("serves the range %s as 206", async (range, start, end) => {
    const r = await send(server, "GET", `/blob/${hash}`, { Range: range });
    expect(r.status).toBe(206);
    expect(r.headers["content-range"]).toBe(`bytes ${start}-${end}/1000`);
    expect(r.body.equals(data.subarray(start, end + 1))).toBe(true);
  });

  it.each(["bytes=20-10", "bytes=1000-", "bytes=5000-6000", "bytes=-0", "bytes=0-1,5-6", "bytes=x-y"])(
    "refuses the range %s with 416 and the size",
    async (range) => {
      const r = await send(server, "GET", `/blob/${hash}`, { Range: range });
      expect(r.status).toBe(416);
      expect(r.headers["content-range"]).toBe("bytes */1000");
    },
  );

  it("404s an unknown blob, 400s a malformed hash, 404s other paths", async () => {
    expect((await send(server, "GET", `/blob/${"0".repeat(64)}`)).status).toBe(404);
    expect((await send(server, "GET", "/blob/abc")).status).toBe(400);
    expect((await send(server, "GET", `/blob/${hash.toUpperCase()}`)).status).toBe(400);
    expect((await send(server, "GET", "/")).status).toBe(404);
    expect((await send(server, "GET", `/blobs/${hash}`)).status).toBe(404);
  });

  it.each([
    "/blob/../package.json",
    "/blob/%2e%2e/package.json",
    "/blob/%2e%2e%2fpackage.json",
    "/blob/..",
    "/../etc/passwd",
  ])("never serves a path outside the store: %s", async (path) => {
    const r = await send(server, "GET", path);
    expect([400, 404]).toContain(r.status);
    expect(r.body.toString()).not.toContain("concord");
  });

  it("405s other methods, naming the allowed ones", async () => {
    const r = await send(server, "DELETE", `/blob/${hash}`);
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe("GET, HEAD, PUT");
    expect(readdirSync(dir)).toEqual([hash]);
  });

  it("parseRange: a header that is not a byte range means the whole blob", () => {
    expect(parseRange(undefined, 10)).toBe("whole");
    expect(parseRange("items=0-1", 10)).toBe("whole");
    expect(parseRange("bytes=0-0", 10)).toEqual({ start: 0, end: 0 });
  });
});

describe("PUT /blob/<sha256>", () => {
  const blob = Buffer.from("a checkpoint");
  const name = hexOf(blob);

  it("stores bytes that hash to their name (201), and again is 200", async () => {
    expect((await send(server, "PUT", `/blob/${name}`, {}, blob)).status).toBe(201);
    expect((await send(server, "PUT", `/blob/${name}`, {}, blob)).status).toBe(200);
    expect((await send(server, "GET", `/blob/${name}`)).body.equals(blob)).toBe(true);
  });

  it("refuses bytes that do not hash to their name (422), storing nothing", async () => {
    const r = await send(server, "PUT", `/blob/${"1".repeat(64)}`, {}, blob);
    expect(r.status).toBe(422);
    expect(r.body.toString()).toContain(name);
    expect(readdirSync(dir)).toEqual([hash]);
  });

  it("refuses an oversized upload (413), storing nothing", async () => {
    const big = Buffer.alloc(5000, 7);
    expect((await send(server, "PUT", `/blob/${hexOf(big)}`, {}, big)).status).toBe(413);
    expect(readdirSync(dir)).toEqual([hash]);
  });

  it("refuses an oversized chunked upload (no Content-Length) once past the limit", async () => {
    const big = Buffer.alloc(5000, 7);
    const r = await send(server, "PUT", `/blob/${hexOf(big)}`, { "Transfer-Encoding": "chunked" }, big);
    expect(r.status).toBe(413);
    expect(readdirSync(dir)).toEqual([hash]);
  });

  it("refuses uploads (403) unless started with them on", async () => {
    const closed = await startBlobServer({ dir });
    try {
      expect((await send(closed, "PUT", `/blob/${name}`, {}, blob)).status).toBe(403);
      expect(readdirSync(dir)).toEqual([hash]);
    } finally {
      await closed.close();
    }
  });
});

describe("a flood of requests", () => {
  it("is refused with 503 and Retry-After past the cap, and a normal request succeeds after", async () => {
    // Given: two uploads held open (headers sent, body unfinished) fill the cap of 2
    const { hostname, port } = new URL(server.url);
    const held: ClientRequest[] = [];
    for (let i = 0; i < 2; i++) {
      const req = request({
        hostname,
        port,
        method: "PUT",
        path: `/blob/${"2".repeat(64)}`,
        headers: { "Content-Length": "100" },
      });
      req.on("error", () => undefined);
      req.write("x");
      held.push(req);
    }
    // When: a third arrives (retried until the held ones are counted by the server)
    const refused = async (): Promise<Reply> => {
      const r = await send(server, "GET", `/blob/${hash}`);
      return r.status === 200 ? refused() : r;
    };
    const r = await within(refused(), "a refusal");
    // Then: it is refused without touching the store
    expect(r.status).toBe(503);
    expect(r.headers["retry-after"]).toBe("1");
    for (const req of held) req.destroy();
    const served = async (): Promise<Reply> => {
      const a = await send(server, "GET", `/blob/${hash}`);
      return a.status === 503 ? served() : a;
    };
    const after = await within(served(), "a request served after the flood");
    expect(after.status).toBe(200);
    expect(readdirSync(dir)).toEqual([hash]);
  });
});

describe("receipt metadata: PUT, GET and HEAD /metadata/<key of its receipt>", () => {
  const member = Keypair.generate();
  const run = Keypair.generate().publicKey;
  const update = Buffer.from("the update's bytes");
  const record = (o: Partial<ReceiptMetadata> = {}): ReceiptMetadata => ({
    run,
    member: member.publicKey,
    epoch: 0,
    step: 4,
    updateHash: sha256(update),
    updateBytes: update.length,
    loss: 2,
    compute: { backend: "cpu", tfjsVersion: "4.22.0", wasmSimd: null, nativeKernels: null },
    ...o,
  });
  const receipt = { run, member: member.publicKey, step: 4, updateHash: sha256(update) };
  const key = bytesToHex(metadataKey(run, member.publicKey, 4, sha256(update)));
  const path = `/metadata/${key}`;
  const signed = encodeReceiptMetadata(record(), member.secretKey);
  const forged = () => Buffer.from(Buffer.from(signed).toString("latin1").replace("4.22.0", "4.22.1"), "latin1");

  it("stores metadata its member signed for that receipt, serves it, and takes the same bytes again", async () => {
    const put = await send(server, "PUT", path, {}, Buffer.from(signed));
    expect([put.status, put.body.toString()]).toEqual([201, `stored ${key}\n`]);
    const got = await send(server, "GET", path);
    expect(got.status).toBe(200);
    expect(got.body.equals(Buffer.from(signed))).toBe(true);
    const head = await send(server, "HEAD", path);
    expect([head.status, head.headers["content-length"], head.body.length]).toEqual([200, String(signed.length), 0]);
    expect((await send(server, "PUT", path, {}, Buffer.from(signed))).status).toBe(200);
  });

  it.each([
    ["bytes that are no metadata", () => Buffer.from("hello"), 422, /not msgpack|array of 10/],
    ["metadata changed after signing", forged, 422, /is not signed by that member/],
    // the same bytes committed at another step (a stale re-send) or by a copier are other receipts, filed apart
    [
      "another step's metadata of the same update",
      () => Buffer.from(encodeReceiptMetadata(record({ step: 5 }), member.secretKey)),
      422,
      /does not belong there: its key is [0-9a-f]{64}/,
    ],
    [
      "a copier's metadata of the same update",
      () => {
        const copier = Keypair.generate();
        return Buffer.from(encodeReceiptMetadata(record({ member: copier.publicKey }), copier.secretKey));
      },
      422,
      /does not belong there/,
    ],
    ["more than the metadata limit", () => Buffer.alloc(1025), 413, /upload over 1024 bytes/],
  ])("refuses %s and stores nothing", async (_, body, status, why) => {
    const r = await send(server, "PUT", path, {}, body());
    expect(r.status).toBe(status);
    expect(r.body.toString()).toMatch(why);
    expect((await send(server, "GET", path)).status).toBe(404);
  });

  it("keeps the first of two its member signed for one receipt: the second is a 409", async () => {
    expect((await send(server, "PUT", path, {}, Buffer.from(signed))).status).toBe(201);
    const other = encodeReceiptMetadata(record({ loss: 3 }), member.secretKey);
    const r = await send(server, "PUT", path, {}, Buffer.from(other));
    expect(r.status).toBe(409);
    expect(r.body.toString()).toMatch(
      /other receipt metadata is already filed as [0-9a-f]{64} \(its member signed two/,
    );
    expect((await send(server, "GET", path)).body.equals(Buffer.from(signed))).toBe(true);
  });

  it("404 for a receipt it has none for, 400 for a name that is no hash, 403 with uploads off", async () => {
    expect((await send(server, "GET", `/metadata/${"3".repeat(64)}`)).status).toBe(404);
    expect((await send(server, "GET", "/metadata/..%2f..%2fetc")).status).toBe(400);
    expect((await send(server, "GET", "/metadata/../blob")).status).toBe(404);
    await server.close();
    server = await startBlobServer({ dir });
    const r = await send(server, "PUT", path, {}, Buffer.from(signed));
    expect(r.status).toBe(403);
    expect(readdirSync(dir)).toEqual([hash]);
  });

  it("fetchMetadata skips a server whose copy its member did not sign and takes the next one's", async () => {
    // Given a second server whose folder holds a forged copy (written on its disk, as a dishonest operator would)
    await putMetadata(server.url, signed);
    const otherDir = mkdtempSync(join(tmpdir(), "concord-blobs-"));
    mkdirSync(join(otherDir, "metadata"));
    writeFileSync(join(otherDir, "metadata", key), forged());
    const liar = await startBlobServer({ dir: otherDir });
    try {
      // When a client asks the liar first
      const refused: string[] = [];
      const bytes = await fetchMetadata([liar.url, server.url], receipt, (url, why) => refused.push(`${url}: ${why}`));
      // Then the liar's copy is refused, naming why, and the signed one is taken
      expect(Buffer.from(bytes).equals(Buffer.from(signed))).toBe(true);
      expect(refused).toEqual([expect.stringMatching(/is not signed by that member$/)]);
      // and with no honest server left, one error lists each failure
      await expect(fetchMetadata([liar.url], receipt)).rejects.toThrow(
        new RegExp(
          `no server gave the receipt metadata of ${member.publicKey.toBase58()} at step 4: http:.*is not signed by that member`,
        ),
      );
    } finally {
      await liar.close();
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});
