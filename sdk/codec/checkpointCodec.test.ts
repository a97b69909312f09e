import { Keypair } from "@solana/web3.js";
import * as codes from "../errors/codes";
import { mulberry32 } from "../seededRandom";
import { expectConcordError } from "../../tests/helpers/expectConcordError";
import type { RunCheckpoint, TensorSpec } from "./checkpointCodec";
import { decodeCheckpoint, encodeCheckpoint } from "./checkpointCodec";
import { decodeSafetensors, encodeSafetensors } from "./safetensors";

const SPECS: TensorSpec[] = [
  { name: "wte", shape: [5, 3] },
  { name: "h.0.ln.g", shape: [3] },
];
const run = Keypair.generate().publicKey;

function checkpoint(velocity: boolean): RunCheckpoint {
  const r = mulberry32(7);
  const tensors = () =>
    SPECS.map((s) => Float32Array.from({ length: s.shape.reduce((a, b) => a * b) }, () => r() - 0.5));
  return { run, epoch: 2, rounds: 11, params: tensors(), velocity: velocity ? tensors() : [] };
}

/** Safetensors bytes with `header` as the JSON header and `data` after it. */
function raw(header: unknown, data = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const META = { format: "concord-checkpoint", version: "1", run: run.toBase58(), epoch: "2", rounds: "11" };

describe("safetensors", () => {
  test("round-trips float32 tensors and metadata, in the layout of the format: u64 header length, JSON, data", () => {
    const tensors = [
      { name: "a", shape: [2, 2], data: Float32Array.of(1, -2, 3.5, Number.MIN_VALUE) },
      { name: "b", shape: [], data: Float32Array.of(7) },
    ];
    const bytes = encodeSafetensors(tensors, { note: "x" });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0); // padded so tensors start aligned
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header.a).toEqual({ dtype: "F32", shape: [2, 2], data_offsets: [0, 16] });
    expect(header.b).toEqual({ dtype: "F32", shape: [], data_offsets: [16, 20] });
    expect(header.__metadata__).toEqual({ note: "x" });
    expect(new DataView(bytes.buffer).getFloat32(8 + n + 4, true)).toBe(-2); // little-endian
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ note: "x" });
    expect(back.tensors.map((t) => [t.name, t.shape, Array.from(t.data)])).toEqual(
      tensors.map((t) => [t.name, t.shape, Array.from(t.data)]),
    );
  });

  test.each([
    ["too short", new Uint8Array(5), /shorter than the 8-byte header length/],
    ["a header longer than the file", raw({}).map((b, i) => (i === 0 ? 200 : b)), /header length 200 exceeds/],
    [
      "a header that is not JSON",
      (() => {
        const b = raw({ a: 1 });
        b[9] = 0x7b; // "{{"
        return b;
      })(),
      /not UTF-8 JSON/,
    ],
    ["a header that is a list", raw([1, 2]), /not a JSON object/],
    ["non-string metadata", raw({ __metadata__: { a: 1 } }), /__metadata__.a is not a string/],
    ["another dtype", raw({ t: { dtype: "F16", shape: [1], data_offsets: [0, 2] } }, new Uint8Array(2)), /dtype F16/],
    [
      "a shape that is not sizes",
      raw({ t: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)),
      /shape is not a list/,
    ],
    [
      "offsets past the data",
      raw({ t: { dtype: "F32", shape: [2], data_offsets: [0, 8] } }, new Uint8Array(4)),
      /outside the 4 data bytes/,
    ],
    ["inverted offsets", raw({ t: { dtype: "F32", shape: [0], data_offsets: [4, 0] } }, new Uint8Array(4)), /outside/],
    [
      "a shape that does not fill its bytes",
      raw({ t: { dtype: "F32", shape: [2], data_offsets: [0, 4] } }, new Uint8Array(4)),
      /does not fill 4 bytes/,
    ],
    [
      "a hole between tensors",
      raw({ t: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)),
      /starts at byte 4, expected 0/,
    ],
    [
      "overlapping tensors",
      raw(
        {
          t: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
          u: { dtype: "F32", shape: [1], data_offsets: [4, 8] },
        },
        new Uint8Array(8),
      ),
      /starts at byte 4, expected 8|starts at byte 0, expected/,
    ],
    [
      "bytes after the last tensor",
      raw({ t: { dtype: "F32", shape: [1], data_offsets: [0, 4] } }, new Uint8Array(6)),
      /2 bytes after the last tensor/,
    ],
  ])("refuses %s with MALFORMED_CHECKPOINT", (_, bytes, message) => {
    const e = expectConcordError(() => decodeSafetensors(bytes), codes.CONCORD_ERROR__CODEC__MALFORMED_CHECKPOINT);
    expect(e.message).toMatch(message);
  });

  test("refuses to write a repeated or reserved name, or a shape that does not hold the data", () => {
    const t = { name: "a", shape: [1], data: Float32Array.of(1) };
    expectConcordError(() => encodeSafetensors([t, t], {}), codes.CONCORD_ERROR__CODEC__MALFORMED_CHECKPOINT);
    expectConcordError(
      () => encodeSafetensors([{ ...t, name: "__metadata__" }], {}),
      codes.CONCORD_ERROR__CODEC__MALFORMED_CHECKPOINT,
    );
    expectConcordError(
      () => encodeSafetensors([{ ...t, shape: [2] }], {}),
      codes.CONCORD_ERROR__CODEC__MALFORMED_CHECKPOINT,
    );
  });
});

describe("run checkpoints", () => {
  test.each([true, false])("round-trip the parameters and (%s) the outer velocity", (velocity) => {
    const c = checkpoint(velocity);
    const back = decodeCheckpoint(encodeCheckpoint(c, SPECS), SPECS, { run, maxRounds: 11 });
    expect(back).toEqual(c);
  });

  test("the tensors are named for what they are, so any safetensors reader finds them", () => {
    const { tensors, metadata } = decodeSafetensors(encodeCheckpoint(checkpoint(true), SPECS));
    expect(tensors.map((t) => t.name)).toEqual([
      "params/wte",
      "params/h.0.ln.g",
      "outer_velocity/wte",
      "outer_velocity/h.0.ln.g",
    ]);
    expect(metadata).toEqual(META);
  });

  test("refuses a checkpoint of another run, of more rounds than were decided, or of another model", () => {
    const bytes = encodeCheckpoint(checkpoint(false), SPECS);
    const mismatch = codes.CONCORD_ERROR__CODEC__CHECKPOINT_MISMATCH;
    const other = Keypair.generate().publicKey;
    expect(expectConcordError(() => decodeCheckpoint(bytes, SPECS, { run: other }), mismatch).message).toMatch(
      `it is of run ${run.toBase58()}`,
    );
    expectConcordError(() => decodeCheckpoint(bytes, SPECS, { run, maxRounds: 10 }), mismatch);
    const wider = [{ name: "wte", shape: [5, 4] }, SPECS[1]];
    expect(expectConcordError(() => decodeCheckpoint(bytes, wider, { run }), mismatch).message).toMatch(
      "params/wte has shape [5, 3], the model's is [5, 4]",
    );
    expect(expectConcordError(() => decodeCheckpoint(bytes, [SPECS[0]], { run }), mismatch).message).toMatch(
      "params/h.0.ln.g is not one of the model's",
    );
    expect(
      expectConcordError(() => decodeCheckpoint(bytes, [...SPECS, { name: "x", shape: [1] }], { run }), mismatch)
        .message,
    ).toMatch("params/x is missing");
  });

  test("refuses safetensors that are not a Concord checkpoint, or whose counts are not counts", () => {
    const t = { name: "params/wte", shape: [1], data: Float32Array.of(1) };
    const malformed = codes.CONCORD_ERROR__CODEC__MALFORMED_CHECKPOINT;
    expectConcordError(() => decodeCheckpoint(encodeSafetensors([t], {}), SPECS, { run }), malformed);
    expectConcordError(
      () => decodeCheckpoint(encodeSafetensors([t], { ...META, rounds: "-1" }), SPECS, { run }),
      malformed,
    );
    expectConcordError(
      () => decodeCheckpoint(encodeSafetensors([t], { ...META, version: "2" }), SPECS, { run }),
      malformed,
    );
  });
});
