// DeMo's per-chunk top-k through the native addon (c/topk.c), selecting exactly the entries sdk/demo/topK.ts
// selects (tests compare them), several times faster: it was most of a worker's compression time after the DCT.
import type { TopKSelector } from "../../sdk/demo/topK";
import { jsTopK } from "../../sdk/demo/topK";
import type { NativeAddon } from "./nativeAddon";
import { loadNativeAddon } from "./nativeAddon";

export function nativeTopK(addon: NativeAddon): TopKSelector {
  return {
    name: "native",
    select(coef, chunkLen, k) {
      const n = (coef.length / chunkLen) * k;
      const [indices, values] = [new Uint32Array(n), new Float32Array(n)];
      addon.topK(coef, chunkLen, k, indices, values);
      return { indices, values };
    },
  };
}

let chosen: TopKSelector | undefined;

/** The native top-k when the addon loads, else the JavaScript one (both select the same entries); chosen once. */
export function defaultTopK(): TopKSelector {
  const { addon } = loadNativeAddon();
  return (chosen ??= addon ? nativeTopK(addon) : jsTopK);
}
