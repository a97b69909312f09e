// A run's checkpoint: the shared state every honest node holds after a number of rounds, as safetensors
// (safetensors.ts): the parameters as `params/<name>` and the outer optimizer's velocity, when it has one, as
// `outer_velocity/<name>`, in parameter order; the header's metadata names the run, the epoch whose Cooldown wrote
// it and the rounds applied. A checkpoint holds the state one round before its epoch's end: a member starting from it
// replays that last round from its accepted updates and so holds both parameter sets the pipelined next round needs
// (it trains from the parameters two rounds back). Its hash is what the `checkpoint` instruction records; these
// checks only say the bytes are a checkpoint of this run for this model.
import type { PublicKey } from "@solana/web3.js";
import { ConcordError } from "../errors/concordError";
import { CONCORD_ERROR__CODEC__CHECKPOINT_MISMATCH, CONCORD_ERROR__CODEC__MALFORMED_CHECKPOINT } from "../errors/codes";
import type { NamedTensor } from "./safetensors";
import { decodeSafetensors, encodeSafetensors } from "./safetensors";

export const CHECKPOINT_FORMAT = "concord-checkpoint";
export const CHECKPOINT_VERSION = "1";

export interface TensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
}

export interface RunCheckpoint {
  readonly run: PublicKey;
  /** The epoch whose Cooldown wrote it. */
  readonly epoch: number;
  /** Rounds applied: the state after rounds 0..rounds-1, before round `rounds`. */
  readonly rounds: number;
  /** In parameter order. */
  readonly params: Float32Array[];
  /** The outer optimizer's velocity in parameter order; empty when the run's outer step has no momentum. */
  readonly velocity: Float32Array[];
}

const PARAMS = "params/";
const VELOCITY = "outer_velocity/";

const mismatch = (reason: string) => new ConcordError(CONCORD_ERROR__CODEC__CHECKPOINT_MISMATCH, { reason });

export function encodeCheckpoint(c: RunCheckpoint, specs: readonly TensorSpec[]): Uint8Array {
  const named = (prefix: string, data: readonly Float32Array[]): NamedTensor[] =>
    data.map((d, i) => ({ name: prefix + specs[i].name, shape: specs[i].shape, data: d }));
  return encodeSafetensors([...named(PARAMS, c.params), ...named(VELOCITY, c.velocity)], {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    run: c.run.toBase58(),
    epoch: String(c.epoch),
    rounds: String(c.rounds),
  });
}

/**
 * Reads a checkpoint of `expected.run` for a model of `specs` (MALFORMED_CHECKPOINT for bytes that are not one,
 * CHECKPOINT_MISMATCH for one of another run or model, or holding more rounds than the chain had decided when it was
 * recorded).
 */
export function decodeCheckpoint(
  bytes: Uint8Array,
  specs: readonly TensorSpec[],
  expected: { run: PublicKey; maxRounds?: number },
): RunCheckpoint {
  const { tensors, metadata } = decodeSafetensors(bytes);
  if (metadata.format !== CHECKPOINT_FORMAT || metadata.version !== CHECKPOINT_VERSION)
    throw new ConcordError(CONCORD_ERROR__CODEC__MALFORMED_CHECKPOINT, {
      reason: `format ${metadata.format}/${metadata.version}, this code reads ${CHECKPOINT_FORMAT}/${CHECKPOINT_VERSION}`,
    });
  const count = (k: string) => {
    const n = Number(metadata[k]);
    if (!/^\d+$/.test(metadata[k] ?? "") || !Number.isSafeInteger(n))
      throw new ConcordError(CONCORD_ERROR__CODEC__MALFORMED_CHECKPOINT, { reason: `metadata ${k} is not a count` });
    return n;
  };
  const [epoch, rounds] = [count("epoch"), count("rounds")];
  if (metadata.run !== expected.run.toBase58())
    throw mismatch(`it is of run ${metadata.run}, expected ${expected.run.toBase58()}`);
  if (expected.maxRounds !== undefined && rounds > expected.maxRounds)
    throw mismatch(`it holds ${rounds} rounds, more than the ${expected.maxRounds} decided when it was recorded`);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const take = (prefix: string): Float32Array[] =>
    specs.map((s) => {
      const t = byName.get(prefix + s.name);
      if (!t) throw mismatch(`tensor ${prefix + s.name} is missing`);
      if (t.shape.join(",") !== s.shape.join(","))
        throw mismatch(`tensor ${t.name} has shape [${t.shape.join(", ")}], the model's is [${s.shape.join(", ")}]`);
      byName.delete(t.name);
      return t.data;
    });
  const params = take(PARAMS);
  const velocity = [...byName.keys()].some((n) => n.startsWith(VELOCITY)) ? take(VELOCITY) : [];
  if (byName.size) throw mismatch(`tensor ${[...byName.keys()][0]} is not one of the model's`);
  return { run: expected.run, epoch, rounds, params, velocity };
}
