// The messages peers exchange: who they are (hello), which update they hold (announce), requests for one (want) and
// the answers (update, missing); and byte ranges of content-addressed blobs (a run's dataset files, its recorded
// checkpoint) asked by sha256 (want-blob) and answered (blob, no-blob). Each is one msgpack array [version, kind, ...fields] (msgpackr, no records), and
// decode accepts only the canonical encoding, so a message has exactly one byte string and signatures over parts of
// it are unambiguous. Decode checks the size before parsing and every field after: peers are untrusted.
import { PublicKey } from "@solana/web3.js";
import { Packr } from "msgpackr";
import { ConcordError } from "../errors/concordError";
import {
  CONCORD_ERROR__PEER__INVALID_FIELD,
  CONCORD_ERROR__PEER__MALFORMED_MESSAGE,
  CONCORD_ERROR__PEER__MESSAGE_TOO_LARGE,
  CONCORD_ERROR__PEER__UNSUPPORTED_VERSION,
} from "../errors/codes";
import { MAX_RECEIPT_METADATA_BYTES } from "../receiptMetadata";

export const PEER_PROTOCOL_VERSION = 1;
/** Largest update body a peer sends or accepts. */
export const MAX_UPDATE_BYTES = 4 * 2 ** 20;
/** An update message is its body plus metadata and a few dozen bytes of framing; 4 KiB of slack covers both. */
export const MAX_MESSAGE_BYTES = MAX_UPDATE_BYTES + 4 * 2 ** 10;
/** Largest range one want-blob asks for: a blob answer stays far below MAX_MESSAGE_BYTES. */
export const MAX_BLOB_CHUNK_BYTES = 2 ** 20;
/** Largest blob peers exchange (a checkpoint's limit, runCheckpoints.ts): offsets and totals stay below it. */
export const MAX_PEER_BLOB_BYTES = 2 ** 31;
// Domains keep a signature over one kind of message from being replayed as another.
export const HELLO_DOMAIN = "concord-hello-v1";
export const ANNOUNCE_DOMAIN = "concord-announce-v1";

export interface HelloFields {
  readonly run: PublicKey;
  readonly member: PublicKey;
  /** Unix milliseconds when the hello was signed. */
  readonly timestamp: number;
  /** 32 random bytes, so no two hellos sign the same bytes. */
  readonly nonce: Uint8Array;
}

/** Proves the sender holds `member`'s key. */
export interface HelloMessage extends HelloFields {
  readonly kind: "hello";
  readonly signature: Uint8Array;
}

export interface AnnounceFields {
  readonly run: PublicKey;
  readonly step: number;
  readonly member: PublicKey;
  /** sha256 of the update's canonical bytes. */
  readonly updateHash: Uint8Array;
  /** The update's size in bytes. */
  readonly size: number;
}

/** `member` says it holds the update it committed at `step`. */
export interface AnnounceMessage extends AnnounceFields {
  readonly kind: "announce";
  readonly signature: Uint8Array;
}

export interface WantMessage {
  readonly kind: "want";
  readonly updateHash: Uint8Array;
}

export interface UpdateMessage {
  readonly kind: "update";
  readonly updateHash: Uint8Array;
  readonly bytes: Uint8Array;
  /** The encoded receipt metadata published beside the update. */
  readonly metadata: Uint8Array;
}

/** The answer to a want for an update the peer does not hold. */
export interface MissingMessage {
  readonly kind: "missing";
  readonly updateHash: Uint8Array;
}

/** Asks for bytes [offset, offset + length) of the blob whose sha256 is `blobHash`. */
export interface WantBlobMessage {
  readonly kind: "want-blob";
  readonly blobHash: Uint8Array;
  readonly offset: number;
  readonly length: number;
}

/** Bytes of a blob from `offset` (fewer than asked at its end); `total` is the blob's size. */
export interface BlobMessage {
  readonly kind: "blob";
  readonly blobHash: Uint8Array;
  readonly offset: number;
  readonly total: number;
  readonly bytes: Uint8Array;
}

/** The answer to a want-blob for a blob the peer does not hold (verified). */
export interface NoBlobMessage {
  readonly kind: "no-blob";
  readonly blobHash: Uint8Array;
}

export type PeerMessage =
  | HelloMessage
  | AnnounceMessage
  | WantMessage
  | UpdateMessage
  | MissingMessage
  | WantBlobMessage
  | BlobMessage
  | NoBlobMessage;
export type PeerMessageKind = PeerMessage["kind"];

// int64AsType "number": timestamps and steps past 2^32 decode as numbers (validation then requires safe integers)
const packr = new Packr({ useRecords: false, int64AsType: "number" });

/** Fields after [version, kind], in wire order. */
const FIELDS: { readonly [K in PeerMessageKind]: readonly string[] } = {
  hello: ["run", "member", "timestamp", "nonce", "signature"],
  announce: ["run", "step", "member", "updateHash", "size", "signature"],
  want: ["updateHash"],
  update: ["updateHash", "bytes", "metadata"],
  missing: ["updateHash"],
  "want-blob": ["blobHash", "offset", "length"],
  blob: ["blobHash", "offset", "total", "bytes"],
  "no-blob": ["blobHash"],
};

const malformed = (reason: string) => new ConcordError(CONCORD_ERROR__PEER__MALFORMED_MESSAGE, { reason });

function field(kind: string, name: string, ok: boolean, reason: string): void {
  if (!ok) throw new ConcordError(CONCORD_ERROR__PEER__INVALID_FIELD, { kind, field: name, reason });
}

const isBytes = (v: unknown, n: number): v is Uint8Array => v instanceof Uint8Array && v.length === n;
const isBytesUpTo = (v: unknown, max: number): v is Uint8Array => v instanceof Uint8Array && v.length <= max;
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function checkKeys(kind: string, m: { run: unknown; member: unknown }): void {
  field(kind, "run", m.run instanceof PublicKey, "must be a public key");
  field(kind, "member", m.member instanceof PublicKey, "must be a public key");
}

function checkHash(kind: string, v: unknown): void {
  field(kind, "updateHash", isBytes(v, 32), "must be 32 bytes");
}

function checkHelloFields(f: HelloFields): void {
  const kind = "hello";
  checkKeys(kind, f);
  field(kind, "timestamp", isCount(f.timestamp), "must be a non-negative integer (unix ms)");
  field(kind, "nonce", isBytes(f.nonce, 32), "must be 32 bytes");
}

function checkAnnounceFields(f: AnnounceFields): void {
  const kind = "announce";
  checkKeys(kind, f);
  field(kind, "step", isCount(f.step), "must be a non-negative integer");
  checkHash(kind, f.updateHash);
  field(
    kind,
    "size",
    isCount(f.size) && f.size > 0 && f.size <= MAX_UPDATE_BYTES,
    `must be an integer in 1..${MAX_UPDATE_BYTES}`,
  );
}

const isOffset = (v: unknown): v is number => isCount(v) && (v as number) <= MAX_PEER_BLOB_BYTES;

function checkBlobFields(m: WantBlobMessage | BlobMessage | NoBlobMessage): void {
  field(m.kind, "blobHash", isBytes(m.blobHash, 32), "must be 32 bytes");
  if (m.kind === "no-blob") return;
  field(m.kind, "offset", isOffset(m.offset), `must be an integer in 0..${MAX_PEER_BLOB_BYTES}`);
  if (m.kind === "want-blob")
    return field(
      m.kind,
      "length",
      isCount(m.length) && m.length > 0 && m.length <= MAX_BLOB_CHUNK_BYTES,
      `must be an integer in 1..${MAX_BLOB_CHUNK_BYTES}`,
    );
  field(m.kind, "total", isOffset(m.total), `must be an integer in 0..${MAX_PEER_BLOB_BYTES}`);
  field(m.kind, "bytes", isBytesUpTo(m.bytes, MAX_BLOB_CHUNK_BYTES), `must be at most ${MAX_BLOB_CHUNK_BYTES} bytes`);
  field(m.kind, "bytes", m.offset + m.bytes.length <= m.total, "must end within the blob's total");
}

const checkSignature = (kind: string, v: unknown) => field(kind, "signature", isBytes(v, 64), "must be 64 bytes");

function validate(m: PeerMessage): void {
  switch (m.kind) {
    case "hello":
      checkHelloFields(m);
      return checkSignature(m.kind, m.signature);
    case "announce":
      checkAnnounceFields(m);
      return checkSignature(m.kind, m.signature);
    case "want":
    case "missing":
      return checkHash(m.kind, m.updateHash);
    case "update":
      checkHash(m.kind, m.updateHash);
      field(m.kind, "bytes", isBytesUpTo(m.bytes, MAX_UPDATE_BYTES), `must be at most ${MAX_UPDATE_BYTES} bytes`);
      field(
        m.kind,
        "metadata",
        isBytesUpTo(m.metadata, MAX_RECEIPT_METADATA_BYTES),
        `must be at most ${MAX_RECEIPT_METADATA_BYTES} bytes`,
      );
      return;
    case "want-blob":
    case "blob":
    case "no-blob":
      return checkBlobFields(m);
    default:
      throw malformed(`unknown kind ${String((m as { kind: unknown }).kind)}`);
  }
}

/** The wire values of a validated message, in FIELDS order. */
function wireFields(m: PeerMessage): unknown[] {
  switch (m.kind) {
    case "hello":
      return [m.run.toBytes(), m.member.toBytes(), m.timestamp, m.nonce, m.signature];
    case "announce":
      return [m.run.toBytes(), m.step, m.member.toBytes(), m.updateHash, m.size, m.signature];
    case "want":
    case "missing":
      return [m.updateHash];
    case "update":
      return [m.updateHash, m.bytes, m.metadata];
    case "want-blob":
      return [m.blobHash, m.offset, m.length];
    case "blob":
      return [m.blobHash, m.offset, m.total, m.bytes];
    case "no-blob":
      return [m.blobHash];
  }
}

// A plain Uint8Array copy: msgpackr returns a Buffer view into its shared pack buffer.
function pack(m: PeerMessage): Uint8Array {
  return Uint8Array.from(packr.pack([PEER_PROTOCOL_VERSION, m.kind, ...wireFields(m)]));
}

function withDomain(domain: string, body: Uint8Array): Uint8Array {
  const prefix = new TextEncoder().encode(domain);
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix);
  out.set(body, prefix.length);
  return out;
}

/** The bytes a hello's signature covers: HELLO_DOMAIN then msgpack [version, run, member, timestamp, nonce]. */
export function helloSignedBytes(f: HelloFields): Uint8Array {
  checkHelloFields(f);
  const body = packr.pack([PEER_PROTOCOL_VERSION, f.run.toBytes(), f.member.toBytes(), f.timestamp, f.nonce]);
  return withDomain(HELLO_DOMAIN, body);
}

/** The bytes an announce's signature covers: ANNOUNCE_DOMAIN then msgpack [version, run, step, member, hash, size]. */
export function announceSignedBytes(f: AnnounceFields): Uint8Array {
  checkAnnounceFields(f);
  const body = packr.pack([PEER_PROTOCOL_VERSION, f.run.toBytes(), f.step, f.member.toBytes(), f.updateHash, f.size]);
  return withDomain(ANNOUNCE_DOMAIN, body);
}

/** The canonical bytes of `m`; an invalid message throws the error decode would. */
export function encodePeerMessage(m: PeerMessage): Uint8Array {
  validate(m);
  const bytes = pack(m);
  if (bytes.length > MAX_MESSAGE_BYTES)
    throw new ConcordError(CONCORD_ERROR__PEER__MESSAGE_TOO_LARGE, { size: bytes.length, limit: MAX_MESSAGE_BYTES });
  return bytes;
}

// Keys are checked for length here because PublicKey accepts other encodings; copies detach from the input buffer.
function key(kind: string, name: string, v: unknown): PublicKey {
  field(kind, name, isBytes(v, 32), "must be a 32-byte key");
  return new PublicKey(v as Uint8Array);
}
const copy = (v: unknown) => (v instanceof Uint8Array ? Uint8Array.from(v) : v) as Uint8Array;

function fromWire(kind: PeerMessageKind, f: unknown[]): PeerMessage {
  switch (kind) {
    case "hello":
      return {
        kind,
        run: key(kind, "run", f[0]),
        member: key(kind, "member", f[1]),
        timestamp: f[2] as number,
        nonce: copy(f[3]),
        signature: copy(f[4]),
      };
    case "announce":
      return {
        kind,
        run: key(kind, "run", f[0]),
        step: f[1] as number,
        member: key(kind, "member", f[2]),
        updateHash: copy(f[3]),
        size: f[4] as number,
        signature: copy(f[5]),
      };
    case "want":
    case "missing":
      return { kind, updateHash: copy(f[0]) };
    case "update":
      return { kind, updateHash: copy(f[0]), bytes: copy(f[1]), metadata: copy(f[2]) };
    case "want-blob":
      return { kind, blobHash: copy(f[0]), offset: f[1] as number, length: f[2] as number };
    case "blob":
      return { kind, blobHash: copy(f[0]), offset: f[1] as number, total: f[2] as number, bytes: copy(f[3]) };
    case "no-blob":
      return { kind, blobHash: copy(f[0]) };
  }
}

/** [kind, fields] of a msgpack array [version, kind, ...fields] whose kind and field count are known. */
function unpackMessage<K extends string>(
  bytes: Uint8Array,
  limit: number,
  fields: { readonly [k in K]: readonly string[] },
): [K, unknown[]] {
  if (bytes.length > limit)
    throw new ConcordError(CONCORD_ERROR__PEER__MESSAGE_TOO_LARGE, { size: bytes.length, limit });
  let v: unknown;
  try {
    v = packr.unpack(bytes);
  } catch (e) {
    throw malformed(`not msgpack (${(e as Error).message})`);
  }
  if (!Array.isArray(v) || v.length < 2) throw malformed("expected an array [version, kind, ...fields]");
  const [version, kind, ...rest] = v as unknown[];
  if (version !== PEER_PROTOCOL_VERSION)
    throw new ConcordError(CONCORD_ERROR__PEER__UNSUPPORTED_VERSION, {
      version: String(version),
      supported: PEER_PROTOCOL_VERSION,
    });
  if (typeof kind !== "string" || !Object.hasOwn(fields, kind)) throw malformed(`unknown kind ${String(kind)}`);
  const expected = fields[kind as K].length;
  if (rest.length !== expected) throw malformed(`a ${kind} message has ${expected} fields, got ${rest.length}`);
  return [kind as K, rest];
}

/** Parses and fully validates a peer message; anything but a canonical, valid message throws a PEER ConcordError. */
export function decodePeerMessage(bytes: Uint8Array): PeerMessage {
  const [kind, rest] = unpackMessage(bytes, MAX_MESSAGE_BYTES, FIELDS);
  const m = fromWire(kind, rest);
  validate(m);
  if (!Buffer.from(pack(m)).equals(bytes)) throw malformed("not in canonical form");
  return m;
}

// Relay control messages (coordinator/relay): a member that accepts no inbound connections registers with a relay
// over an outbound control connection; the relay acknowledges, then asks it to dial back once per session (a peer
// dialing it through the relay). They travel only on control connections: decodePeerMessage refuses them.

/** The on-chain endpoint's capacity (programs/coordinator/src/state/limits.h MAX_ENDPOINT_LEN). */
export const MAX_ENDPOINT_BYTES = 64;
export const MAX_RELAY_MESSAGE_BYTES = 1024;
export const RELAY_SESSION_BYTES = 16;
export const RELAY_REGISTER_DOMAIN = "concord-relay-register-v1";

export interface RegisterFields {
  readonly run: PublicKey;
  readonly member: PublicKey;
  /** The relay's endpoint as the member dialed it (ws://HOST:PORT/relay): a registration is good at that relay only. */
  readonly relay: string;
  readonly timestamp: number;
  readonly nonce: Uint8Array;
}

/** `member` asks the relay to forward the run's peers to it. */
export interface RegisterMessage extends RegisterFields {
  readonly kind: "register";
  readonly signature: Uint8Array;
}

export interface RegisteredMessage {
  readonly kind: "registered";
}

/** The relay asks the member to dial ACCEPT/<session> for a peer waiting there. */
export interface OpenMessage {
  readonly kind: "open";
  readonly session: Uint8Array;
}

export type RelayMessage = RegisterMessage | RegisteredMessage | OpenMessage;

const RELAY_FIELDS: { readonly [K in RelayMessage["kind"]]: readonly string[] } = {
  register: ["run", "member", "relay", "timestamp", "nonce", "signature"],
  registered: [],
  open: ["session"],
};

function checkRegisterFields(f: RegisterFields): void {
  const kind = "register";
  checkKeys(kind, f);
  field(
    kind,
    "relay",
    typeof f.relay === "string" && f.relay.length > 0 && Buffer.byteLength(f.relay) <= MAX_ENDPOINT_BYTES,
    `must be a URL of 1..${MAX_ENDPOINT_BYTES} bytes`,
  );
  field(kind, "timestamp", isCount(f.timestamp), "must be a non-negative integer (unix ms)");
  field(kind, "nonce", isBytes(f.nonce, 32), "must be 32 bytes");
}

function validateRelay(m: RelayMessage): void {
  if (m.kind === "register") {
    checkRegisterFields(m);
    checkSignature(m.kind, m.signature);
  } else if (m.kind === "open") field(m.kind, "session", isBytes(m.session, RELAY_SESSION_BYTES), "must be 16 bytes");
}

function packRelay(m: RelayMessage): Uint8Array {
  const wire =
    m.kind === "register"
      ? [m.run.toBytes(), m.member.toBytes(), m.relay, m.timestamp, m.nonce, m.signature]
      : m.kind === "open"
        ? [m.session]
        : [];
  return Uint8Array.from(packr.pack([PEER_PROTOCOL_VERSION, m.kind, ...wire]));
}

/** The bytes a registration's signature covers: the domain then msgpack [version, run, member, relay, timestamp, nonce]. */
export function registerSignedBytes(f: RegisterFields): Uint8Array {
  checkRegisterFields(f);
  const body = packr.pack([PEER_PROTOCOL_VERSION, f.run.toBytes(), f.member.toBytes(), f.relay, f.timestamp, f.nonce]);
  return withDomain(RELAY_REGISTER_DOMAIN, body);
}

export function encodeRelayMessage(m: RelayMessage): Uint8Array {
  validateRelay(m);
  return packRelay(m);
}

/** Parses and fully validates a relay control message, as decodePeerMessage does a peer message. */
export function decodeRelayMessage(bytes: Uint8Array): RelayMessage {
  const [kind, f] = unpackMessage(bytes, MAX_RELAY_MESSAGE_BYTES, RELAY_FIELDS);
  const m: RelayMessage =
    kind === "register"
      ? {
          kind,
          run: key(kind, "run", f[0]),
          member: key(kind, "member", f[1]),
          relay: f[2] as string,
          timestamp: f[3] as number,
          nonce: copy(f[4]),
          signature: copy(f[5]),
        }
      : kind === "open"
        ? { kind, session: copy(f[0]) }
        : { kind };
  validateRelay(m);
  if (!Buffer.from(packRelay(m)).equals(bytes)) throw malformed("not in canonical form");
  return m;
}
