// A member's error feedback and compression (DeMo's momentum, SparseLoCo's error buffer): per tensor it keeps what it
// has not sent yet, in the transform's domain, folds each round's pseudo-gradient into it, sends the k largest
// entries of every chunk, and removes what it sent. The chunked transform is orthonormal (or the identity) and tiles
// tensors exactly, so keeping the buffer in its domain is the same recurrence with one transform per round.
import { chunkLayout } from "../../sdk/demo/chunkLayout";
import type { ChunkLayout } from "../../sdk/demo/chunkLayout";
import type { ChunkedDct } from "../../sdk/demo/chunkedDct";
import { chunkedIdentity } from "../../sdk/demo/chunkedIdentity";
import type { TopKSelector } from "../../sdk/demo/topK";
import { planUpdateLayout, selectCoefficients } from "../../sdk/demo/compress";
import type { SparseTensor, SparseUpdate } from "../../sdk/demo/sparseUpdate";
import type { UpdateLayout } from "../../sdk/codec/updateCodec";
import { ConcordError } from "../../sdk/errors/concordError";
import { CONCORD_ERROR__TRAINER__NON_FINITE } from "../../sdk/errors/codes";
import { defaultChunkedDct } from "../native/nativeDct";
import { defaultTopK } from "../native/nativeTopK";
import type { RoundConfig } from "./roundConfig";
import { validateRoundConfig } from "./roundConfig";
import { globalNorm } from "./gradClip";

/** The transform a round config names (DCT: native when the addon loads; the same bits either way). */
export function roundTransform(config: Pick<RoundConfig, "transform">): ChunkedDct {
  return config.transform === "dct" ? defaultChunkedDct() : chunkedIdentity;
}

export class UpdateCompressor {
  readonly layout: UpdateLayout;
  private readonly chunks: ChunkLayout[];
  private readonly buffer: Float32Array[];
  /** Scratch for each tensor's transform, reused every round. */
  private readonly coef: Float32Array[];

  constructor(
    shapes: readonly (readonly number[])[],
    private readonly config: RoundConfig,
    private readonly transform: ChunkedDct = roundTransform(config),
    private readonly topK: TopKSelector = defaultTopK(),
  ) {
    validateRoundConfig(config);
    this.layout = planUpdateLayout(shapes, config.chunk, config.topK, config.format);
    this.chunks = shapes.map((s) => chunkLayout(s, config.chunk));
    this.buffer = this.chunks.map((c) => new Float32Array(c.size));
    this.coef = this.chunks.map((c) => new Float32Array(c.size));
  }

  /**
   * Folds `scale` times this round's pseudo-gradient (parameter order, row-major) into the buffer and returns the
   * update to send; what was sent leaves the buffer.
   */
  compress(delta: readonly Float32Array[], scale: number): SparseUpdate {
    const norm = globalNorm(delta);
    if (!Number.isFinite(norm))
      throw new ConcordError(CONCORD_ERROR__TRAINER__NON_FINITE, { what: "pseudo-gradient", reason: `norm ${norm}` });
    const { decay, format } = this.config;
    const tensors: SparseTensor[] = delta.map((d, i) => {
      const layout = this.chunks[i];
      const { k } = this.layout.tensors[i];
      const e = this.buffer[i];
      const coef = this.transform.forward(d, layout, this.coef[i]);
      for (let j = 0; j < e.length; j++) e[j] = decay * e[j] + scale * coef[j];
      const { sparse } = selectCoefficients(e, layout, k, format, this.topK);
      // A scaled format (q2) keeps its quantization error for later rounds, as SparseLoCo does; the others remove
      // the selection exactly (sign values carry no magnitude to subtract).
      for (let j = 0; j < sparse.indices.length; j++) {
        const at = Math.floor(j / k) * layout.chunkLen + sparse.indices[j];
        e[at] = format === "q2" ? e[at] - sparse.values[j] : 0;
      }
      return sparse;
    });
    return { format, tensors };
  }

  /** Copies of the buffer (in the transform's domain), for checkpoints, rollbacks and tests. */
  bufferState(): Float32Array[] {
    return this.buffer.map((m) => Float32Array.from(m));
  }

  /** Puts back a buffer bufferState() returned. */
  restoreBuffer(state: readonly Float32Array[]): void {
    this.buffer.forEach((b, i) => b.set(state[i]));
  }
}
