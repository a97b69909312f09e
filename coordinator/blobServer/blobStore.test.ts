import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha256";
import { bytesToHex } from "@noble/hashes/utils";
import {
  CONCORD_ERROR__PEER__BLOB_HASH_MISMATCH,
  CONCORD_ERROR__PEER__INVALID_BLOB_HASH,
} from "../../sdk/errors/codes";
import { expectConcordError } from "../../tests/helpers/expectConcordError";
import { BlobStore, isBlobHash } from "./blobStore";

let dir: string;
let store: BlobStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "concord-store-"));
  store = new BlobStore(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const bytes = Buffer.from("checkpoint bytes");
const hash = bytesToHex(sha256(bytes));

it("stores bytes under their sha256 once, leaving no temporary file", () => {
  expect(store.put(hash, bytes)).toBe(true);
  expect(store.put(hash, bytes)).toBe(false);
  expect(readdirSync(dir)).toEqual([hash]);
  expect(readFileSync(store.pathOf(hash)).equals(bytes)).toBe(true);
  expect(store.sizeOf(hash)).toBe(bytes.length);
  expect(store.sizeOf("0".repeat(64))).toBeUndefined();
});

it("refuses bytes that do not hash to the name, storing nothing", () => {
  const e = expectConcordError(() => store.put("1".repeat(64), bytes), CONCORD_ERROR__PEER__BLOB_HASH_MISMATCH);
  expect(e.message).toContain(hash);
  expect(readdirSync(dir)).toEqual([]);
});

it.each(["../package.json", "..", "", hash.toUpperCase(), hash + "0", `${hash.slice(0, 62)}/x`])(
  "refuses the name %j: only 64 lowercase hex digits name a blob",
  (name) => {
    expect(isBlobHash(name)).toBe(false);
    expectConcordError(() => store.pathOf(name), CONCORD_ERROR__PEER__INVALID_BLOB_HASH);
  },
);
