// Applying a round: every honest node decodes exactly the accepted updates (strictly, against the run's layout), in
// ascending slot order, and takes one DeMo step with their aggregate. The node, the replay and the single-process
// DeMo run all apply through here.
import { decodeUpdate } from "../../sdk/codec/updateCodec";
import type { UpdateLayout } from "../../sdk/codec/updateCodec";
import type { Transformer } from "../model/transformer";
import type { DemoConfig } from "../optim/demo";
import { applyDemoUpdates } from "../optim/demo";

/** Applies the encoded updates (already in the agreed order) at learning rate `lr`; none leaves the model as is. */
export function applyEncodedUpdates(
  model: Transformer,
  layout: UpdateLayout,
  config: DemoConfig,
  updates: readonly Uint8Array[],
  lr: number,
): void {
  if (!updates.length) return;
  const decoded = updates.map((bytes) => decodeUpdate(bytes, layout));
  const decay = model.specs.map((s) => s.decay);
  applyDemoUpdates(model.params, decay, decoded, lr, config, model.ops);
}
