// The run's checkpoint as nodes use it: fetched by the hash the `checkpoint` instruction recorded, from the URI the
// authority wrote there or any data server (none trusted: fetchBlob keeps only bytes of that hash), and read against
// the model; and written from the shared state the publisher rebuilt (checkpointPublisher.ts).
import type { PublicKey } from "@solana/web3.js";
import type { RunCheckpoint, TensorSpec } from "../../sdk/codec/checkpointCodec";
import { decodeCheckpoint } from "../../sdk/codec/checkpointCodec";
import type { RunAccount } from "../../sdk/coordinatorAccounts";
import { checkpointUri, toBigInt } from "../../sdk/coordinatorAccounts";
import { fetchBlob } from "../../sdk/net/blobFetch";

/** Far above any checkpoint of a model the program's limits allow a run of here; a server may not stream forever. */
export const MAX_CHECKPOINT_BYTES = 2 ** 31;

/** Where a recorded checkpoint is fetched from: the URI the authority recorded (when it is a URL), then `servers`. */
export function checkpointSources(state: RunAccount, servers: readonly string[]): string[] {
  const uri = checkpointUri(state);
  return [...new Set([...(/^https?:\/\//.test(uri) ? [uri] : []), ...servers])];
}

/**
 * The checkpoint the Run records, null when it records none. Each source that fails is reported to `onRefused`
 * (wrong bytes, HTTP errors) before the next is tried; bytes of the right hash that are not a checkpoint of this run
 * and model throw: the authority recorded a bad one.
 */
export async function fetchRunCheckpoint(
  state: RunAccount,
  run: PublicKey,
  specs: readonly TensorSpec[],
  servers: readonly string[],
  onRefused?: (url: string, reason: string) => void,
): Promise<RunCheckpoint | null> {
  if (state.checkpoint.uriLen === 0) return null;
  const bytes = await fetchBlob(checkpointSources(state, servers), Uint8Array.from(state.checkpoint.hash), {
    maxBytes: MAX_CHECKPOINT_BYTES,
    onFailure: onRefused,
  });
  // No more rounds than were decided when it was recorded (the publisher's hold one fewer: checkpointCodec.ts)
  return decodeCheckpoint(bytes, specs, { run, maxRounds: Number(toBigInt(state.checkpoint.step)) });
}
