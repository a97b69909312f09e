import { Keypair } from "@solana/web3.js";
import { Packr } from "msgpackr";
import {
  CONCORD_ERROR__PEER__INVALID_FIELD,
  CONCORD_ERROR__PEER__MALFORMED_MESSAGE,
  CONCORD_ERROR__PEER__MESSAGE_TOO_LARGE,
  CONCORD_ERROR__PEER__UNSUPPORTED_VERSION,
} from "../errors/codes";
import { expectConcordError } from "../../tests/helpers/expectConcordError";
import type { PeerMessage, RelayMessage } from "./peerMessages";
import {
  MAX_BLOB_CHUNK_BYTES,
  MAX_MESSAGE_BYTES,
  MAX_PEER_BLOB_BYTES,
  MAX_RELAY_MESSAGE_BYTES,
  MAX_UPDATE_BYTES,
  RELAY_SESSION_BYTES,
  decodePeerMessage,
  decodeRelayMessage,
  encodePeerMessage,
  encodeRelayMessage,
} from "./peerMessages";
import { signRegister, verifyRegister } from "./peerSignatures";
import { MAX_RECEIPT_METADATA_BYTES } from "../receiptMetadata";

const packr = new Packr({ useRecords: false, int64AsType: "number" });
const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill);
const run = Keypair.generate().publicKey;
const member = Keypair.generate().publicKey;
const signer = Keypair.generate();
const hash = bytes(32, 1);

const MESSAGES: Record<PeerMessage["kind"], PeerMessage> = {
  hello: { kind: "hello", run, member, timestamp: 1_760_000_000_123, nonce: bytes(32, 2), signature: bytes(64, 3) },
  announce: { kind: "announce", run, step: 2 ** 40, member, updateHash: hash, size: 1234, signature: bytes(64, 4) },
  want: { kind: "want", updateHash: hash },
  update: { kind: "update", updateHash: hash, bytes: bytes(5000, 5), metadata: bytes(300, 6) },
  missing: { kind: "missing", updateHash: hash },
  "want-blob": { kind: "want-blob", blobHash: hash, offset: 2 ** 30, length: MAX_BLOB_CHUNK_BYTES },
  blob: { kind: "blob", blobHash: hash, offset: 10, total: 5010, bytes: bytes(5000, 8) },
  "no-blob": { kind: "no-blob", blobHash: hash },
};

describe("peer messages", () => {
  it.each(Object.values(MESSAGES))("round-trips $kind", (m) => {
    const encoded = encodePeerMessage(m);
    const decoded = decodePeerMessage(encoded);
    expect(decoded).toEqual(m);
    expect(Buffer.from(encodePeerMessage(decoded)).equals(encoded)).toBe(true);
  });

  it("round-trips an update at the size limits", () => {
    const m: PeerMessage = {
      kind: "update",
      updateHash: hash,
      bytes: bytes(MAX_UPDATE_BYTES),
      metadata: bytes(MAX_RECEIPT_METADATA_BYTES),
    };
    expect(decodePeerMessage(encodePeerMessage(m))).toEqual(m);
  });

  it("round-trips a blob chunk at the size limits, and an empty one at a blob's end", () => {
    const full: PeerMessage = {
      kind: "blob",
      blobHash: hash,
      offset: MAX_PEER_BLOB_BYTES - MAX_BLOB_CHUNK_BYTES,
      total: MAX_PEER_BLOB_BYTES,
      bytes: bytes(MAX_BLOB_CHUNK_BYTES),
    };
    expect(decodePeerMessage(encodePeerMessage(full))).toEqual(full);
    const end: PeerMessage = { kind: "blob", blobHash: hash, offset: 0, total: 0, bytes: bytes(0) };
    expect(decodePeerMessage(encodePeerMessage(end))).toEqual(end);
  });

  it.each([
    ["a want-blob over the chunk limit", { ...MESSAGES["want-blob"], length: MAX_BLOB_CHUNK_BYTES + 1 }, "length"],
    ["a want-blob of nothing", { ...MESSAGES["want-blob"], length: 0 }, "length"],
    ["a want-blob past the largest blob", { ...MESSAGES["want-blob"], offset: MAX_PEER_BLOB_BYTES + 1 }, "offset"],
    [
      "a blob chunk over the limit",
      { ...MESSAGES.blob, bytes: bytes(MAX_BLOB_CHUNK_BYTES + 1), total: 2 ** 21 },
      "bytes",
    ],
    ["a blob chunk that runs past its total", { ...MESSAGES.blob, offset: 11 }, "bytes"],
    ["a blob over the largest blob", { ...MESSAGES.blob, total: MAX_PEER_BLOB_BYTES + 1 }, "total"],
  ] as [string, PeerMessage, string][])("refuses %s, encoding or decoding", (_, m, name) => {
    const e = expectConcordError(() => encodePeerMessage(m), CONCORD_ERROR__PEER__INVALID_FIELD);
    expect(e.context).toMatchObject({ kind: m.kind, field: name });
    const wire = packr.pack([1, m.kind, ...Object.values(m).slice(1)]);
    expectConcordError(() => decodePeerMessage(wire), CONCORD_ERROR__PEER__INVALID_FIELD);
  });

  it("refuses malformed msgpack and truncated bytes", () => {
    expectConcordError(() => decodePeerMessage(Uint8Array.of(0xc1)), CONCORD_ERROR__PEER__MALFORMED_MESSAGE);
    expectConcordError(() => decodePeerMessage(new Uint8Array(0)), CONCORD_ERROR__PEER__MALFORMED_MESSAGE);
    for (const m of Object.values(MESSAGES)) {
      const encoded = encodePeerMessage(m);
      for (const cut of [1, 2, encoded.length - 1])
        expectConcordError(() => decodePeerMessage(encoded.subarray(0, cut)), CONCORD_ERROR__PEER__MALFORMED_MESSAGE);
    }
  });

  it("refuses trailing bytes", () => {
    const encoded = encodePeerMessage(MESSAGES.want);
    const longer = new Uint8Array(encoded.length + 1);
    longer.set(encoded);
    expectConcordError(() => decodePeerMessage(longer), CONCORD_ERROR__PEER__MALFORMED_MESSAGE);
  });

  it("refuses an oversized message before parsing it", () => {
    // 0xc1 is never valid msgpack: only the size check can answer TOO_LARGE
    const e = expectConcordError(
      () => decodePeerMessage(new Uint8Array(MAX_MESSAGE_BYTES + 1).fill(0xc1)),
      CONCORD_ERROR__PEER__MESSAGE_TOO_LARGE,
    );
    expect(e.context).toEqual({ size: MAX_MESSAGE_BYTES + 1, limit: MAX_MESSAGE_BYTES });
  });

  it("refuses non-arrays, unknown versions, unknown kinds and wrong field counts", () => {
    expectConcordError(() => decodePeerMessage(packr.pack({ a: 1 })), CONCORD_ERROR__PEER__MALFORMED_MESSAGE);
    expectConcordError(() => decodePeerMessage(packr.pack([1])), CONCORD_ERROR__PEER__MALFORMED_MESSAGE);
    for (const version of [0, 2, "1", null])
      expectConcordError(
        () => decodePeerMessage(packr.pack([version, "want", hash])),
        CONCORD_ERROR__PEER__UNSUPPORTED_VERSION,
      );
    for (const kind of ["wants", 1, null, "toString"])
      expectConcordError(() => decodePeerMessage(packr.pack([1, kind, hash])), CONCORD_ERROR__PEER__MALFORMED_MESSAGE);
    expectConcordError(() => decodePeerMessage(packr.pack([1, "want"])), CONCORD_ERROR__PEER__MALFORMED_MESSAGE);
    expectConcordError(
      () => decodePeerMessage(packr.pack([1, "want", hash, hash])),
      CONCORD_ERROR__PEER__MALFORMED_MESSAGE,
    );
  });

  // Each wire field of each kind, replaced by values of the wrong type, length or range.
  const k32 = run.toBytes();
  const WIRE: Record<string, unknown[]> = {
    hello: [k32, member.toBytes(), 5, bytes(32), bytes(64)],
    announce: [k32, 3, member.toBytes(), hash, 10, bytes(64)],
    want: [hash],
    update: [hash, bytes(10), bytes(10)],
    missing: [hash],
    "want-blob": [hash, 0, 10],
    blob: [hash, 0, 10, bytes(10)],
    "no-blob": [hash],
  };
  const BAD: Record<string, [string, unknown[]]> = {
    run: ["run", [bytes(31), bytes(33), "key", 5, null]],
    member: ["member", [bytes(31), bytes(33), "key", 5, null]],
    timestamp: ["timestamp", [-1, 1.5, "5", null, 2 ** 53, bytes(8)]],
    step: ["step", [-1, 1.5, "3", null, 2 ** 53]],
    nonce: ["nonce", [bytes(31), bytes(33), "nonce", null]],
    updateHash: ["updateHash", [bytes(31), bytes(33), "h", null, 1]],
    size: ["size", [0, -1, 1.5, MAX_UPDATE_BYTES + 1, "10", null]],
    signature: ["signature", [bytes(63), bytes(65), "sig", null]],
    bytes: ["bytes", ["bytes", null, 5, [1, 2]]],
    metadata: ["metadata", [bytes(MAX_RECEIPT_METADATA_BYTES + 1), "m", null]],
    blobHash: ["blobHash", [bytes(31), bytes(33), "h", null, 1]],
    offset: ["offset", [-1, 1.5, "0", null, MAX_PEER_BLOB_BYTES + 1]],
    length: ["length", [0, -1, 1.5, MAX_BLOB_CHUNK_BYTES + 1, "10", null]],
    total: ["total", [-1, 1.5, "10", null, MAX_PEER_BLOB_BYTES + 1]],
    blobBytes: ["bytes", ["bytes", null, 5, [1, 2], bytes(11)]],
  };
  const NAMES: Record<string, string[]> = {
    hello: ["run", "member", "timestamp", "nonce", "signature"],
    announce: ["run", "step", "member", "updateHash", "size", "signature"],
    want: ["updateHash"],
    update: ["updateHash", "bytes", "metadata"],
    missing: ["updateHash"],
    "want-blob": ["blobHash", "offset", "length"],
    blob: ["blobHash", "offset", "total", "blobBytes"],
    "no-blob": ["blobHash"],
  };
  const cases = Object.entries(NAMES).flatMap(([kind, names]) =>
    names.flatMap((bad, i) => BAD[bad][1].map((value) => ({ kind, name: BAD[bad][0], i, value }))),
  );
  it.each(cases)("refuses $kind.$name = $value", ({ kind, name, i, value }) => {
    const fields = [...WIRE[kind]];
    fields[i] = value;
    const e = expectConcordError(
      () => decodePeerMessage(packr.pack([1, kind, ...fields])),
      CONCORD_ERROR__PEER__INVALID_FIELD,
    );
    expect(e.context).toMatchObject({ kind, field: name });
  });

  it("refuses an update body over MAX_UPDATE_BYTES", () => {
    const m = { ...MESSAGES.update, bytes: bytes(MAX_UPDATE_BYTES + 1) } as PeerMessage;
    expectConcordError(() => encodePeerMessage(m), CONCORD_ERROR__PEER__INVALID_FIELD);
    const wire = packr.pack([1, "update", hash, bytes(MAX_UPDATE_BYTES + 1), bytes(1)]);
    expect(wire.length).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expectConcordError(() => decodePeerMessage(wire), CONCORD_ERROR__PEER__INVALID_FIELD);
  });

  it("validates on encode", () => {
    const bad = { ...MESSAGES.announce, step: -1 } as PeerMessage;
    const e = expectConcordError(() => encodePeerMessage(bad), CONCORD_ERROR__PEER__INVALID_FIELD);
    expect(e.context).toMatchObject({ kind: "announce", field: "step" });
    expectConcordError(
      () => encodePeerMessage({ kind: "nope" } as unknown as PeerMessage),
      CONCORD_ERROR__PEER__MALFORMED_MESSAGE,
    );
  });

  it("refuses non-canonical encodings", () => {
    const canonical = encodePeerMessage(MESSAGES.want);
    // version 1 as a uint8 (0xcc 0x01) instead of a positive fixint
    const wideVersion = Uint8Array.from([canonical[0], 0xcc, ...canonical.subarray(1)]);
    expect(packr.unpack(wideVersion)).toEqual([1, "want", hash]);
    expectConcordError(() => decodePeerMessage(wideVersion), CONCORD_ERROR__PEER__MALFORMED_MESSAGE);
    // the array header as array16 instead of a fixarray
    const wideArray = Uint8Array.from([0xdc, 0x00, 0x03, ...canonical.subarray(1)]);
    expect(packr.unpack(wideArray)).toEqual([1, "want", hash]);
    expectConcordError(() => decodePeerMessage(wideArray), CONCORD_ERROR__PEER__MALFORMED_MESSAGE);
  });
});

describe("relay control messages", () => {
  const register = signRegister(
    {
      run,
      member: signer.publicKey,
      relay: "ws://127.0.0.1:7000/relay",
      timestamp: 1_760_000_000_000,
      nonce: bytes(32),
    },
    signer.secretKey,
  );
  const RELAY: RelayMessage[] = [
    register,
    { kind: "registered" },
    { kind: "open", session: bytes(RELAY_SESSION_BYTES) },
  ];

  it.each(RELAY)("round-trips $kind, and a peer connection refuses it", (m) => {
    const encoded = encodeRelayMessage(m);
    expect(decodeRelayMessage(encoded)).toEqual(m);
    expectConcordError(() => decodePeerMessage(encoded), CONCORD_ERROR__PEER__MALFORMED_MESSAGE);
  });

  it("a registration is signed over the relay it names", () => {
    expect(verifyRegister(register)).toBe(true);
    expect(verifyRegister({ ...register, relay: "ws://127.0.0.1:7001/relay" })).toBe(false);
    expect(verifyRegister({ ...register, timestamp: register.timestamp + 1 })).toBe(false);
  });

  it.each([
    ["a relay URL over the endpoint's 64 bytes", { ...register, relay: `ws://${"h".repeat(60)}/relay` }],
    ["a short session", { kind: "open", session: bytes(8) }],
  ] as [string, RelayMessage][])("refuses %s", (_, m) => {
    expectConcordError(() => encodeRelayMessage(m), CONCORD_ERROR__PEER__INVALID_FIELD);
  });

  it("refuses peer messages, oversized frames and non-canonical bytes on a control connection", () => {
    expectConcordError(
      () => decodeRelayMessage(encodePeerMessage(MESSAGES.want)),
      CONCORD_ERROR__PEER__MALFORMED_MESSAGE,
    );
    expectConcordError(
      () => decodeRelayMessage(bytes(MAX_RELAY_MESSAGE_BYTES + 1)),
      CONCORD_ERROR__PEER__MESSAGE_TOO_LARGE,
    );
    const padded = packr.pack([1, "open", bytes(RELAY_SESSION_BYTES), null]);
    expectConcordError(() => decodeRelayMessage(padded), CONCORD_ERROR__PEER__MALFORMED_MESSAGE);
  });
});
