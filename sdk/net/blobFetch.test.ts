import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha256";
import { bytesToHex } from "@noble/hashes/utils";
import { startBlobServer, type BlobServer } from "../../coordinator/blobServer/blobServer";
import { within } from "../../tests/helpers/within";
import { fetchBlob } from "./blobFetch";

const data = Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 7) % 256));
const hash = sha256(data);
const hex = bytesToHex(hash);

let dir: string;
let good: BlobServer;
const extra: Server[] = [];

/** A raw server for misbehaviour the real one never shows; resolves to its base URL. */
async function rawServer(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const s = createServer(handler);
  extra.push(s);
  await new Promise<void>((ok) => s.listen(0, "127.0.0.1", ok));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "concord-fetch-"));
  writeFileSync(join(dir, hex), data);
  good = await startBlobServer({ dir });
});

afterEach(async () => {
  await good.close();
  for (const s of extra.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((ok) => s.close(() => ok()));
  }
  rmSync(dir, { recursive: true, force: true });
});

it("fetches a blob and checks it against its hash, reporting progress", async () => {
  const seen: number[] = [];
  const bytes = await within(
    fetchBlob([good.url], hash, { onProgress: (n, total) => seen.push(n, total ?? -1) }),
    "fetch",
  );
  expect(Buffer.from(bytes).equals(data)).toBe(true);
  expect(seen.at(-2)).toBe(data.length);
  expect(seen.at(-1)).toBe(data.length);
});

it("refuses a server's corrupted bytes and falls back to the next", async () => {
  const bad = await rawServer((_req, res) => {
    const wrong = Buffer.from(data);
    wrong[100] ^= 1;
    res.writeHead(200, { "Content-Length": wrong.length });
    res.end(wrong);
  });
  const refused: string[] = [];
  const onFailure = (url: string, reason: string) => refused.push(`${url}: ${reason}`);
  const bytes = await within(fetchBlob([bad, good.url], hex, { onFailure }), "fetch with fallback");
  expect(Buffer.from(bytes).equals(data)).toBe(true);
  expect(refused).toEqual([expect.stringMatching(new RegExp(`^${bad}: wrong bytes \\(sha256 [0-9a-f]{64}\\)$`))]);
  await expect(within(fetchBlob([bad], hex), "fetch from the bad one")).rejects.toThrow(/wrong bytes/);
});

/** How a server's first answer (without a Range) ends after 1000 bytes: cut, or stalled. */
const firstAnswers: [string, (res: ServerResponse) => void, { idleTimeoutMs?: number }, unknown][] = [
  // the client asks for the rest, from wherever the cut left it
  [
    "cut mid-body",
    (res) => res.write(data.subarray(0, 1000), () => res.destroy()),
    {},
    expect.stringMatching(/^bytes=[1-9]\d*-$/),
  ],
  // cut off after the idle timeout and resumed from byte 1000
  ["stalled mid-body", (res) => res.write(data.subarray(0, 1000)), { idleTimeoutMs: 300 }, "bytes=1000-"],
];

it.each(firstAnswers)("resumes a download %s with a Range request", async (_, firstAnswer, options, range) => {
  // Given: a server whose first answer ends after 1000 bytes, and which serves ranges in full
  const ranges: string[] = [];
  const server = await rawServer((req, res) => {
    const asked = req.headers.range;
    if (!asked) {
      res.writeHead(200, { "Content-Length": data.length });
      return firstAnswer(res);
    }
    ranges.push(asked);
    const start = Number(/bytes=(\d+)-/.exec(asked)![1]);
    res.writeHead(206, {
      "Content-Length": data.length - start,
      "Content-Range": `bytes ${start}-${data.length - 1}/${data.length}`,
    });
    res.end(data.subarray(start));
  });
  // When / Then: the client asks once for the rest and the whole blob checks out
  const bytes = await within(fetchBlob([server], hash, options), "resumed fetch");
  expect(Buffer.from(bytes).equals(data)).toBe(true);
  expect(ranges).toEqual([range]);
});

it("skips a server that never answers for the next", async () => {
  const silent = await rawServer(() => {});
  const refused: string[] = [];
  const onFailure = (url: string, reason: string) => refused.push(`${url}: ${reason}`);
  const bytes = await within(fetchBlob([silent, good.url], hash, { idleTimeoutMs: 300, onFailure }), "fetch");
  expect(Buffer.from(bytes).equals(data)).toBe(true);
  expect(refused).toEqual([`${silent}: nothing received for 300 ms`]);
});

it("throws listing each server's failure when none gives the right bytes", async () => {
  const missing = bytesToHex(sha256(Buffer.from("nobody has this")));
  const down = await rawServer((_req, res) => {
    res.writeHead(500);
    res.end("boom");
  });
  const e = await within(fetchBlob([good.url, down], missing), "failing fetch").catch((x: Error) => x);
  expect(e).toBeInstanceOf(Error);
  expect((e as Error).message).toContain(`${good.url}: HTTP 404`);
  expect((e as Error).message).toContain(`${down}: HTTP 500: boom`);
});

it("refuses a hash that is not a sha256", async () => {
  await expect(fetchBlob([good.url], "abc")).rejects.toThrow(/not a blob hash/);
});
