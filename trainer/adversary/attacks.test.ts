import { indexOverlap } from "../../sdk/audit/updateOverlap";
import { updateNorm } from "../../sdk/audit/normBound";
import type { UpdateLayout } from "../../sdk/codec/updateCodec";
import { decodeUpdate, encodeUpdate } from "../../sdk/codec/updateCodec";
import type { SparseUpdate, ValueFormat } from "../../sdk/demo/sparseUpdate";
import { mulberry32 } from "../../sdk/seededRandom";
import { PSYCHE_DEMO } from "../optim/roundConfig";
import { UpdateCompressor } from "../optim/updateCompressor";
import type { AttackView } from "./attacks";
import { ATTACKS, attackNamed, SCALE_FACTOR } from "./attacks";

const shapes = [[65, 128], [128], [64, 192]];

/** Three members' real compressed updates of one round, and the first one's of the round before. */
function round(format: ValueFormat): { view: AttackView; layout: UpdateLayout } {
  const u = mulberry32(7);
  const compressors = [0, 1, 2].map(() => new UpdateCompressor(shapes, { ...PSYCHE_DEMO, topK: 8, format }));
  const grads = () => shapes.map((s) => Float32Array.from({ length: s[0] * (s[1] ?? 1) }, () => u() - 0.5));
  const previous = compressors[0].compress(grads(), 1);
  const [own, ...others] = compressors.map((c) => c.compress(grads(), 1));
  return { view: { own, others, previous, random: mulberry32(1) }, layout: compressors[0].layout };
}

const negated = (u: SparseUpdate) => u.tensors.map((t) => Array.from(t.values, (v) => -v));

describe.each(["sign", "q2", "f16"] as const)("attacks on %s updates", (format) => {
  const { view, layout } = round(format);
  const made = (name: string) => decodeUpdate(encodeUpdate(attackNamed(name).update(view)), layout);

  test.each(ATTACKS)("%s commits a well-formed update of the run's layout", (name) => {
    expect(() => made(name)).not.toThrow();
  });

  test("a copier re-sends another's update; a perturbing one keeps most of its entries, not all", () => {
    expect(encodeUpdate(made("copier"))).toEqual(encodeUpdate(view.others[0]));
    const overlap = indexOverlap(made("perturbed-copier"), view.others[0]);
    expect(overlap).toBeGreaterThan(0.8);
    expect(overlap).toBeLessThan(1);
  });

  test("stale re-sends the previous round's update; sign-flip negates; a free-rider shares few indices", () => {
    expect(encodeUpdate(made("stale"))).toEqual(encodeUpdate(view.previous!));
    expect(made("sign-flip").tensors.map((t) => Array.from(t.values))).toEqual(negated(view.own));
    expect(indexOverlap(made("free-rider"), view.own)).toBeLessThan(0.3);
    expect(updateNorm(made("free-rider")) / updateNorm(view.own)).toBeCloseTo(1, 1);
  });

  test("little-is-enough stays within the honest values' range, biased toward zero", () => {
    expect(updateNorm(made("little-is-enough"))).toBeLessThan(updateNorm(view.own) * 1.01);
  });
});

test("scaled multiplies a valued update's norm; sign values carry no magnitude to scale", () => {
  const q2 = round("q2");
  const scaled = attackNamed("scaled").update(q2.view);
  expect(updateNorm(scaled) / updateNorm(q2.view.own)).toBeCloseTo(SCALE_FACTOR, 1);
  const sign = round("sign");
  expect(encodeUpdate(attackNamed("scaled").update(sign.view))).toEqual(encodeUpdate(sign.view.own));
});

test("an unknown attack is refused with the list of known ones", () => {
  expect(() => attackNamed("gremlin")).toThrow(/--attack gremlin: expected one of free-rider, copier/);
});
