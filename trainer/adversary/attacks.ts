// The bad actors quality control is measured against: what a dishonest member commits in place of its honest update.
// Each takes the update its node trained honestly (a lazy member's on rows it was not assigned) and what it could
// see before committing, and returns well-formed bytes of the run's layout, so only the audit's checks tell it apart
// (a mismatched member commits one update and publishes another).
// Used by `concord train --attack` (red-team processes in the tests) and bench:audit; an honest node has none.
import { NORM_BOUND_FACTOR } from "../../sdk/audit/normBound";
import { roundToFloat16 } from "../../sdk/codec/float16";
import { layoutOfSparse, quantizeQ2, quantizeValue, scatterSelection } from "../../sdk/demo/compress";
import type { SparseTensor, SparseUpdate, ValueFormat } from "../../sdk/demo/sparseUpdate";

export const ATTACKS = [
  "free-rider",
  "copier",
  "perturbed-copier",
  "scaled",
  "sign-flip",
  "flip-under-bound",
  "little-is-enough",
  "lazy",
  "stale",
  "mismatched",
] as const;
export type AttackName = (typeof ATTACKS)[number];

/** What a member sees when it commits round s. */
export interface AttackView {
  /** The update it trained (on its own rows, or a lazy member's other rows). */
  readonly own: SparseUpdate;
  /** Updates of the same round from other members that it received before committing (copier, little-is-enough). */
  readonly others: readonly SparseUpdate[];
  /** What it committed the round before, if anything. */
  readonly previous: SparseUpdate | null;
  /** Uniform in [0, 1): the attack's own randomness. */
  readonly random: () => number;
}

export interface Attack {
  readonly name: AttackName;
  /** Trains on rows nobody assigned it (the rows of another data seed) instead of its own. */
  readonly trainsOnOtherRows: boolean;
  /** Waits for another member's update of the round before committing. */
  readonly needsOthers: boolean;
  /** The update it commits. */
  update(view: AttackView): SparseUpdate;
  /** The update it publishes and serves for that receipt, when not the one committed. */
  published?(committed: SparseUpdate): SparseUpdate;
}

/** The poisoner's factor: far outside the honest spread, so a norm bound catches it. */
export const SCALE_FACTOR = 10;
/** Share of a copied update's entries a perturbing copier changes (index and value). */
export const PERTURBED_SHARE = 0.1;
/**
 * The largest sign-flipped update the witnesses' norm bound lets through (0.9 of NORM_BOUND_FACTOR): the poisoner
 * that knows the checks. What stops it is the aggregation rule, not a witness.
 */
export const UNDER_BOUND_FACTOR = -0.9 * NORM_BOUND_FACTOR;
/** "A little is enough" (Baruch et al., 2019): how many of the honest spread's standard deviations it shifts by. */
export const LIE_Z = 1;

export function attackNamed(name: string): Attack {
  if (!(ATTACKS as readonly string[]).includes(name))
    throw new Error(`--attack ${name}: expected one of ${ATTACKS.join(", ")}`);
  const attack = name as AttackName;
  const base = { name: attack, trainsOnOtherRows: attack === "lazy", needsOthers: false };
  switch (attack) {
    case "free-rider":
      return { ...base, update: (v) => mapTensors(v.own, (t) => randomTensor(t, v.random)) };
    case "copier":
      return { ...base, needsOthers: true, update: (v) => v.others[0] ?? v.own };
    case "perturbed-copier":
      return {
        ...base,
        needsOthers: true,
        update: (v) => (v.others[0] ? mapTensors(v.others[0], (t) => perturb(t, v.random)) : v.own),
      };
    case "scaled":
      return { ...base, update: (v) => mapTensors(v.own, (t) => scaled(t, v.own.format, SCALE_FACTOR)) };
    case "sign-flip":
      return { ...base, update: (v) => mapTensors(v.own, (t) => scaled(t, v.own.format, -1)) };
    case "flip-under-bound":
      return { ...base, update: (v) => mapTensors(v.own, (t) => scaled(t, v.own.format, UNDER_BOUND_FACTOR)) };
    case "little-is-enough":
      return {
        ...base,
        needsOthers: true,
        update: (v) => (v.others.length ? littleIsEnough(v.own, v.others) : v.own),
      };
    case "lazy":
      return { ...base, update: (v) => v.own };
    case "stale":
      return { ...base, update: (v) => v.previous ?? v.own };
    case "mismatched":
      return {
        ...base,
        update: (v) => v.own,
        published: (committed) => mapTensors(committed, (t) => scaled(t, committed.format, -1)),
      };
  }
}

function mapTensors(u: SparseUpdate, f: (t: SparseTensor, i: number) => Float32Array | SparseTensor): SparseUpdate {
  return {
    format: u.format,
    tensors: u.tensors.map((t, i) => {
      const mapped = f(t, i);
      return mapped instanceof Float32Array ? quantized(t, u.format, mapped) : mapped;
    }),
  };
}

/** `t` with `values` at its indices, as the format carries them (q2 re-derives its chunks' scales). */
function quantized(t: SparseTensor, format: ValueFormat, values: Float32Array): SparseTensor {
  if (format === "q2") return { ...t, ...quantizeQ2({ indices: t.indices, values }, t.k) };
  return { ...t, values: values.map((v) => quantizeValue(v, format)) };
}

/** Values times `factor`; q2 keeps its levels and scales its chunks' scales (sign values only flip). */
function scaled(t: SparseTensor, format: ValueFormat, factor: number): SparseTensor {
  if (format !== "q2")
    return quantized(
      t,
      format,
      t.values.map((v) => v * factor),
    );
  const scales = t.scales!.map((s) => roundToFloat16(s * Math.abs(factor)));
  const values = t.values.map((v, j) => {
    const q = Math.floor(j / t.k);
    return Math.sign(factor) * (v / t.scales![q]) * scales[q]; // the level (exact), times the new scale
  });
  return { ...t, scales, values };
}

const chunkLenOf = (t: SparseTensor) => t.chunk.reduce((a, b) => a * b, 1);

/** Random indices with random signs of the tensor's own magnitudes: the right shape and norm, no information. */
function randomTensor(t: SparseTensor, random: () => number): SparseTensor {
  const chunkLen = chunkLenOf(t);
  const indices = new Uint32Array(t.indices.length);
  const values = new Float32Array(t.values.length);
  for (let q = 0; q < indices.length / t.k; q++) {
    const picked = new Set<number>();
    while (picked.size < t.k) picked.add(Math.floor(random() * chunkLen));
    indices.set(
      [...picked].sort((a, b) => a - b),
      q * t.k,
    );
    for (let j = q * t.k; j < (q + 1) * t.k; j++) values[j] = (random() < 0.5 ? -1 : 1) * Math.abs(t.values[j]);
  }
  return { ...t, indices, values };
}

/** A copy with a share of its entries moved to another free index of their chunk and their sign flipped. */
function perturb(t: SparseTensor, random: () => number): SparseTensor {
  const chunkLen = chunkLenOf(t);
  const indices = Uint32Array.from(t.indices);
  const values = Float32Array.from(t.values);
  for (let q = 0; q < indices.length / t.k; q++) {
    const at = q * t.k;
    const used = new Set(indices.subarray(at, at + t.k));
    for (let j = at; j < at + t.k; j++) {
      if (random() >= PERTURBED_SHARE || used.size >= chunkLen) continue;
      let idx: number;
      do idx = Math.floor(random() * chunkLen);
      while (used.has(idx));
      used.delete(indices[j]);
      used.add(idx);
      indices[j] = idx;
      values[j] = -values[j];
    }
    // the codec wants a chunk's indices ascending: sort entries by index
    const order = Array.from({ length: t.k }, (_, j) => at + j).sort((a, b) => indices[a] - indices[b]);
    const [ci, cv] = [order.map((o) => indices[o]), order.map((o) => values[o])];
    indices.set(ci, at);
    values.set(cv, at);
  }
  return { ...t, indices, values };
}

/**
 * At its own indices, the honest updates' mean moved toward zero by LIE_Z of their spread (a coefficient an update
 * did not send counts as 0): each value sits among honest ones, every one biased against progress.
 */
function littleIsEnough(own: SparseUpdate, others: readonly SparseUpdate[]): SparseUpdate {
  const honest = [own, ...others];
  return mapTensors(own, (t, ti) => {
    const chunkLen = chunkLenOf(t);
    const dense = honest.map((u) => scatterSelection(u.tensors[ti], layoutOfSparse(u.tensors[ti]), t.k));
    return Float32Array.from(t.indices, (idx, j) => {
      const at = Math.floor(j / t.k) * chunkLen + idx;
      const xs = dense.map((d) => d[at]);
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
      return mean - Math.sign(mean) * LIE_Z * std;
    });
  });
}
