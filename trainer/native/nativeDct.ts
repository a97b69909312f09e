// DeMo's chunked DCT through the native addon (c/dct.c): the JavaScript algorithm of sdk/demo/dct.ts ported line
// by line to C with the same float64 operations and the constants of dctPlan(), so it gives the same bits as
// jsChunkedDct (tests compare them) and a trainer's updates do not depend on whether it has the addon.
import type { ChunkLayout } from "../../sdk/demo/chunkLayout";
import type { ChunkedDct } from "../../sdk/demo/chunkedDct";
import { jsChunkedDct, tileGeometry } from "../../sdk/demo/chunkedDct";
import { dctPlan } from "../../sdk/demo/dct";
import type { NativeAddon } from "./nativeAddon";
import { loadNativeAddon } from "./nativeAddon";

export function nativeChunkedDct(addon: NativeAddon): ChunkedDct {
  const geometry = (layout: ChunkLayout) => {
    const { rows, cols, r, c } = tileGeometry(layout);
    return [rows, cols, r, c, dctPlan(c), dctPlan(r)] as const;
  };
  return {
    name: "native",
    forward(x, layout, out = new Float32Array(layout.size)) {
      addon.dctForward(x, out, ...geometry(layout));
      return out;
    },
    inverse(coef, layout, out = new Float32Array(layout.size), accumulate = false) {
      addon.dctInverse(coef, out, accumulate, ...geometry(layout));
      return out;
    },
  };
}

let chosen: ChunkedDct | undefined;

/** The native DCT when the addon loads, else the JavaScript one (both give the same bits); chosen once. */
export function defaultChunkedDct(): ChunkedDct {
  const { addon } = loadNativeAddon();
  return (chosen ??= addon ? nativeChunkedDct(addon) : jsChunkedDct);
}
