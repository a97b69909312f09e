// The run's checkpoint as nodes use it: fetched by the hash the `checkpoint` instruction recorded, from the node's own
// kept copy, the URI the authority wrote there or any data server, then the node's peers (none trusted: only bytes of that hash count), and read against
// the model; and written from the shared state the publisher rebuilt (checkpointPublisher.ts).
import type { PublicKey } from "@solana/web3.js";
import type { RunCheckpoint, TensorSpec } from "../../sdk/codec/checkpointCodec";
import { decodeCheckpoint } from "../../sdk/codec/checkpointCodec";
import type { RunAccount } from "../../sdk/coordinatorAccounts";
import { checkpointUri, toBigInt } from "../../sdk/coordinatorAccounts";
import { bytesToHex } from "@noble/hashes/utils";
import { ConcordError, isConcordError } from "../../sdk/errors/concordError";
import {
  CONCORD_ERROR__PEER__BLOB_NOT_HELD,
  CONCORD_ERROR__PEER__BLOB_UNAVAILABLE,
  CONCORD_ERROR__TRAINER__CHECKPOINT_UNAVAILABLE,
} from "../../sdk/errors/codes";
import { fetchBlob } from "../../sdk/net/blobFetch";
import { keptBlob } from "../node/keptBlobs";
import type { BlobSource } from "../node/peerBlobs";

/** Far above any checkpoint of a model the program's limits allow a run of here; a server may not stream forever. */
export const MAX_CHECKPOINT_BYTES = 2 ** 31;

/** Where a recorded checkpoint is fetched from: the URI the authority recorded (when it is a URL), then `servers`. */
export function checkpointSources(state: RunAccount, servers: readonly string[]): string[] {
  const uri = checkpointUri(state);
  return [...new Set([...(/^https?:\/\//.test(uri) ? [uri] : []), ...servers])];
}

/**
 * The bytes of the checkpoint the Run records, null when it records none: from its sources (checkpointSources), then,
 * when none gives them, from `peers`. Each source that fails is reported to `onRefused` (wrong bytes, HTTP errors, a
 * peer without it) before the next is tried; none giving them throws one error listing each failure.
 */
export async function recordedCheckpointBytes(
  state: RunAccount,
  servers: readonly string[],
  options: {
    onRefused?: (source: string, reason: string) => void;
    peers?: BlobSource;
    /** A folder of checkpoints this node verified before (`<sha256>` files): a restart reads its own copy first. */
    keptIn?: string;
  } = {},
): Promise<Uint8Array | null> {
  if (state.checkpoint.uriLen === 0) return null;
  const hash = bytesToHex(Uint8Array.from(state.checkpoint.hash));
  const kept = options.keptIn && keptBlob(options.keptIn, hash);
  if (kept) return kept;
  const fetchOptions = { maxBytes: MAX_CHECKPOINT_BYTES, onFailure: options.onRefused };
  try {
    return await fetchBlob(checkpointSources(state, servers), hash, fetchOptions);
  } catch (e) {
    if (!options.peers || !isConcordError(e, CONCORD_ERROR__PEER__BLOB_UNAVAILABLE)) throw e;
    try {
      return await options.peers(hash, fetchOptions);
    } catch (p) {
      if (!isConcordError(p, CONCORD_ERROR__PEER__BLOB_NOT_HELD)) throw p;
      throw new ConcordError(
        CONCORD_ERROR__TRAINER__CHECKPOINT_UNAVAILABLE,
        { hash, failures: `${String(e.context.failures)}; ${String(p.context.failures)}` },
        { cause: p },
      );
    }
  }
}

/** The recorded checkpoint's bytes read against the run and model: bytes of the right hash that are not a checkpoint of them throw (the authority recorded a bad one). */
export function decodeRunCheckpoint(
  state: RunAccount,
  run: PublicKey,
  specs: readonly TensorSpec[],
  bytes: Uint8Array,
): RunCheckpoint {
  // No more rounds than were decided when it was recorded (the publisher's hold one fewer: checkpointCodec.ts)
  return decodeCheckpoint(bytes, specs, { run, maxRounds: Number(toBigInt(state.checkpoint.step)) });
}

/** The checkpoint the Run records, null when it records none, from its sources (recordedCheckpointBytes). */
export async function fetchRunCheckpoint(
  state: RunAccount,
  run: PublicKey,
  specs: readonly TensorSpec[],
  servers: readonly string[],
  onRefused?: (url: string, reason: string) => void,
): Promise<RunCheckpoint | null> {
  const bytes = await recordedCheckpointBytes(state, servers, { onRefused });
  return bytes && decodeRunCheckpoint(state, run, specs, bytes);
}
